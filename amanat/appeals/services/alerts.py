"""Reminders before the deadline and the escalation ladder after it (run by `amanat sweep`).

For every open appeal with a deadline (paused ones have none, so they are never escalated):

- reminders to the executor at the policy's working days before the deadline (`reminders`,
  e.g. 3 and 1) — to the unit's operators when nobody is assigned;
- once overdue, the ladder at the policy's working days after the deadline (`escalations`):
  level 1 the executor (or the unit's operators), level 2 the head of the unit (its executive
  secretary), level 3 the executive secretary of the parent branch. Each step is an
  `AppealAlert`, an `AppealEvent(kind="escalated")` on the appeal's timeline and a higher
  `Appeal.escalation_level`.

Each step is taken once per deadline: the alert row is inserted first with
`INSERT … ON CONFLICT DO NOTHING RETURNING`, and only the rows this run actually inserted are
notified — two sweeps running at once (with or without the sweep lock) never send twice. A new
deadline (extension, pause, reopening, a changed calendar) starts the steps afresh.

Fast for 100,000 open appeals: one query for the candidates through the (deadline, status)
index, working days from a precomputed index, recipients resolved once per unit, inserts and
events in batches, one notification per recipient group (a digest) per batch.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import AlertKind, AppealStatus, AppealType
from amanat.appeals.models import Appeal, AppealAlert, AppealEvent, DeadlinePolicy
from amanat.core.calendar import add_working_days, is_working_day
from amanat.org.models import OrgUnit

# Open statuses whose clock runs (a paused appeal has no deadline and is never escalated).
RUNNING = [AppealStatus.REGISTERED, AppealStatus.IN_WORK, AppealStatus.FORWARDED]
LEVELS = 3
MAX_LISTED = 20  # appeal numbers listed in one digest notification


class WorkdayIndex:
    """Working days between two dates in O(1): a running count of working days per date."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first = first
        self.count: list[int] = []
        running = 0
        day = first
        while day <= last:
            if is_working_day(day):
                running += 1
            self.count.append(running)
            day += dt.timedelta(days=1)

    def between(self, a: dt.date, b: dt.date) -> int:
        """Working days after a up to and including b (negative when b is before a)."""
        return self.count[(b - self.first).days] - self.count[(a - self.first).days]


@dataclass
class Recipients:
    """Who is told at each step, resolved once per unit for the whole run."""

    units: dict[int, OrgUnit] = field(default_factory=dict)
    _cache: dict[tuple[str, int], list[Any]] = field(default_factory=dict)

    def _unit(self, unit_id: int) -> OrgUnit:
        if unit_id not in self.units:
            self.units[unit_id] = OrgUnit.objects.get(pk=unit_id)
        return self.units[unit_id]

    def operators(self, unit_id: int) -> list[Any]:
        from amanat.appeals.notifications import nearest_role_holders, role_holders

        key = ("operators", unit_id)
        if key not in self._cache:
            people = role_holders("reception_operator", [unit_id])[unit_id]
            self._cache[key] = people or nearest_role_holders("executive_secretary", self._unit(unit_id))
        return self._cache[key]

    def head(self, unit_id: int) -> list[Any]:
        from amanat.appeals.notifications import nearest_role_holders

        key = ("head", unit_id)
        if key not in self._cache:
            self._cache[key] = nearest_role_holders("executive_secretary", self._unit(unit_id))
        return self._cache[key]

    def parent_head(self, unit_id: int) -> list[Any]:
        from amanat.appeals.notifications import nearest_role_holders

        key = ("parent", unit_id)
        if key not in self._cache:
            parent = OrgUnit.objects.get_parent(self._unit(unit_id))
            self._cache[key] = (
                nearest_role_holders("executive_secretary", parent) if parent is not None else self.head(unit_id)
            )
        return self._cache[key]


@dataclass(frozen=True)
class Candidate:
    id: int
    number: str
    deadline: dt.date
    appeal_type: str
    executor_id: int | None
    org_unit_id: int
    escalation_level: int


@dataclass
class Due:
    appeal: Candidate
    kind: str
    step: int
    recipients: list[Any]


