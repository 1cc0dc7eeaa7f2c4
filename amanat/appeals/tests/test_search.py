"""Full-text search: numbers, Russian and Kazakh words, odd strings, scope, the index kept in step."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amanat.appeals import search
from amanat.appeals.models import Appeal, AppealEvent
from amanat.appeals.search import fts_expression, number_candidates, search_appeals, stem, words
from amanat.appeals.selectors import appeals_for

pytestmark = pytest.mark.django_db

ODD_STRINGS = [
    '"',
    '""отопление',
    "*",
    "отоп*",
    "NEAR(отопление жылу)",
    "отопление AND жылу",
    "OR",
    "NOT отопление",
    "\\",
    "C:\\temp\\'; DROP TABLE appeals_appeal; --",
    "100%_off",
    "🔥🔥 отопление 🔥",
    "😀",
    "?!.,;:()[]{}<>",
    "-",
    "---",
    "a" * 500,
    "слово " * 60,
    "\x00\x01",
    "subject:отопление",
    "^отоп",
    "{subject text}: жылу",
]


@pytest.fixture
def appeals(appeal_factory, tree, cats):
    return {
        "heating": appeal_factory(
            subject="Нет отопления",
            text="В доме третью неделю нет отопления, батареи холодные.",
            address="ул. Абая, 5",
            category=cats.heating,
        ),
        "kazakh": appeal_factory(
            text="Үйде жылу жоқ, балалар тоңып отыр. Көмектесіңіздер.", language="kk", address="Құрманғазы көшесі 12"
        ),
        "roads": appeal_factory(text="Яма на дороге у школы, просим отремонтировать асфальт.", category=cats.roads),
        "inder": appeal_factory(org_unit=tree.inder, text="Отопление не работает на улице Абая в Индере."),
    }


def found(queryset, query):
    return set(search_appeals(queryset, query).values_list("pk", flat=True))


# --- the pure parts -------------------------------------------------------------------------


def test_words_keep_letters_and_digits_only():
    assert words('  "Отопление" AND NEAR(жылу*) 🔥 ул.Абая\\5 ') == [
        "отопление",
        "and",
        "near",
        "жылу",
        "ул",
        "абая",
        "5",
    ]
    assert words("") == []
    assert len(words(" ".join(f"слово{i}" for i in range(30)))) == search.MAX_WORDS


def test_stem_takes_one_ending_off_long_words():
    assert stem("отопление") == "отоплен"
    assert stem("отопления") == "отоплен"
    assert stem("жылу") == "жылу"  # short words stay whole
    assert stem("балалардың").startswith("балалар")
    assert stem("2026000123") == "2026000123"


def test_fts_expression_quotes_every_word():
    assert fts_expression(["отоплен", 'a"b']) == '"отоплен" "a""b"'


def test_number_candidates():
    assert number_candidates("АТР-2026-000123") == ["АТР-2026-000123"]
    assert number_candidates("атр-2026-123") == ["АТР-2026-000123"]
    assert number_candidates("2026-000123") == ["АТР-2026-000123"]
    assert number_candidates("123", [2026, 2025]) == ["АТР-2026-000123", "АТР-2025-000123"]
    assert number_candidates("отопление") == []
    assert number_candidates("0") == []


# --- against the database (SQLite FTS5 / PostgreSQL) ------------------------------------------


def test_number_exact_without_prefix_and_sequence_alone(appeals):
    appeal = appeals["roads"]
    _prefix, year, seq = appeal.number.split("-")
    qs = Appeal.objects.all()
    assert found(qs, appeal.number) == {appeal.pk}
    assert found(qs, appeal.number.lower()) == {appeal.pk}
    assert found(qs, f"{year}-{seq}") == {appeal.pk}
    assert found(qs, str(int(seq))) == {appeal.pk}
    assert found(qs, seq) == {appeal.pk}


def test_tracking_code_finds_the_appeal(appeals):
    appeal = appeals["kazakh"]
    assert found(Appeal.objects.all(), appeal.tracking_code.lower()) == {appeal.pk}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("отопление", {"heating", "inder"}),  # other word forms: "отопления"
        ("ОТОПЛЕНИЯ", {"heating", "inder"}),
        ("отоплением", {"heating", "inder"}),
        ("батареи", {"heating"}),
        ("жылу", {"kazakh"}),
        ("ЖЫЛУ", {"kazakh"}),
        ("балалар", {"kazakh"}),
        ("Абая", {"heating", "inder"}),  # the address and the text
        ("абая отопление", {"heating", "inder"}),
        ("Құрманғазы", {"kazakh"}),
        ("асфальт школы", {"roads"}),
        ("отопление асфальт", set()),  # every word must occur
        ("канализация", set()),
    ],
)
def test_words_in_russian_and_kazakh(appeals, query, expected):
    assert found(Appeal.objects.all(), query) == {appeals[k].pk for k in expected}


def test_applicant_names_are_not_searchable(appeals):
    assert found(Appeal.objects.all(), "Серікова") == set()


def test_search_stays_inside_the_given_scope(appeals, staff):
    makat = appeals_for(staff.makat_operator)
    assert found(makat, "отопление") == {appeals["heating"].pk}
    assert found(makat, appeals["inder"].number) == set()
    assert found(appeals_for(staff.inder_operator), "Абая") == {appeals["inder"].pk}


def test_relevance_orders_a_small_result(appeal_factory):
    weak = appeal_factory(text="Вопрос про отопление и про многое другое: дороги, свет, мусор, парк, транспорт.")
    strong = appeal_factory(subject="Отопление", text="Отопление, отопление: отопление не включили.")
    ids = list(search_appeals(Appeal.objects.all(), "отопление").values_list("pk", flat=True))
    assert ids == [strong.pk, weak.pk]


def test_a_broad_result_is_filtered_without_ranking(appeals, monkeypatch):
    monkeypatch.setattr(search, "RANK_LIMIT", 1)
    result = search_appeals(Appeal.objects.order_by("-id"), "отопление")
    assert set(result.values_list("pk", flat=True)) == {appeals["heating"].pk, appeals["inder"].pk}
    assert list(result.values_list("pk", flat=True)) == sorted([appeals["heating"].pk, appeals["inder"].pk])[::-1]


def test_short_or_empty_queries(appeals):
    qs = Appeal.objects.all()
    assert found(qs, "") == set(qs.values_list("pk", flat=True))  # no query: everything
    assert found(qs, "   ") == set(qs.values_list("pk", flat=True))
    assert found(qs, "су") == set()  # shorter than a trigram: nothing to find


@pytest.mark.parametrize("query", ODD_STRINGS)
def test_odd_strings_never_raise(appeals, query):
    result = list(search_appeals(Appeal.objects.all(), query))
    assert isinstance(result, list)


def test_odd_string_still_finds_its_words(appeals):
    assert found(Appeal.objects.all(), '("отопление" *)') == {appeals["heating"].pk, appeals["inder"].pk}
    assert found(Appeal.objects.all(), 'NEAR("отопление")') == set()  # "near" is a word like any other
    assert found(Appeal.objects.all(), "🔥жылу🔥") == {appeals["kazakh"].pk}


def test_the_index_follows_edits(appeals):
    appeal = appeals["roads"]
    Appeal.objects.filter(pk=appeal.pk).update(text="Теперь здесь про газоснабжение.")
    assert found(Appeal.objects.all(), "газоснабжение") == {appeal.pk}
    assert found(Appeal.objects.all(), "асфальт") == set()
    appeal.refresh_from_db()
    appeal.status = "in_work"
    appeal.save()  # a save that leaves the words alone keeps them findable
    assert found(Appeal.objects.all(), "газоснабжение") == {appeal.pk}


def test_a_tracking_code_without_digits_finds_its_appeal(appeals):
    # About one code in eighteen has no digit: it must still be found as a code, not as words.
    appeal = appeals["kazakh"]
    Appeal.objects.filter(pk=appeal.pk).update(tracking_code="ABCDEFGHJK")
    assert found(Appeal.objects.all(), "abcdefghjk") == {appeal.pk}


# --- search inside a scope and inside other queries ---------------------------------------------


def test_parts_of_words_are_found_when_no_word_starts_so(appeals):
    # "отремонтировать": no word starts with "ремонтировать", the letters are inside one.
    assert found(Appeal.objects.all(), "ремонтировать") == {appeals["roads"].pk}


@pytest.mark.parametrize("rank_limit", [1, 300])
def test_a_search_inside_another_query_keeps_its_own_table(appeals, monkeypatch, rank_limit):
    # Django renames the appeals table inside a subquery (U0): the search's SQL must follow it.
    monkeypatch.setattr(search, "RANK_LIMIT", rank_limit)
    matches = search_appeals(Appeal.objects.all(), "отопление")
    events = AppealEvent.objects.filter(appeal__in=matches.values("pk"))
    assert set(events.values_list("appeal_id", flat=True)) == {appeals["heating"].pk, appeals["inder"].pk}


def test_few_matches_in_scope_are_ranked_though_there_are_many_elsewhere(appeal_factory, tree, staff, monkeypatch):
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    for _ in range(3):
        appeal_factory(org_unit=tree.inder, text="Отопление, отопление: отопление не включили.")
    strong = appeal_factory(subject="Отопление", text="Отопление, отопление: отопление не включили.")
    weak = appeal_factory(text="Вопрос про отопление и про многое другое: дороги, свет, мусор, парк, транспорт.")
    ids = list(search_appeals(appeals_for(staff.makat_operator), "отопление").values_list("pk", flat=True))
    assert ids == [strong.pk, weak.pk]


def test_a_broad_search_page_costs_the_same_queries_for_more_rows(
    client, appeal_factory, staff, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(search, "RANK_LIMIT", 1)
    client.force_login(staff.makat_operator)
    for _ in range(3):
        appeal_factory(text="Нет отопления.")
    inbox = reverse("appeals:inbox")
    client.get(inbox, {"q": "отопление"})  # warm the per-process caches
    with django_assert_max_num_queries(25) as few:
        client.get(inbox, {"q": "отопление"})
    for _ in range(25):
        appeal_factory(text="Отопление отключили.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(inbox, {"q": "отопление"})
    assert len(response.context["appeals"]) == 28


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=80))
def test_any_text_is_searched_without_error(appeals, query):
    assert isinstance(list(search_appeals(Appeal.objects.all(), query)), list)


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's own search (SQLite matches letters)"
)


@postgresql_only
def test_a_common_word_is_listed_newest_first_without_counting(appeals, monkeypatch):
    monkeypatch.setattr(search, "COMMON_MIN", 0)
    monkeypatch.setattr(search, "COMMON_SHARE", 0)
    result = search_appeals(Appeal.objects.all(), "отопление")
    assert list(result.values_list("pk", flat=True)) == [appeals["inder"].pk, appeals["heating"].pk]


@postgresql_only
def test_russian_word_forms_by_the_dictionary(appeal_factory):
    appeal = appeal_factory(text="Во дворе нашего дома нет освещения.")
    assert found(Appeal.objects.all(), "домов") == {appeal.pk}
