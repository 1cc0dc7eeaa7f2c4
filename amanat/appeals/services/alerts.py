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

Fast for 100,000 open appeals, a first run over a backlog included: one query for the
candidates through the (deadline, status) index, working days from a precomputed index, recipients
resolved for all units in a handful of queries, the alert rows and timeline events of a whole
batch each in one statement (the rows travel as one JSON parameter, not as thousands of bound
values), and each appeal's `escalation_level` raised once per run to the highest step it took
(an appeal row is the costly one to write: every index of the inbox and the search has an entry
for it), one notification per recipient group (a digest) per batch.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

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
# Appeals per transaction: big enough for few digests and round trips, small enough that SQLite's
# write lock is not held against the web pages for long.
BATCH = 10_000
UPDATE_CHUNK = 2_000  # ids per UPDATE … WHERE id IN (…)


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


@dataclass(frozen=True)
class People:
    """Who is told at one step, with what the alert, the timeline and the digest keep of them.

    Made once per unit or executor and shared by all their steps: a backlog has hundreds of
    thousands of steps but only a few hundred different groups of people.
    """

    users: tuple[Any, ...]
    ids: tuple[int, ...]
    names: tuple[str, ...]
    key: tuple[int, ...]  # the same people in any order are one digest

    @classmethod
    def of(cls, users: Iterable[Any]) -> People:
        users = tuple(users)
        ids = tuple(u.pk for u in users)
        names = tuple(getattr(u, "full_name", "") or str(u) for u in users)
        return cls(users, ids, names, tuple(sorted(ids)))


@dataclass(frozen=True)
class Recipients:
    """Who is told at each step, resolved for all the candidates at once in a few queries."""

    executors: dict[int, People]  # active executors only: a departed one's steps go to the operators
    operators: dict[int, People]  # per unit: its reception operators, else its head
    head: dict[int, People]  # per unit: the nearest executive secretaries at or above it
    parent_head: dict[int, People]  # per unit: the same from its parent (its own at the root)

    @classmethod
    def load(cls, candidates: list[Candidate]) -> Recipients:
        from amanat.accounts.models import User
        from amanat.appeals.notifications import role_holders

        unit_ids = {c.org_unit_id for c in candidates}
        units = dict(OrgUnit.objects.filter(pk__in=unit_ids).order_by().values_list("pk", "path"))
        step = OrgUnit.steplen
        prefixes = {path[:end] for path in units.values() for end in range(step, len(path) + 1, step)}
        by_path = dict(OrgUnit.objects.filter(path__in=prefixes).order_by().values_list("path", "pk"))
        secretaries = role_holders("executive_secretary", by_path.values())
        operators = role_holders("reception_operator", units)

        def nearest(path: str) -> People:
            # As notifications.nearest_role_holders: the unit itself, then upwards.
            for end in range(len(path), 0, -step):
                people = secretaries.get(by_path.get(path[:end], 0))
                if people:
                    return People.of(people)
            return People.of([])

        head = {pk: nearest(path) for pk, path in units.items()}
        executor_ids = {c.executor_id for c in candidates if c.executor_id}
        executors = User.objects.filter(pk__in=executor_ids, is_active=True) if executor_ids else []
        return cls(
            executors={u.pk: People.of([u]) for u in executors},
            operators={pk: People.of(operators[pk]) if operators[pk] else head[pk] for pk in units},
            head=head,
            parent_head={pk: nearest(path[:-step]) if len(path) > step else head[pk] for pk, path in units.items()},
        )

    def ladder(self, appeal: Candidate) -> tuple[People, People, People]:
        """Who is told at the reminders and level 1, at level 2, at level 3."""
        first_line = self.executors.get(appeal.executor_id or 0) or self.operators[appeal.org_unit_id]
        return first_line, self.head[appeal.org_unit_id], self.parent_head[appeal.org_unit_id]


class Candidate(NamedTuple):
    id: int
    number: str
    deadline: dt.date
    appeal_type: str
    executor_id: int | None
    org_unit_id: int
    escalation_level: int


