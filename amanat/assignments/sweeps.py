"""Reminders before an execution's deadline and the overdue escalation ladder, for `amanat sweep`.

- `ASSIGNMENT_REMIND_DAYS` working days (default 2) before its deadline, an open execution's
  recipient is told once (`reminder_sent_on`);
- once past the deadline the ladder runs, like appeals': level 1 the recipient (the day after the
  deadline), level 2 the head of the recipient unit (executive secretary of the branch above a
  primary) and level 3 the issuer, at `ASSIGNMENT_ESCALATION_DAYS` working days after the deadline
  (default [3, 7]). Each level is taken once: the level is raised by a conditional UPDATE and only
  the run whose UPDATE changed the row tells anyone, so two sweeps at once never send twice. A far
  overdue execution takes only the highest level due. An approved extension starts afresh.
Assignments removed from control are left alone.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.assignments.choices import OPEN, AssignmentStatus
from amanat.assignments.models import Execution
from amanat.assignments.services import notices
from amanat.audit import services as audit
from amanat.core.calendar import working_days_between
from amanat.core.sweep import sweep_job

LEVELS = 3


def remind_days() -> int:
    return int(getattr(settings, "ASSIGNMENT_REMIND_DAYS", 2))


def escalation_days() -> list[int]:
    return list(getattr(settings, "ASSIGNMENT_ESCALATION_DAYS", [3, 7]))[: LEVELS - 1]


def ladder(execution: Execution, level: int) -> list[Any]:
    """Who hears of an overdue execution at a level: 1 the recipient, 2 the head of the
    recipient's unit, 3 the issuer's side."""
    if level <= 1:
        return notices.recipients_of(execution)
    if level == 2:
        return notices.head_of(execution)
    return notices.issuer_side(execution.assignment)


def _open() -> Any:
    return Execution.objects.filter(status__in=OPEN, assignment__status=AssignmentStatus.ON_CONTROL)


def _load(ids: list[int]) -> list[Execution]:
    return list(
        Execution.objects.filter(pk__in=ids).select_related(
            "assignment__org_unit", "assignment__issued_by", "recipient_unit", "recipient_user"
        )
    )


def _notify(kind: str, title: Any, execution: Execution, people: list[Any], days: int = 0) -> None:
    from amanat.notifications.services import notify

    url = notices.execution_url(execution) if kind == notices.REMINDER else notices.control_url(execution.assignment)
    notify(
        recipients=people,
        kind=kind,
        title=title,
        body=_("{title} — {recipient}, deadline {deadline}."),
        url=url,
        target=execution,
        context={
            "title": execution.assignment.title,
            "recipient": str(execution.recipient),
            "deadline": f"{execution.deadline:%d.%m.%Y}",
            "days": str(days),
        },
    )


@sweep_job("assignments.deadlines")
def deadlines_sweep() -> str:
    today = timezone.localdate()
    reminded = escalated = 0
    # Reminders: open executions due within the window that were not reminded yet.
    candidates = _open().filter(deadline__gte=today, reminder_sent_on__isnull=True).values_list("pk", "deadline")
    due_ids = [pk for pk, deadline in candidates if working_days_between(today, deadline) <= remind_days()]
    for chunk in _chunks(due_ids):
        with transaction.atomic():
            for execution in _load(chunk):
                took = Execution.objects.filter(pk=execution.pk, reminder_sent_on__isnull=True).update(
                    reminder_sent_on=today, updated_at=timezone.now()
                )
                if took:
                    _notify(notices.REMINDER, _("An assignment is due on {deadline}: {title}"), execution,
                            ladder(execution, 1))  # fmt: skip
                    reminded += 1
    # Escalation ladder: the highest level due, once.
    days = escalation_days()
    steps: dict[int, list[int]] = defaultdict(list)
    late = (
        _open()
        .filter(deadline__lt=today, escalation_level__lt=LEVELS)
        .values_list("pk", "deadline", "escalation_level")
    )
    for pk, deadline, level in late:
        behind = working_days_between(deadline, today)
        due = 1 + sum(1 for threshold in days if behind >= threshold)
        if due > level:
            steps[due].append(pk)
    for due, ids in sorted(steps.items()):
        for chunk in _chunks(ids):
            with transaction.atomic():
                for execution in _load(chunk):
                    before = execution.escalation_level
                    took = Execution.objects.filter(pk=execution.pk, escalation_level__lt=due).update(
                        escalation_level=due, updated_at=timezone.now()
                    )
                    if not took:
                        continue
                    audit.record(
                        actor=None, verb="assignments.escalated", target=execution,
                        org_unit=execution.assignment.org_unit, changes={"escalation_level": [before, due]},
                    )  # fmt: skip
                    behind = working_days_between(execution.deadline, today)
                    _notify(notices.OVERDUE, _("An assignment is overdue by {days} working days: {title}"),
                            execution, ladder(execution, due), days=behind)  # fmt: skip
                    escalated += 1
    return f"{reminded} reminded, {escalated} escalated"


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]
