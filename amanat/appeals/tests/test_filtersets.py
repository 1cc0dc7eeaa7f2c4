"""Each filter of the appeals inbox, applied to the user's scoped appeals."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from amanat.appeals.choices import AppealStatus, AppealType, Channel, Language, Solved
from amanat.appeals.filtersets import AppealFilterSet, executors_for
from amanat.appeals.selectors import appeals_for
from amanat.appeals.services.feedback import appeal_rate
from amanat.appeals.services.transitions import appeal_transition
from amanat.appeals.workflow import Transition
from amanat.org.tests.factories import add_territory

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(5 * 60)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


@pytest.fixture
def data(appeal_factory, tree, cats, staff):
    village = add_territory(tree.makat_t, kato="235230100", kind="settlement", name="Доссор")
    old = appeal_factory(
        received_at=at(dt.date(2026, 1, 12)),
        appeal_type=AppealType.COMPLAINT,
        channel=Channel.PHONE,
        category=cats.heating,
        territory=village,
        executor=staff.makat_deputy,
    )
    fresh = appeal_factory(category=cats.roads, channel=Channel.WEB, territory=tree.makat_t)
    primary = appeal_factory(org_unit=tree.makat_p1, category=cats.water, is_anonymous=True, applicant_name="")
    inder = appeal_factory(org_unit=tree.inder, category=cats.heating, territory=tree.inder_t)
    answered = appeal_factory(category=cats.social, executor=staff.makat_deputy)
    appeal_transition(
        appeal=answered,
        transition=Transition.ANSWER,
        actor=staff.makat_deputy,
        text="Помощь назначена.",
        language=Language.RU,
        is_positive=True,
    )
    appeal_rate(appeal=answered, rating=1, solved=Solved.NOT)
    return SimpleNamespace(old=old, fresh=fresh, primary=primary, inder=inder, answered=answered, village=village)


def run(user, **params):
    request = RequestFactory().get("/manage/appeals/", params)
    request.user = user
    filterset = AppealFilterSet(request.GET, queryset=appeals_for(user), request=request)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


def pks(*appeals):
    return {a.pk for a in appeals}


def test_no_filters_is_the_scope(data, staff):
    assert run(staff.makat_operator) == pks(data.old, data.fresh, data.primary, data.answered)
    assert run(staff.regional_secretary) == pks(data.old, data.fresh, data.primary, data.inder, data.answered)


def test_status_accepts_several(data, staff):
    assert run(staff.makat_operator, status=AppealStatus.ANSWERED) == pks(data.answered)
    request = RequestFactory().get("/", {"status": [AppealStatus.ANSWERED, AppealStatus.REGISTERED]})
    request.user = staff.makat_operator
    fs = AppealFilterSet(request.GET, queryset=appeals_for(staff.makat_operator), request=request)
    assert set(fs.qs.values_list("pk", flat=True)) == pks(data.old, data.fresh, data.primary, data.answered)


def test_type_and_channel(data, staff):
    assert run(staff.makat_operator, appeal_type=AppealType.COMPLAINT) == pks(data.old)
    assert run(staff.makat_operator, channel=Channel.WEB) == pks(data.fresh)


def test_category_takes_the_subtree(data, staff, cats):
    assert run(staff.regional_secretary, category=cats.housing.pk) == pks(data.old, data.primary, data.inder)
    assert run(staff.regional_secretary, category=cats.heating.pk) == pks(data.old, data.inder)


def test_unit_takes_the_subtree_and_only_units_in_scope(data, staff, tree):
    assert run(staff.regional_secretary, unit=tree.makat.pk) == pks(data.old, data.fresh, data.primary, data.answered)
    assert run(staff.regional_secretary, unit=tree.makat_p1.pk) == pks(data.primary)
    request = RequestFactory().get("/", {"unit": tree.inder.pk})
    request.user = staff.makat_operator
    fs = AppealFilterSet(request.GET, queryset=appeals_for(staff.makat_operator), request=request)
    assert not fs.is_valid() and "unit" in fs.errors  # not a choice for a Makat operator


def test_executor(data, staff):
    assert run(staff.makat_operator, executor=staff.makat_deputy.pk) == pks(data.old, data.answered)


def test_executor_choices_are_people_who_work_in_scope(data, staff):
    people = set(executors_for(staff.makat_operator))
    assert staff.makat_deputy in people and staff.makat_operator in people
    assert staff.inder_deputy not in people and staff.auditor not in people
    assert staff.control not in people  # party control does not work on appeals


def test_territory_takes_the_subtree(data, staff, tree):
    assert run(staff.regional_secretary, territory=tree.makat_t.pk) == pks(data.old, data.fresh)
    assert run(staff.regional_secretary, territory=tree.region.pk) == pks(data.old, data.fresh, data.inder)


def test_received_dates_in_local_days(data, staff):
    assert run(staff.makat_operator, received_to="2026-01-12") == pks(data.old)
    assert run(staff.makat_operator, received_from="2026-01-12", received_to="2026-01-12") == pks(data.old)
    assert data.old.pk not in run(staff.makat_operator, received_from="2026-01-13")


def test_deadline_overdue_today_and_soon(data, staff):
    everything = run(staff.makat_operator)
    assert run(staff.makat_operator, deadline="overdue") == pks(data.old)
    fresh_deadline = data.fresh.deadline
    with time_machine.travel(at(fresh_deadline, 12)):
        due_today = run(staff.makat_operator, deadline="today")
        assert data.fresh.pk in due_today and data.answered.pk not in due_today  # answered: no longer running
    soon = run(staff.makat_operator, deadline="soon", due_days=1)
    assert data.fresh.pk not in soon
    assert data.fresh.pk in run(staff.makat_operator, deadline="soon", due_days=60)
    assert run(staff.makat_operator, deadline="") == everything


def test_needs_review_and_anonymous(data, staff):
    assert run(staff.makat_operator, needs_review="true") == pks(data.answered)
    assert data.answered.pk not in run(staff.makat_operator, needs_review="false")
    assert run(staff.makat_operator, is_anonymous="true") == pks(data.primary)


def test_search_inside_the_filters(data, staff):
    assert run(staff.makat_operator, q=data.fresh.number) == pks(data.fresh)
    assert run(staff.makat_operator, q=data.inder.number) == set()
    assert run(staff.makat_operator, q="отопления", category=data.old.category.pk) == pks(data.old)


def test_ordering(data, staff):
    request = RequestFactory().get("/", {"ordering": "number"})
    request.user = staff.makat_operator
    fs = AppealFilterSet(request.GET, queryset=appeals_for(staff.makat_operator), request=request)
    numbers = list(fs.qs.values_list("number", flat=True))
    assert numbers == sorted(numbers)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"due_days": "999"}, "due_days"),
        ({"received_from": "not-a-date"}, "received_from"),
        ({"executor": "999999"}, "executor"),
        ({"status": "nonsense"}, "status"),
        ({"category": "abc"}, "category"),
        ({"ordering": "pin_hash"}, "ordering"),
    ],
)
def test_bad_values_are_field_errors(data, staff, params, field):
    request = RequestFactory().get("/", params)
    request.user = staff.makat_operator
    fs = AppealFilterSet(request.GET, queryset=appeals_for(staff.makat_operator), request=request)
    assert not fs.is_valid()
    assert field in fs.errors
    list(fs.qs)  # and the list still answers