class Steps(NamedTuple):
    """A policy's steps, parsed once per run rather than once per appeal."""

    reminders: list[int]
    escalations: list[int]


@dataclass
class Due:
    appeal: Candidate
    kind: str
    step: int
    recipients: People


def _steps() -> dict[str, Steps]:
    stored = {p.appeal_type: p for p in DeadlinePolicy.objects.all()}
    policies = {t: stored.get(t) or DeadlinePolicy.for_type(t) for t in AppealType.values}
    return {t: Steps(p.reminders, p.escalations[:LEVELS]) for t, p in policies.items()}


def _candidates(today: dt.date, horizon: dt.date) -> list[Candidate]:
    rows = (
        Appeal.objects.filter(deadline__lte=horizon, status__in=RUNNING)
        .filter(Q(deadline__gte=today) | Q(escalation_level__lt=LEVELS))
        .values_list("id", "number", "deadline", "appeal_type", "executor_id", "org_unit_id", "escalation_level")
        # By id: two sweeps at once then take the appeals' rows in the same order.
        .order_by("id")
    )
    return [Candidate._make(row) for row in rows.iterator(chunk_size=5000)]


def _due_steps(appeal: Candidate, steps: Steps, today: dt.date, days: WorkdayIndex, who: Recipients) -> list[Due]:
    ladder = who.ladder(appeal)
    if today <= appeal.deadline:
        left = days.between(today, appeal.deadline)
        return [Due(appeal, AlertKind.REMINDER, r, ladder[0]) for r in steps.reminders if left <= r]
    late = days.between(appeal.deadline, today)
    return [
        Due(appeal, AlertKind.ESCALATION, level, ladder[level - 1])
        for level, after in enumerate(steps.escalations, start=1)
        if level > appeal.escalation_level and late >= after
    ]


class Param(NamedTuple):
    """A column of `_select_json` given as a parameter of its own: the same in every row."""

    sql_type: str


def _select_json(columns: list[str | Param]) -> str:
    """A SELECT giving one row per item of a JSON parameter `[[v0, v1, …], …]`.

    Each column is the SQL type of the item's next value ("jsonb" keeps it JSON), or a `Param`;
    the JSON parameter comes after the others. Types are for PostgreSQL: SQLite stores the values
    as they come. One parameter instead of thousands: binding them costs more than the insert.
    """
    postgres = connection.vendor == "postgresql"
    values = []
    position = 0
    for column in columns:
        if isinstance(column, Param):
            values.append(f"CAST(%s AS {column.sql_type})" if postgres else "%s")
            continue
        if not postgres:
            values.append(f"json_extract(r.value, '$[{position}]')")
        elif column == "jsonb":
            values.append(f"r.value->{position}")
        else:
            values.append(f"(r.value->>{position})::{column}")
        position += 1
    # Only the column expressions made above are put into the text; the values are parameters.
    if postgres:
        return f"SELECT {', '.join(values)} FROM jsonb_array_elements(CAST(%s AS jsonb)) AS r"  # noqa: S608
    # WHERE true: without it SQLite would read the ON CONFLICT that follows as part of a join.
    return f"SELECT {', '.join(values)} FROM json_each(%s) AS r WHERE true"  # noqa: S608


def _insert_alerts(due: list[Due], now: dt.datetime) -> list[Due]:
    """Insert the alert rows; return the steps this call actually inserted (not another sweep)."""
    rows = [[d.appeal.id, str(d.kind), d.appeal.deadline.isoformat(), d.step, d.recipients.ids] for d in due]
    select = _select_json(["bigint", "text", "date", "smallint", Param("timestamptz"), "jsonb"])
    sql = (
        f"INSERT INTO {AppealAlert._meta.db_table} (appeal_id, kind, deadline, step, at, recipients) {select} "
        "ON CONFLICT (appeal_id, kind, deadline, step) DO NOTHING RETURNING appeal_id, kind, step"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now), json.dumps(rows)])
        inserted = {(a, k, s) for a, k, s in cursor.fetchall()}
    return [d for d in due if (d.appeal.id, str(d.kind), d.step) in inserted]


