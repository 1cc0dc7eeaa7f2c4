"""The staff lists of appeals: who sees what, export, bulk assignment, htmx, query budget."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from amanat.accounts.models import RoleGrant
from amanat.appeals.choices import AppealStatus, Language, Solved
from amanat.appeals.models import Appeal, AppealEvent
from amanat.appeals.services.feedback import appeal_rate
from amanat.appeals.services.transitions import appeal_transition
from amanat.appeals.workflow import Transition
from amanat.audit.models import AuditEvent
from amanat.core.permissions import forget_grants

pytestmark = pytest.mark.django_db

INBOX = reverse("appeals:inbox")
MY = reverse("appeals:my")
REVIEW = reverse("appeals:review-list")
BULK = reverse("appeals:bulk-assign")


def assigned_then_grant_ended(appeal_factory, roles, *, user, role, unit, **fields):
    """An appeal on unit given to user while they held role there; the grant has ended since."""
    grant = RoleGrant.objects.create(user=user, role=roles[role], org_unit=unit, valid_from=dt.date(2000, 1, 1))
    forget_grants(user)
    appeal = appeal_factory(org_unit=unit, executor=user, **fields)
    grant.revoked_at = timezone.now()
    grant.save()
    forget_grants(user)
    return appeal


@pytest.fixture
def data(appeal_factory, tree, cats, staff, roles):
    makat = appeal_factory(
        subject="Нет отопления", text="В доме нет отопления.", address="ул. Абая, 5", category=cats.heating
    )
    makat_primary = appeal_factory(org_unit=tree.makat_p1, text="Үйде жылу жоқ.", category=cats.heating)
    inder = appeal_factory(org_unit=tree.inder, text="Отопление не работает, улица Абая.", category=cats.heating)
    # A deputy of Makat who also sat on Inder's list: an Inder appeal was given to them, then the
    # Inder grant ended — the appeal assigned to them stays theirs to see.
    inder_for_makat_deputy = assigned_then_grant_ended(
        appeal_factory,
        roles,
        user=staff.makat_deputy,
        role="deputy",
        unit=tree.inder,
        text="Дорога в селе разбита.",
        category=cats.roads,
    )
    answered = appeal_factory(text="Просим помочь с лечением.", category=cats.social, executor=staff.makat_deputy)
    appeal_transition(
        appeal=answered,
        transition=Transition.ANSWER,
        actor=staff.makat_deputy,
        text="Направлено в управление здравоохранения.",
        language=Language.RU,
        is_positive=True,
    )
    appeal_rate(appeal=answered, rating=2, solved=Solved.PARTLY)
    answered.refresh_from_db()
    return SimpleNamespace(
        makat=makat,
        makat_primary=makat_primary,
        inder=inder,
        inder_for_makat_deputy=inder_for_makat_deputy,
        answered=answered,
    )


def numbers_in(response):
    """The appeals listed on the page (not merely named, as in the search box)."""
    assert response.status_code == 200
    return {appeal.number for appeal in response.context["appeals"]}


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- who sees what ---------------------------------------------------------------------------


def test_inbox_permission_matrix(client, make_user, tree, data):
    response = client.get(INBOX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user())
    assert client.get(INBOX).status_code == 404  # no role: the page does not exist for them
    expected = {
        tree.makat: {data.makat.number, data.makat_primary.number, data.answered.number},
        tree.regional: {a.number for a in Appeal.objects.all()},
        tree.inder: {data.inder.number, data.inder_for_makat_deputy.number},
        tree.makat_p1: {data.makat_primary.number},
    }
    for unit, numbers in expected.items():
        client.force_login(make_user("reception_operator", unit))
        assert numbers_in(client.get(INBOX)) == numbers, unit.code


def test_makat_operator_sees_makat_never_inder(client, data, staff):
    client.force_login(staff.makat_operator)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert numbers_in(response) == {data.makat.number, data.makat_primary.number, data.answered.number}


def test_makat_operator_search_and_export_stay_in_makat(client, data, staff):
    client.force_login(staff.makat_operator)
    assert numbers_in(client.get(INBOX, {"q": "Абая"})) == {data.makat.number}
    assert numbers_in(client.get(INBOX, {"q": data.inder.number})) == set()
    rows = export_rows(client.get(INBOX, {"export": "xlsx"}))
    assert {r["Registration No."] for r in rows} == {data.makat.number, data.makat_primary.number, data.answered.number}


def test_deputy_sees_their_unit_and_what_is_assigned_to_them(client, data, staff):
    client.force_login(staff.makat_deputy)
    assert numbers_in(client.get(INBOX)) == {
        data.makat.number,
        data.makat_primary.number,
        data.answered.number,
        data.inder_for_makat_deputy.number,
    }
    assert numbers_in(client.get(INBOX, {"q": "Дорога"})) == {data.inder_for_makat_deputy.number}


def test_regional_secretary_sees_every_district(client, data, staff):
    client.force_login(staff.regional_secretary)
    assert numbers_in(client.get(INBOX)) == {a.number for a in Appeal.objects.all()}


def test_list_filters_through_the_query_string(client, data, staff, tree):
    client.force_login(staff.regional_secretary)
    response = client.get(INBOX, {"unit": tree.makat_p1.pk})
    assert numbers_in(response) == {data.makat_primary.number}
    response = client.get(INBOX, {"status": AppealStatus.ANSWERED})
    assert numbers_in(response) == {data.answered.number}


def test_bad_filter_values_show_a_message_next_to_the_field(client, data, staff):
    client.force_login(staff.makat_operator)
    response = client.get(INBOX, {"due_days": "999", "received_from": "yesterday"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_due_days_error"' in html and 'id="id_received_from_error"' in html


def test_each_user_is_offered_and_allowed_only_the_units_of_their_scope(client, data, staff, tree):
    """The unit and executor lists are kept per process and shared by users of the same scope:
    an Inder operator after a Makat one still gets Inder's, and a unit outside the scope is refused."""
    from amanat.appeals.filtersets import AppealFilterSet

    for who in ("makat_operator", "inder_operator", "makat_operator"):
        client.force_login(getattr(staff, who))
        form = client.get(INBOX).context["filter"].form
        html = str(form["unit"])
        assert (f'value="{tree.inder.pk}"' in html) == (who == "inder_operator")
        assert (f'value="{tree.makat_p1.pk}"' in html) == (who == "makat_operator")
        people = str(form["executor"])
        assert ("Inder Deputy" in people) == (who == "inder_operator")
    client.force_login(staff.makat_operator)
    refused = client.get(INBOX, {"unit": tree.inder.pk})
    assert 'id="id_unit_error"' in refused.content.decode()
    assert data.inder.number not in numbers_in(refused)
    # A filter set writes its request's queryset into its own copy of the filter, never the class's.
    assert not isinstance(AppealFilterSet.base_filters["unit"].extra["queryset"], QuerySet)


