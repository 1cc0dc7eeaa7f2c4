"""`amanat sweep` for appeals: reminders once, the escalation ladder, nothing sent twice."""

from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import OperationalError, connection

from amanat.appeals.choices import AlertKind, AppealStatus
from amanat.appeals.models import Appeal, AppealAlert, AppealEvent
from amanat.appeals.services.alerts import deadlines_sweep
from amanat.appeals.services.transitions import appeal_assign, appeal_transition
from amanat.appeals.workflow import Transition
from amanat.core.sweep import run_jobs
from amanat.notifications.models import Notification

TZ = ZoneInfo("Asia/Atyrau")


def at(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, hour, tzinfo=TZ)


def sweep_on(day: dt.datetime) -> str:
    with time_machine.travel(day, tick=False):
        [result] = run_jobs(["appeals.deadlines"])
    assert result.ok, result.error
    return str(result.result)


def told(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind).order_by("id"))


@pytest.fixture
def overdue_setup(appeal_factory, staff):
    """A Makat appeal registered on 18 March 2026 (deadline 13 April), assigned to the Makat deputy."""
    with time_machine.travel(at(2026, 3, 18), tick=False):
        appeal = appeal_factory()
        appeal = appeal_assign(appeal=appeal, executor=staff.makat_deputy, actor=staff.makat_operator)
    assert appeal.deadline == dt.date(2026, 4, 13)
    return appeal


@pytest.mark.django_db
def test_reminders_before_the_deadline_once_each(overdue_setup, staff):
    appeal = overdue_setup
    sweep_on(at(2026, 4, 6))  # 5 working days left: nothing yet
    assert not told(staff.makat_deputy, "appeals.reminder")
    sweep_on(at(2026, 4, 8))  # 3 left
    sweep_on(at(2026, 4, 8, 15))  # the same day again
    sweep_on(at(2026, 4, 9))  # 2 left: no step at 2
    assert len(told(staff.makat_deputy, "appeals.reminder")) == 1
    sweep_on(at(2026, 4, 10))  # 1 left
    reminders = told(staff.makat_deputy, "appeals.reminder")
    assert len(reminders) == 2
    assert appeal.number in reminders[0].title
    assert set(AppealAlert.objects.filter(appeal=appeal).values_list("kind", "step")) == {
        (AlertKind.REMINDER, 3),
        (AlertKind.REMINDER, 1),
    }
    assert not told(staff.makat_secretary, "appeals.reminder")


@pytest.mark.django_db
def test_escalation_ladder_climbs_as_the_days_pass(overdue_setup, staff):
    appeal = overdue_setup
    sweep_on(at(2026, 4, 13))  # the deadline day: not overdue yet
    assert not AppealAlert.objects.filter(kind=AlertKind.ESCALATION).exists()

    sweep_on(at(2026, 4, 14))  # level 1: the executor
    appeal.refresh_from_db()
    assert appeal.escalation_level == 1
    assert len(told(staff.makat_deputy, "appeals.escalated")) == 1
    assert not told(staff.makat_secretary, "appeals.escalated")

    sweep_on(at(2026, 4, 15))  # two working days late → level 2: the head of the Makat branch
    appeal.refresh_from_db()
    assert appeal.escalation_level == 2
    assert len(told(staff.makat_secretary, "appeals.escalated")) == 1
    assert not told(staff.regional_secretary, "appeals.escalated")

    sweep_on(at(2026, 4, 17))  # four late: still level 2
    sweep_on(at(2026, 4, 20))  # five late → level 3: the regional branch's executive secretary
    appeal.refresh_from_db()
    assert appeal.escalation_level == 3
    assert len(told(staff.regional_secretary, "appeals.escalated")) == 1
    events = list(appeal.events.filter(kind="escalated").order_by("id"))
    assert [e.data["level"] for e in events] == [1, 2, 3]
    assert events[0].data["recipients"] == [staff.makat_deputy.pk]
    assert events[1].data["recipients"] == [staff.makat_secretary.pk]
    assert events[2].data["recipients"] == [staff.regional_secretary.pk]
    assert "Regional Secretary" in events[2].data["names"]

    # Running again sends nothing more.
    sweep_on(at(2026, 4, 21))
    sweep_on(at(2026, 4, 21))
    assert AppealEvent.objects.filter(appeal=appeal, kind="escalated").count() == 3
    assert len(told(staff.makat_deputy, "appeals.escalated")) == 1
    assert len(told(staff.makat_secretary, "appeals.escalated")) == 1
    assert len(told(staff.regional_secretary, "appeals.escalated")) == 1


