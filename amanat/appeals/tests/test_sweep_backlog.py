"""`amanat sweep` over a backlog: every due step once, in a few statements, to the right people."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amanat.appeals.choices import AlertKind
from amanat.appeals.models import Appeal, AppealAlert, AppealEvent
from amanat.appeals.services.alerts import deadlines_sweep
from amanat.appeals.services.transitions import appeal_assign
from amanat.notifications.models import Notification

TZ = ZoneInfo("Asia/Atyrau")
REGISTERED = dt.datetime(2026, 3, 18, 9, tzinfo=TZ)  # the deadline is 13 April
SIX_DAYS_LATE = dt.date(2026, 4, 21)  # past all three escalation steps


def sweep(day: dt.date, **kwargs):
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=TZ), tick=False):
        return deadlines_sweep(today=day, **kwargs)


def register(appeal_factory, count: int, **kwargs) -> list[Appeal]:
    with time_machine.travel(REGISTERED, tick=False):
        return [appeal_factory(**kwargs) for _ in range(count)]


def ladder(appeal: Appeal) -> list[tuple[int, list[int]]]:
    events = appeal.events.filter(kind="escalated").order_by("id")
    return [(e.data["level"], e.data["recipients"]) for e in events]


@pytest.mark.django_db
def test_a_backlog_swept_in_several_batches_takes_each_step_once(appeal_factory, staff):
    appeals = register(appeal_factory, 5)
    result = sweep(SIX_DAYS_LATE, batch=2)
    assert (result.candidates, result.escalations, result.reminders) == (5, 15, 0)
    operator, head, parent_head = [staff.makat_operator.pk], [staff.makat_secretary.pk], [staff.regional_secretary.pk]
    for appeal in appeals:
        appeal.refresh_from_db()
        assert appeal.escalation_level == 3
        assert ladder(appeal) == [(1, operator), (2, head), (3, parent_head)]
    alert = AppealAlert.objects.get(appeal=appeals[0], kind=AlertKind.ESCALATION, step=2)
    assert (alert.deadline, alert.recipients) == (dt.date(2026, 4, 13), head)
    # Three batches: one digest per batch for the head of the unit.
    assert Notification.objects.filter(user=staff.makat_secretary, kind="appeals.escalated").count() == 3

    again = sweep(SIX_DAYS_LATE, batch=2)
    assert (again.candidates, again.escalations) == (0, 0)
    assert AppealEvent.objects.filter(kind="escalated").count() == 15


@pytest.mark.django_db
def test_a_reminder_is_kept_with_its_days_recipients_and_deadline(appeal_factory, staff):
    [appeal] = register(appeal_factory, 1)
    with time_machine.travel(REGISTERED, tick=False):
        appeal_assign(appeal=appeal, executor=staff.makat_deputy, actor=staff.makat_operator)
    result = sweep(dt.date(2026, 4, 8))  # three working days left
    assert (result.reminders, result.escalations) == (1, 0)
    event = appeal.events.get(kind="reminded")
    assert event.data == {
        "days": 3,
        "recipients": [staff.makat_deputy.pk],
        "names": ["Makat Deputy"],
        "deadline": "2026-04-13",
    }
    assert not event.is_public and event.actor is None
    alert = AppealAlert.objects.get(appeal=appeal)
    assert (alert.kind, alert.step, alert.deadline, alert.recipients) == (
        AlertKind.REMINDER,
        3,
        dt.date(2026, 4, 13),
        [staff.makat_deputy.pk],
    )


@pytest.mark.django_db
def test_each_step_goes_to_the_nearest_people_above_when_a_unit_has_none(appeal_factory, tree, staff):
    # A primary organisation has nobody: its district's secretary answers at every level.
    [primary] = register(appeal_factory, 1, org_unit=tree.makat_p1)
    # Inder has an operator but no secretary: the regional secretary is its head and its parent's.
    [inder] = register(appeal_factory, 1, org_unit=tree.inder)
    # An executor who left: the unit's operators take level 1.
    [left] = register(appeal_factory, 1)
    with time_machine.travel(REGISTERED, tick=False):
        appeal_assign(appeal=left, executor=staff.makat_deputy, actor=staff.makat_operator)
    staff.makat_deputy.is_active = False
    staff.makat_deputy.save(update_fields=["is_active"])

    sweep(SIX_DAYS_LATE)
    makat, regional = [staff.makat_secretary.pk], [staff.regional_secretary.pk]
    assert ladder(primary) == [(1, makat), (2, makat), (3, makat)]
    assert ladder(inder) == [(1, [staff.inder_operator.pk]), (2, regional), (3, regional)]
    assert ladder(left) == [(1, [staff.makat_operator.pk]), (2, makat), (3, regional)]


def appeal_updates(queries: CaptureQueriesContext) -> int:
    table = Appeal._meta.db_table
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{table}"'))


@pytest.mark.django_db
def test_an_appeal_climbing_the_whole_ladder_at_once_is_written_once(appeal_factory, staff):
    register(appeal_factory, 4)
    with CaptureQueriesContext(connection) as queries:
        result = sweep(SIX_DAYS_LATE)
    assert result.escalations == 12
    # One UPDATE for the four appeals (all end at level 3), not one per level.
    assert appeal_updates(queries) == 1


@pytest.mark.django_db
def test_the_sweeps_queries_do_not_grow_with_the_backlog(appeal_factory, staff):
    register(appeal_factory, 1)
    sweep(SIX_DAYS_LATE)  # the working-day calendar is cached from here on
    register(appeal_factory, 2)
    with CaptureQueriesContext(connection) as few:
        assert sweep(SIX_DAYS_LATE).escalations == 6
    register(appeal_factory, 8)
    with CaptureQueriesContext(connection) as many:
        assert sweep(SIX_DAYS_LATE).escalations == 24
    assert len(many.captured_queries) == len(few.captured_queries)