def _event(item: Due) -> list[Any]:
    detail = "level" if item.kind == AlertKind.ESCALATION else "days"
    data = {
        detail: item.step,
        "recipients": item.recipients.ids,
        "names": item.recipients.names,
        "deadline": item.appeal.deadline.isoformat(),
    }
    return [item.appeal.id, "escalated" if item.kind == AlertKind.ESCALATION else "reminded", data]


def _record(taken: list[Due], now: dt.datetime) -> None:
    """Put the steps on the appeals' timelines, in one statement."""
    select = _select_json(
        ["bigint", "text", Param("text"), Param("text"), Param("timestamptz"), Param("text"), "jsonb", Param("boolean")]
    )
    sql = (
        f"INSERT INTO {AppealEvent._meta.db_table} "
        f"(appeal_id, kind, from_status, to_status, at, reason, data, is_public) {select}"
    )
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, ["", "", at, "", False, json.dumps([_event(item) for item in taken])])


def _raise_levels(taken: list[Due]) -> None:
    """Raise each appeal's escalation level once, to the highest step it took (never lower it)."""
    highest: dict[int, int] = {}
    for item in taken:
        if item.kind == AlertKind.ESCALATION:
            highest[item.appeal.id] = max(item.step, highest.get(item.appeal.id, 0))
    by_level: dict[int, list[int]] = defaultdict(list)
    for appeal_id, level in highest.items():
        by_level[level].append(appeal_id)
    for level, ids in sorted(by_level.items()):
        for start in range(0, len(ids), UPDATE_CHUNK):
            Appeal.objects.filter(id__in=ids[start : start + UPDATE_CHUNK], escalation_level__lt=level).update(
                escalation_level=level
            )


def _tell(taken: list[Due]) -> int:
    """One notification per (step, recipients) group: a digest rather than a flood."""
    from amanat.appeals.notifications import ESCALATED, REMINDER, _notify, staff_url

    groups: dict[tuple[str, int, tuple[int, ...]], list[Due]] = defaultdict(list)
    people: dict[tuple[int, ...], People] = {}
    closest: dict[int, int] = {}
    for item in taken:
        if item.kind == AlertKind.REMINDER:
            closest[item.appeal.id] = min(item.step, closest.get(item.appeal.id, item.step))
    for item in taken:
        # Several reminder steps due at once for one appeal: one reminder is enough.
        if item.kind == AlertKind.REMINDER and item.step != closest[item.appeal.id]:
            continue
        people.setdefault(item.recipients.key, item.recipients)
        step = 0 if item.kind == AlertKind.REMINDER else item.step
        groups[(str(item.kind), step, item.recipients.key)].append(item)
    sent = 0
    for (kind, level, key), items in groups.items():
        if not key:
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
            recipients=sorted(people[key].users, key=lambda u: u.pk),
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


def deadlines_sweep(*, today: dt.date | None = None, batch: int = BATCH) -> SweepResult:
    """Send the reminders and escalation steps that are due today, each once per deadline."""
    today = today or timezone.localdate()
    now = timezone.now()
    steps = _steps()
    longest = max((max(s.reminders, default=0) for s in steps.values()), default=0)
    horizon = add_working_days(today, longest)
    candidates = _candidates(today, horizon)
    result = SweepResult(candidates=len(candidates))
    if not candidates:
        return result
    days = WorkdayIndex(min(min(c.deadline for c in candidates), today), max(horizon, today))
    who = Recipients.load(candidates)
    for start in range(0, len(candidates), batch):
        due = [
            item
            for appeal in candidates[start : start + batch]
            for item in _due_steps(appeal, steps[appeal.appeal_type], today, days, who)
        ]
        if not due:
            continue
        with transaction.atomic():
            taken = _insert_alerts(due, now)
            if not taken:
                continue
            _record(taken, now)
            _raise_levels(taken)
            result.notifications += _tell(taken)
        result.reminders += sum(1 for d in taken if d.kind == AlertKind.REMINDER)
        result.escalations += sum(1 for d in taken if d.kind == AlertKind.ESCALATION)
    return result