@pytest.mark.django_db
def test_without_an_executor_level_one_goes_to_the_units_operators(appeal_factory, staff):
    with time_machine.travel(at(2026, 3, 18), tick=False):
        appeal = appeal_factory()
    sweep_on(at(2026, 4, 14))
    assert len(told(staff.makat_operator, "appeals.escalated")) == 1
    assert not told(staff.inder_operator, "appeals.escalated")
    assert Appeal.objects.get(pk=appeal.pk).escalation_level == 1


@pytest.mark.django_db
def test_late_sweep_takes_every_due_step_at_once_in_one_digest(appeal_factory, staff):
    with time_machine.travel(at(2026, 3, 18), tick=False):
        first = appeal_factory()
        second = appeal_factory()
    sweep_on(at(2026, 4, 21))  # six working days late, nothing sent before
    assert Appeal.objects.filter(escalation_level=3).count() == 2
    digest = told(staff.makat_secretary, "appeals.escalated")
    assert len(digest) == 1 and "2 overdue appeals" in digest[0].title
    assert first.number in digest[0].body and second.number in digest[0].body


@pytest.mark.django_db
def test_paused_appeals_are_not_escalated(overdue_setup, staff):
    appeal = overdue_setup
    with time_machine.travel(at(2026, 4, 10), tick=False):
        appeal_transition(appeal=appeal, transition=Transition.PAUSE, actor=staff.makat_deputy, reason="Need the act.")
    sweep_on(at(2026, 4, 30))
    assert not AppealAlert.objects.filter(appeal=appeal, kind=AlertKind.ESCALATION).exists()
    assert not told(staff.makat_deputy, "appeals.escalated")


@pytest.mark.django_db
def test_answered_appeals_are_not_escalated(overdue_setup, staff):
    appeal = overdue_setup
    with time_machine.travel(at(2026, 4, 10), tick=False):
        appeal_transition(
            appeal=appeal, transition=Transition.ANSWER, actor=staff.makat_deputy, text="Done.", language="ru"
        )
    sweep_on(at(2026, 4, 30))
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ANSWERED
    assert not AppealAlert.objects.filter(appeal=appeal, kind=AlertKind.ESCALATION).exists()


@pytest.mark.django_db
def test_an_extension_starts_the_steps_afresh(overdue_setup, staff):
    appeal = overdue_setup
    sweep_on(at(2026, 4, 14))
    with time_machine.travel(at(2026, 4, 14, 12), tick=False):
        appeal = appeal_transition(appeal=appeal, transition=Transition.TAKE, actor=staff.makat_deputy)
        # Overdue already, but still within two months of the start: the extension resets the ladder.
        appeal = appeal_transition(
            appeal=appeal,
            transition=Transition.EXTEND,
            actor=staff.makat_secretary,
            reason="Expert opinion.",
            extended_to=dt.date(2026, 5, 15),
        )
    assert appeal.escalation_level == 0
    sweep_on(at(2026, 4, 15))
    assert not told(staff.makat_secretary, "appeals.escalated")


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_nothing_twice(tree, make_user):
    from amanat.appeals.tests.factories import make_appeal

    deputy = make_user("deputy", tree.makat)
    secretary = make_user("executive_secretary", tree.makat)
    with time_machine.travel(at(2026, 3, 18), tick=False):
        appeals = [make_appeal(org_unit=tree.makat, executor=deputy) for _ in range(5)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            for _attempt in range(50):
                try:
                    deadlines_sweep(today=dt.date(2026, 4, 21))
                    return
                except OperationalError as exc:
                    # SQLite's shared in-memory test database answers "locked" at once instead
                    # of waiting: the sweep is simply run again, as the next `amanat sweep` would.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.02)
            raise AssertionError("the sweep never got the database")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(at(2026, 4, 21), tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors, errors
    assert AppealAlert.objects.filter(kind=AlertKind.ESCALATION).count() == 3 * len(appeals)
    assert AppealEvent.objects.filter(kind="escalated").count() == 3 * len(appeals)
    assert Notification.objects.filter(user=secretary, kind="appeals.escalated").count() == 1
    assert Notification.objects.filter(user=deputy, kind="appeals.escalated").count() == 1