def test_row_texts_are_escaped(client, appeal_factory, staff):
    appeal_factory(subject='<script>alert("x")</script> & co', text="Текст.")
    client.force_login(staff.makat_operator)
    html = client.get(INBOX).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html


@pytest.mark.parametrize("query", ['"', "NEAR(*", "\\", "🔥", "AND OR NOT", "x" * 300, "?!"])
def test_odd_search_strings_answer_200(client, data, staff, query):
    client.force_login(staff.makat_operator)
    assert client.get(INBOX, {"q": query}).status_code == 200


# --- rows --------------------------------------------------------------------------------------


def test_row_shows_status_and_days_left(client, data, staff):
    client.force_login(staff.makat_operator)
    html = client.get(INBOX).content.decode()
    assert "Нет отопления" in html  # the subject
    assert "Registered" in html and "Answered" in html
    assert "working days left" in html


def test_overdue_row_is_marked(client, appeal_factory, staff):
    received = timezone.now() - dt.timedelta(days=60)
    old = appeal_factory(received_at=received, text="Старое обращение.")
    client.force_login(staff.makat_operator)
    html = client.get(INBOX).content.decode()
    assert old.number in html
    assert "overdue by" in html and "text-danger" in html


def test_query_count_does_not_grow_with_rows(client, appeal_factory, staff, cats, django_assert_max_num_queries):
    client.force_login(staff.makat_operator)
    for _ in range(3):
        appeal_factory(category=cats.heating, executor=staff.makat_deputy)
    client.get(INBOX)  # warm the per-process caches (calendar, site settings)
    with django_assert_max_num_queries(20) as few:
        client.get(INBOX, {"deadline": "soon", "due_days": "30"})
    for _ in range(25):
        appeal_factory(category=cats.roads, executor=staff.makat_deputy)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INBOX, {"deadline": "soon", "due_days": "30"})
    assert len(response.context["appeals"]) == 28