def _policies() -> dict[str, DeadlinePolicy]:
    stored = {p.appeal_type: p for p in DeadlinePolicy.objects.all()}
    return {t: stored.get(t) or DeadlinePolicy.for_type(t) for t in AppealType.values}


def _candidates(today: dt.date, horizon: dt.date) -> list[Candidate]:
    rows = (
        Appeal.objects.filter(deadline__lte=horizon, status__in=RUNNING)
        .filter(Q(deadline__gte=today) | Q(escalation_level__lt=LEVELS))
        .values_list("id", "number", "deadline", "appeal_type", "executor_id", "org_unit_id", "escalation_level")
        .order_by()
    )
    return [Candidate(*row) for row in rows.iterator(chunk_size=5000)]


def _due_steps(
    appeal: Candidate, policy: DeadlinePolicy, today: dt.date, days: WorkdayIndex, who: Recipients, executors: dict
) -> list[Due]:
    executor = executors.get(appeal.executor_id) if appeal.executor_id else None
    first_line = [executor] if executor is not None else who.operators(appeal.org_unit_id)
    if today <= appeal.deadline:
        left = days.between(today, appeal.deadline)
        return [Due(appeal, AlertKind.REMINDER, r, first_line) for r in policy.reminders if left <= r]
    late = days.between(appeal.deadline, today)
    steps = []
    for level, after in enumerate(policy.escalations[:LEVELS], start=1):
        if level <= appeal.escalation_level or late < after:
            continue
        if level == 1:
            people = first_line
        elif level == 2:
            people = who.head(appeal.org_unit_id)
        else:
            people = who.parent_head(appeal.org_unit_id)
        steps.append(Due(appeal, AlertKind.ESCALATION, level, people))
    return steps


def _insert_alerts(due: list[Due], now: dt.datetime) -> set[tuple[int, str, int]]:
    """Insert the alert rows; return the keys (appeal, kind, step) this call actually inserted."""
    if not due:
        return set()
    table = AppealAlert._meta.db_table
    ops = connection.ops
    json_param = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    row = f"(%s, %s, %s, %s, %s, {json_param})"
    sql = (
        f"INSERT INTO {table} (appeal_id, kind, deadline, step, at, recipients) VALUES {{rows}} "  # noqa: S608
        "ON CONFLICT (appeal_id, kind, deadline, step) DO NOTHING RETURNING appeal_id, kind, step"
    )
    at = ops.adapt_datetimefield_value(now)
    inserted: set[tuple[int, str, int]] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(due), 500):
            chunk = due[start : start + 500]
            params: list[Any] = []
            for item in chunk:
                params += [
                    item.appeal.id,
                    str(item.kind),
                    ops.adapt_datefield_value(item.appeal.deadline),
                    item.step,
                    at,
                    json.dumps([u.pk for u in item.recipients]),
                ]
            cursor.execute(sql.format(rows=", ".join([row] * len(chunk))), params)
            inserted.update((a, k, s) for a, k, s in cursor.fetchall())
    return inserted


def _record(taken: list[Due], now: dt.datetime) -> None:
    events = []
    levels: dict[int, list[int]] = defaultdict(list)
    for item in taken:
        names = [getattr(u, "full_name", "") or str(u) for u in item.recipients]
        ids = [u.pk for u in item.recipients]
        if item.kind == AlertKind.ESCALATION:
            data = {"level": item.step, "recipients": ids, "names": names, "deadline": item.appeal.deadline.isoformat()}
            events.append(AppealEvent(appeal_id=item.appeal.id, kind="escalated", at=now, data=data))
            levels[item.step].append(item.appeal.id)
        else:
            data = {"days": item.step, "recipients": ids, "names": names, "deadline": item.appeal.deadline.isoformat()}
            events.append(AppealEvent(appeal_id=item.appeal.id, kind="reminded", at=now, data=data))
    AppealEvent.objects.bulk_create(events, batch_size=1000)
    for level, ids in sorted(levels.items()):
        for start in range(0, len(ids), 1000):
            Appeal.objects.filter(id__in=ids[start : start + 1000], escalation_level__lt=level).update(
                escalation_level=level
            )


