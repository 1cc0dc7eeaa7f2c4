"""Open statistics: counts by subject, district and month, on-time share, ratings — no names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from amanat.appeals import stats
from amanat.appeals.choices import Language, Solved
from amanat.appeals.services.feedback import appeal_rate
from amanat.appeals.services.transitions import appeal_transition
from amanat.appeals.workflow import Transition
from amanat.org.choices import TerritoryKind
from amanat.org.tests.factories import add_territory

pytestmark = pytest.mark.django_db

STATS = reverse("appeals:public-stats")


def answer(appeal: Any, staff: Any) -> Any:
    return appeal_transition(
        appeal=appeal,
        transition=Transition.ANSWER,
        actor=staff.makat_deputy,
        text="Сделано.",
        language=Language.RU,
        is_positive=True,
    )


@pytest.fixture
def appeals(appeal_factory: Any, cats: Any, tree: Any, staff: Any) -> list[Any]:
    village = add_territory(tree.makat_t, kato="235230100", kind=TerritoryKind.SETTLEMENT, name="Байғұтты")
    made = [
        appeal_factory(category=cats.heating, territory=village, applicant_name="Серікова Айгүл"),
        appeal_factory(category=cats.water, territory=tree.makat_t, applicant_name="Иванов Пётр"),
        appeal_factory(category=cats.housing, territory=tree.makat_t, applicant_name="Нұрланов Ерлан"),
        appeal_factory(category=cats.roads, territory=tree.inder_t, applicant_name="Ахметова Сәуле"),
    ]
    for appeal, (rating, solved) in zip(
        made[:3], [(5, Solved.FULLY), (4, Solved.FULLY), (3, Solved.PARTLY)], strict=True
    ):
        appeal_rate(appeal=answer(appeal, staff), rating=rating, solved=solved)
    return made


def test_counts_by_subject_roll_up_to_the_top_category(appeals: Any) -> None:
    rows = {r.label: r.count for r in stats.by_category()}
    assert rows["Housing and utilities"] == 3  # heating + water + housing itself
    assert rows["Roads"] == 1


def test_counts_by_district_roll_up_settlements(appeals: Any) -> None:
    rows = {r.label: r for r in stats.by_district()}
    assert rows["Мақат ауданы"].count == 3
    assert rows["Индер ауданы"].hidden  # one appeal: not published as a number


def test_counts_by_month_cover_the_last_twelve_months(appeals: Any, appeal_factory: Any) -> None:
    appeal_factory(received_at=timezone.now() - dt.timedelta(days=400))  # older than a year
    months, counts = stats.by_month()
    assert len(months) == 12 and months[-1] == timezone.localdate().replace(day=1)
    assert counts[-1] == 4 and sum(counts) == 4


def test_shares_and_average_rating(appeals: Any) -> None:
    figures = stats.compute()
    assert figures.total == 4
    assert figures.answered == 3 and figures.on_time_percent == 100
    assert figures.average_rating == 4.0
    assert figures.fully_solved_percent == 67


def test_the_page_shows_counts_and_no_names(client: Any, appeals: Any) -> None:
    response = client.get(STATS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Housing and utilities" in html and "Мақат ауданы" in html
    assert 'data-stat="total">4<' in html
    assert "4.0" in html and "67%" in html
    assert "fewer than 3" in html
    for appeal in appeals:
        assert appeal.applicant_name not in html
        assert appeal.number not in html and appeal.tracking_code not in html


def test_the_figures_are_cached_for_ten_minutes(client: Any, appeals: Any, appeal_factory: Any) -> None:
    client.get(STATS)
    appeal_factory()
    assert stats.public_stats().total == 4  # still the cached figure
    from django.core.cache import cache

    cache.clear()
    assert stats.public_stats().total == 5


def test_the_page_works_with_no_appeals(client: Any, db: Any) -> None:
    html = client.get(STATS).content.decode()
    assert "No appeals yet." in html


def test_the_page_needs_a_fixed_number_of_queries(
    client: Any, appeals: Any, appeal_factory: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        appeal_factory()
    with django_assert_max_num_queries(25):
        client.get(STATS)


def test_while_one_request_recomputes_others_get_the_previous_figures(appeals: Any, appeal_factory: Any) -> None:
    from django.core.cache import cache

    assert stats.public_stats().total == 4
    key = stats.CACHE_KEY.format(language="en")
    cache.delete(key)  # the ten minutes are over…
    cache.add(f"{key}:lock", 1, 120)  # …and another request is recomputing
    appeal_factory()
    assert stats.public_stats().total == 4
    assert stats.public_stats(refresh=True).total == 5