# --- htmx and export ---------------------------------------------------------------------------


def test_htmx_request_gets_only_the_results(client, data, staff):
    client.force_login(staff.makat_operator)
    response = client.get(INBOX, {"q": "отопление"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html
    assert data.makat.number in html
    assert "HX-Request" in response["Vary"]


def export_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_export_follows_filters_and_carries_the_columns(client, data, staff):
    client.force_login(staff.makat_operator)
    rows = export_rows(client.get(INBOX, {"status": AppealStatus.ANSWERED, "export": "xlsx"}))
    assert len(rows) == 1
    row = rows[0]
    assert row["Registration No."] == data.answered.number
    assert row["Status"] == "Answered"
    assert row["Category"] == "Social aid"
    assert row["Executor"] == "Makat Deputy"
    assert row["Answered"] is not None
    assert row["Applicant"] == "Серікова Айгүл"  # an operator holds view_applicant on Makat


def test_auditor_export_has_no_personal_data(client, data, staff):
    client.force_login(staff.auditor)
    rows = export_rows(client.get(INBOX, {"export": "xlsx"}))
    assert len(rows) == Appeal.objects.count()
    assert "Applicant" not in rows[0] and "Phone" not in rows[0]


# --- bulk assignment ---------------------------------------------------------------------------


def test_bulk_assign_assigns_every_ticked_appeal(client, data, staff):
    client.force_login(staff.makat_operator)
    response = client.post(
        BULK, {"appeal": [data.makat.pk, data.makat_primary.pk], "executor": staff.makat_deputy.pk, "next": INBOX}
    )
    assert response.status_code == 302 and response["Location"] == INBOX
    for appeal in (data.makat, data.makat_primary):
        appeal.refresh_from_db()
        assert appeal.executor == staff.makat_deputy
        assert AppealEvent.objects.filter(appeal=appeal, kind="assigned", actor=staff.makat_operator).exists()
    assert any("2 appeals assigned" in m for m in messages_of(response))


def test_bulk_assign_is_all_or_nothing(client, data, staff):
    client.force_login(staff.makat_operator)
    audit_before = AuditEvent.objects.count()
    response = client.post(BULK, {"appeal": [data.makat.pk, data.answered.pk], "executor": staff.makat_deputy.pk})
    assert response.status_code == 302
    data.makat.refresh_from_db()
    assert data.makat.executor is None  # the open one was not assigned either
    assert not AppealEvent.objects.filter(appeal=data.makat, kind="assigned").exists()
    assert AuditEvent.objects.count() == audit_before
    text = " ".join(messages_of(response))
    assert "Nothing was assigned" in text and data.answered.number in text and data.makat.number not in text


def test_bulk_assign_of_an_inder_appeal_by_a_makat_operator_is_refused(client, data, staff):
    client.force_login(staff.makat_operator)
    response = client.post(BULK, {"appeal": [data.makat.pk, data.inder.pk], "executor": staff.makat_deputy.pk})
    assert response.status_code == 302
    data.makat.refresh_from_db()
    data.inder.refresh_from_db()
    assert data.makat.executor is None and data.inder.executor is None
    assert any("not found" in m for m in messages_of(response))


def test_bulk_assign_to_someone_out_of_scope_is_refused(client, data, staff):
    client.force_login(staff.makat_operator)
    response = client.post(BULK, {"appeal": [data.makat.pk], "executor": staff.inder_deputy.pk})
    data.makat.refresh_from_db()
    assert data.makat.executor is None
    assert any("may not work" in m for m in messages_of(response))


def test_bulk_assign_of_an_appeal_seen_but_not_assignable(client, appeal_factory, data, staff, tree, roles):
    # Given to the Makat operator on Inder's list: they see it, but assign only on Makat.
    theirs = assigned_then_grant_ended(
        appeal_factory, roles, user=staff.makat_operator, role="reception_operator", unit=tree.inder, text="Вопрос."
    )
    client.force_login(staff.makat_operator)
    response = client.post(BULK, {"appeal": [data.makat.pk, theirs.pk], "executor": staff.makat_deputy.pk})
    data.makat.refresh_from_db()
    theirs.refresh_from_db()
    assert data.makat.executor is None and theirs.executor == staff.makat_operator
    text = " ".join(messages_of(response))
    assert "Nothing was assigned" in text and f"{theirs.number}: you may not assign" in text


def test_deputy_cannot_bulk_assign(client, data, staff):
    client.force_login(staff.makat_deputy)
    assert 'id="bulk-assign"' not in client.get(INBOX).content.decode()
    response = client.post(BULK, {"appeal": [data.makat.pk], "executor": staff.makat_deputy.pk})
    assert response.status_code == 404


def test_bulk_assign_without_ticks_or_executor_explains(client, data, staff):
    client.force_login(staff.makat_operator)
    text = " ".join(messages_of(client.post(BULK, {"appeal": [], "executor": ""})))
    assert "Tick the appeals" in text and "Choose the executor" in text
    text = " ".join(messages_of(client.post(BULK, {"appeal": ["abc"], "executor": staff.makat_deputy.pk})))
    assert "Choose appeals from the list" in text


def test_bulk_assign_ignores_a_foreign_next(client, data, staff):
    client.force_login(staff.makat_operator)
    response = client.post(
        BULK, {"appeal": [data.makat.pk], "executor": staff.makat_deputy.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == INBOX


def test_auditor_reads_but_cannot_bulk_assign(client, data, staff):
    client.force_login(staff.auditor)
    html = client.get(INBOX).content.decode()
    assert data.inder.number in html
    assert 'id="bulk-assign"' not in html and 'name="appeal"' not in html
    response = client.post(BULK, {"appeal": [data.makat.pk], "executor": staff.makat_deputy.pk})
    assert response.status_code == 404
    data.makat.refresh_from_db()
    assert data.makat.executor is None


def test_operator_sees_the_bulk_form_with_executors_of_their_units(client, data, staff):
    client.force_login(staff.makat_operator)
    html = client.get(INBOX).content.decode()
    assert 'id="bulk-assign"' in html
    assert "Makat Deputy" in html and "Inder Deputy" not in html


def test_bulk_assign_needs_post_and_login(client, data, staff):
    assert client.post(BULK, {"appeal": [data.makat.pk]}).status_code == 302  # to the login page
    client.force_login(staff.makat_operator)
    assert client.get(BULK).status_code == 405


# --- my appeals, control review ----------------------------------------------------------------


def test_my_appeals_open_first_soonest_deadline_first(client, appeal_factory, staff, data):
    later = appeal_factory(text="Позже.", executor=staff.makat_deputy)
    sooner = appeal_factory(
        text="Раньше.", executor=staff.makat_deputy, received_at=timezone.now() - dt.timedelta(days=10)
    )
    appeal_factory(text="Не мне.", executor=staff.makat_operator)
    client.force_login(staff.makat_deputy)
    response = client.get(MY)
    listed = [a.number for a in response.context["appeals"]]
    assert set(listed) == {later.number, sooner.number, data.inder_for_makat_deputy.number, data.answered.number}
    assert listed.index(sooner.number) < listed.index(later.number)
    assert listed[-1] == data.answered.number  # no longer open: last


def test_my_appeals_need_the_right_to_work(client, data, staff):
    client.force_login(staff.auditor)
    assert client.get(MY).status_code == 404


def test_review_list_shows_appeals_waiting_for_control(client, data, staff):
    client.force_login(staff.control)
    response = client.get(REVIEW)
    assert response.status_code == 200
    assert numbers_in(response) == {data.answered.number}
    assert 'id="bulk-assign"' not in response.content.decode()


def test_review_list_is_for_party_control_only(client, data, staff):
    client.force_login(staff.makat_operator)
    assert client.get(REVIEW).status_code == 404


def test_review_list_keeps_to_the_reviewers_units(client, data, staff, make_user, tree):
    inder_control = make_user("party_control", tree.inder)
    client.force_login(inder_control)
    assert numbers_in(client.get(REVIEW)) == set()


def test_deputy_loses_an_ended_grant_but_keeps_assigned_appeals(client, data, staff, roles, tree):
    grant = RoleGrant.objects.create(user=staff.makat_deputy, role=roles["deputy"], org_unit=tree.inder)
    client.force_login(staff.makat_deputy)
    assert data.inder.number in numbers_in(client.get(INBOX))
    grant.revoked_at = timezone.now()
    grant.save()
    listed = numbers_in(client.get(INBOX))
    assert data.inder.number not in listed and data.inder_for_makat_deputy.number in listed


# --- paging without counting, and the count asked for separately -------------------------------


def test_pages_come_without_a_count_and_the_count_comes_on_request(client, appeal_factory, staff, tree):
    for _ in range(53):
        appeal_factory(text="Обращение для листания.")
    appeal_factory(org_unit=tree.inder, text="Чужой район.")
    client.force_login(staff.makat_operator)

    first = client.get(INBOX)
    html = first.content.decode()
    assert len(first.context["appeals"]) == 50
    assert "1–50" in html and "page=2" in html  # a next page, known from the 51st row
    assert 'hx-get="/manage/appeals/?count=1"' in html and 'hx-trigger="load"' in html

    second = client.get(INBOX, {"page": 2})
    assert len(second.context["appeals"]) == 3
    assert "51–53" in second.content.decode() and "page=3" not in second.content.decode()

    count = client.get(INBOX, {"count": "1"}, headers={"HX-Request": "true"}).content.decode()
    assert "53 found" in count  # Makat's appeals only, not Inder's
    assert "<table" not in count and "<html" not in count


def test_count_follows_the_filters(client, data, staff):
    client.force_login(staff.makat_operator)
    page = client.get(INBOX, {"status": "answered"}).content.decode()
    assert 'hx-get="/manage/appeals/?status=answered&amp;count=1"' in page
    assert "1 found" in client.get(INBOX, {"status": "answered", "count": "1"}).content.decode()


def test_a_big_count_is_capped(client, appeal_factory, staff, monkeypatch):
    from amanat.appeals.views.inbox import AppealPaginator

    monkeypatch.setattr(AppealPaginator, "cap", 3)
    for _ in range(5):
        appeal_factory(text="Много обращений.")
    client.force_login(staff.makat_operator)
    assert "More than 3 found" in client.get(INBOX, {"count": "1"}).content.decode()


def test_a_page_past_the_end_shows_the_last_one(client, appeal_factory, staff):
    for _ in range(52):
        appeal_factory(text="Обращение.")
    client.force_login(staff.makat_operator)
    for asked in ("9", "2"):
        response = client.get(INBOX, {"page": asked})
        assert response.context["page_obj"].number == 2 and len(response.context["appeals"]) == 2
    assert client.get(INBOX, {"page": "nonsense"}).context["page_obj"].number == 1


def test_deadline_filters_list_the_most_urgent_first(client, appeal_factory, staff):
    now = timezone.now()
    older = appeal_factory(received_at=now - dt.timedelta(days=90), text="Давно просрочено.")
    newer = appeal_factory(received_at=now - dt.timedelta(days=50), text="Недавно просрочено.")
    fresh = appeal_factory(text="Срок не вышел.")
    client.force_login(staff.makat_operator)

    listed = [a.number for a in client.get(INBOX, {"deadline": "overdue"}).context["appeals"]]
    assert listed == [older.number, newer.number] and fresh.number not in listed
    chosen = [a.number for a in client.get(INBOX, {"deadline": "overdue", "ordering": "-received"}).context["appeals"]]
    assert chosen == [newer.number, older.number]  # a chosen sort still wins
    # With a unit chosen SQLite reads that unit's rows and sorts them: the same order.
    unit = older.org_unit_id
    in_unit = [a.number for a in client.get(INBOX, {"deadline": "overdue", "unit": unit}).context["appeals"]]
    assert in_unit == [older.number, newer.number]


def test_the_overdue_filter_works_inside_a_subquery(appeal_factory, staff, rf):
    """The filter's literal status condition keeps working when Django renames the table (U0)."""
    from amanat.appeals.filtersets import AppealFilterSet
    from amanat.appeals.models import Appeal

    late = appeal_factory(received_at=timezone.now() - dt.timedelta(days=90), text="Просрочено.")
    appeal_factory(text="В срок.")
    request = rf.get(INBOX)
    request.user = staff.makat_operator
    overdue = AppealFilterSet({"deadline": "overdue"}, queryset=Appeal.objects.all(), request=request).qs
    outer = Appeal.objects.filter(status="registered", pk__in=overdue.values("pk"))
    assert list(outer.values_list("number", flat=True)) == [late.number]


def test_count_with_bad_filter_values_still_answers(client, data, staff):
    client.force_login(staff.makat_operator)
    for params in ({"status": "nonsense"}, {"unit": "999999"}, {"received_from": "yesterday"}, {"page": "x"}):
        response = client.get(INBOX, {**params, "count": "1"})
        assert response.status_code == 200, params
        assert "found" in response.content.decode(), params