def _tell(taken: list[Due]) -> int:
    """One notification per (step, recipients) group: a digest rather than a flood."""
    from amanat.appeals.notifications import ESCALATED, REMINDER, _notify, staff_url

    groups: dict[tuple[str, int, tuple[int, ...]], list[Due]] = defaultdict(list)
    people: dict[int, Any] = {}
    closest: dict[int, int] = {}
    for item in taken:
        if item.kind == AlertKind.REMINDER:
            closest[item.appeal.id] = min(item.step, closest.get(item.appeal.id, item.step))
    for item in taken:
        # Several reminder steps due at once for one appeal: one reminder is enough.
        if item.kind == AlertKind.REMINDER and item.step != closest[item.appeal.id]:
            continue
        key_people = tuple(sorted(u.pk for u in item.recipients))
        for user in item.recipients:
            people[user.pk] = user
        step = 0 if item.kind == AlertKind.REMINDER else item.step
        groups[(str(item.kind), step, key_people)].append(item)
    sent = 0
    for (kind, level, ids), items in groups.items():
        if not ids:
            continue
        items.sort(key=lambda d: (d.appeal.deadline, d.appeal.number))
        numbers = ", ".join(f"{d.appeal.number} ({d.appeal.deadline:%d.%m.%Y})" for d in items[:MAX_LISTED])
        if len(items) > MAX_LISTED:
            numbers += " …"
        context = {"count": len(items), "numbers": numbers, "level": level, "number": items[0].appeal.number}
        single = len(items) == 1
        if kind == AlertKind.REMINDER:
            title = _("Appeal {number} is due soon") if single else _("{count} appeals are due soon")
            body = _("Deadlines: {numbers}.")
            notify_kind = REMINDER
        else:
            title = (
                _("Overdue appeal {number} (escalation level {level})")
                if single
                else _("{count} overdue appeals (escalation level {level})")
            )
            body = _("The deadline has passed: {numbers}. Make sure they are answered.")
            notify_kind = ESCALATED
        _notify(
            recipients=[people[i] for i in ids],
            kind=notify_kind,
            title=title,
            body=body,
            url=staff_url(items[0].appeal.id) if single else "",
            context=context,
        )
        sent += 1
    return sent


@dataclass
class SweepResult:
    candidates: int = 0
    reminders: int = 0
    escalations: int = 0
    notifications: int = 0

    def __str__(self) -> str:
        return (
            f"{self.candidates} checked, {self.reminders} reminders, {self.escalations} escalations, "
            f"{self.notifications} notifications"
        )


def deadlines_sweep(*, today: dt.date | None = None, batch: int = 5000) -> SweepResult:
    """Send the reminders and escalation steps that are due today, each once per deadline."""
    today = today or timezone.localdate()
    now = timezone.now()
    policies = _policies()
    longest = max((max(p.reminders, default=0) for p in policies.values()), default=0)
    horizon = add_working_days(today, longest)
    candidates = _candidates(today, horizon)
    result = SweepResult(candidates=len(candidates))
    if not candidates:
        return result
    days = WorkdayIndex(min(min(c.deadline for c in candidates), today), max(horizon, today))
    who = Recipients()
    executor_ids = {c.executor_id for c in candidates if c.executor_id}
    from amanat.accounts.models import User

    executors = {u.pk: u for u in User.objects.filter(pk__in=executor_ids, is_active=True)} if executor_ids else {}
    for start in range(0, len(candidates), batch):
        due: list[Due] = []
        for appeal in candidates[start : start + batch]:
            due += _due_steps(appeal, policies[appeal.appeal_type], today, days, who, executors)
        if not due:
            continue
        with transaction.atomic():
            inserted = _insert_alerts(due, now)
            taken = [d for d in due if (d.appeal.id, str(d.kind), d.step) in inserted]
            if not taken:
                continue
            _record(taken, now)
            result.notifications += _tell(taken)
        result.reminders += sum(1 for d in taken if d.kind == AlertKind.REMINDER)
        result.escalations += sum(1 for d in taken if d.kind == AlertKind.ESCALATION)
    return result
