"""Reminders before the deadline and the escalation ladder after it: each step once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from amanat.assignments import services
from amanat.assignments.models import Assignment, Execution
from amanat.assignments.sweeps import deadlines_sweep
from amanat.assignments.tests.conftest import execution_of
from amanat.core.calendar import add_working_days
from amanat.notifications.models import Notification

TZ = dt.timezone(dt.timedelta(hours=5))


def _on(clock: Any, day: dt.date) -> None:
    clock.move_to(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ))


def told(user: Any, kind: str) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


def test_reminder_once_before_the_deadline(org: SimpleNamespace, issued: Assignment, clock: Any) -> None:
    _on(clock, issued.deadline - dt.timedelta(days=1))
    first = deadlines_sweep()
    assert first.startswith("4 reminded")
    assert told(org.p1_secretary, "assignments.due") == 1
    assert told(org.deputy, "assignments.due") == 1
    assert deadlines_sweep().startswith("0 reminded")
    assert told(org.p1_secretary, "assignments.due") == 1


def test_escalation_ladder_each_step_once(org: SimpleNamespace, issued: Assignment, clock: Any) -> None:
    p1 = execution_of(issued, unit=org.tree.makat_p1)
    services.execution_report(actor=org.p1_secretary, execution=p1, text="Done in time")
    # The day after the deadline: level 1, the recipients who have not reported.
    _on(clock, issued.deadline + dt.timedelta(days=1))
    deadlines_sweep()
    p2 = execution_of(issued, unit=org.makat_p2)
    p2.refresh_from_db()
    assert p2.escalation_level == 1
    assert told(org.p2_secretary, "assignments.overdue") == 1
    assert told(org.p1_secretary, "assignments.overdue") == 0  # reported: nothing to chase
    deadlines_sweep()
    assert told(org.p2_secretary, "assignments.overdue") == 1
    # Three working days late: level 2, the head of the recipient's unit (Makat's secretary).
    _on(clock, add_working_days(issued.deadline, 3))
    deadlines_sweep()
    p2.refresh_from_db()
    assert p2.escalation_level == 2
    assert told(org.makat_secretary, "assignments.overdue") >= 1
    before = told(org.makat_secretary, "assignments.overdue")
    deadlines_sweep()
    assert told(org.makat_secretary, "assignments.overdue") == before
    # Seven working days late: level 3, the issuer.
    _on(clock, add_working_days(issued.deadline, 7))
    deadlines_sweep()
    p2.refresh_from_db()
    assert p2.escalation_level == 3
    assert deadlines_sweep().endswith("0 escalated")
    assert Execution.objects.filter(assignment=issued, escalation_level=3).count() == 3


def test_far_overdue_takes_only_the_highest_level(org: SimpleNamespace, issued: Assignment, clock: Any) -> None:
    _on(clock, add_working_days(issued.deadline, 10))
    deadlines_sweep()
    p2 = execution_of(issued, unit=org.makat_p2)
    p2.refresh_from_db()
    assert p2.escalation_level == 3
    assert told(org.p2_secretary, "assignments.overdue") == 0


def test_removed_from_control_is_left_alone(org: SimpleNamespace, issued: Assignment, clock: Any) -> None:
    services.assignment_remove_from_control(actor=org.makat_secretary, assignment=issued, reason="Cancelled")
    _on(clock, add_working_days(issued.deadline, 4))
    assert deadlines_sweep() == "0 reminded, 0 escalated"


def test_sweep_job_is_registered() -> None:
    from amanat.core.sweep import registered_jobs

    assert "assignments.deadlines" in registered_jobs()
