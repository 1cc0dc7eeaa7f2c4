"""The appeal's clock, derived from its history.

The deadline is never stored as the truth: it is computed from the events (registration,
pauses, resumptions, extensions, reopenings) and the current policy and calendar, and
`Appeal.deadline` keeps the result only so that lists can filter and sort by it.

    the term runs from the registration day (or the last reopening) for `term_days` working
    days, counted by the policy's convention (from the day after, or the day itself as day 1);
    every working day spent paused moves the end by one working day;
    while paused the clock stands still: `remaining` is frozen at the moment of the pause and
    the end is unknown (`deadline` None) until work resumes;
    an extension sets a new end (once per term, never beyond `max_total_months` from the start);
    pauses after an extension move the extended end too;
    a reopening starts a fresh term from the working day it happened.

History is folded in time order, so the policy's current term and the current calendar apply
to every recomputation (a changed policy or a new holiday moves open deadlines).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from amanat.appeals.choices import FINAL_STATUSES, OPEN_STATUSES, AppealStatus
from amanat.appeals.models import Appeal, AppealEvent, DeadlinePolicy
from amanat.appeals.workflow import Transition
from amanat.core.calendar import NEXT_DAY, add_working_days, next_working_day, working_days_between

CLOCK_EVENTS = [Transition.PAUSE, Transition.RESUME, Transition.EXTEND, Transition.REOPEN]


@dataclass(frozen=True)
class Clock:
    start: dt.date  # the day the current term runs from (registration or last reopening)
    term_days: int
    deadline: dt.date | None  # None while paused: the end is not known until work resumes
    paused_since: dt.date | None
    paused_days: int  # working days spent paused in the current term (closed pauses)
    extended_to: dt.date | None  # the end an extension of the current term set
    latest_extension: dt.date  # the furthest an extension may reach
    end: dt.date | None = None  # the end ignoring an open pause (what `remaining` freezes)
    extensions: int = 0  # extensions granted in the current term
    convention: str = NEXT_DAY
    pauses: list[tuple[dt.date, dt.date | None]] = field(default_factory=list, compare=False)

    def remaining(self, today: dt.date | None = None) -> int | None:
        """Working days left (negative when overdue), frozen while paused."""
        today = today or timezone.localdate()
        if self.paused_since is not None and self.end is not None:
            return working_days_between(self.paused_since, self.end)
        if self.deadline is not None:
            return working_days_between(today, self.deadline)
        return None

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.deadline is not None and today > self.deadline


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def term_end(start: dt.date, policy: DeadlinePolicy) -> dt.date:
    """The last day of a term of the policy's length that runs from `start`."""
    return add_working_days(start, policy.term_days, convention=policy.convention or NEXT_DAY)


def compute(
    *,
    registered_on: dt.date,
    events: Iterable[AppealEvent],
    policy: DeadlinePolicy,
    status: str = AppealStatus.IN_WORK,
) -> Clock:
    """The clock of an appeal from its history (clock events in time order)."""
    start = registered_on
    end = term_end(start, policy)
    paused_days = 0
    paused_since: dt.date | None = None
    extended_to: dt.date | None = None
    extensions = 0
    pauses: list[tuple[dt.date, dt.date | None]] = []
    for event in sorted(events, key=lambda e: (e.at, e.pk or 0)):
        day = local_date(event.at)
        if event.kind == Transition.PAUSE:
            if paused_since is None:
                paused_since = day
        elif event.kind == Transition.RESUME:
            if paused_since is not None:
                days = max(working_days_between(paused_since, day), 0)
                paused_days += days
                if days:
                    end = add_working_days(end, days)
                pauses.append((paused_since, day))
                paused_since = None
        elif event.kind == Transition.EXTEND:
            new_end = (event.data or {}).get("extended_to")
            if new_end:
                extended_to = dt.date.fromisoformat(new_end)
                end = extended_to
                extensions += 1
        elif event.kind == Transition.REOPEN:
            # A reopened appeal gets a fresh term from the working day it was reopened.
            start = next_working_day(day)
            end = term_end(start, policy)
            paused_days, paused_since, extended_to, extensions, pauses = 0, None, None, 0, []
    if paused_since is not None:
        pauses.append((paused_since, None))
    return Clock(
        start=start,
        term_days=policy.term_days,
        deadline=None if paused_since is not None else end,
        paused_since=paused_since,
        paused_days=paused_days,
        extended_to=extended_to,
        latest_extension=start + relativedelta(months=policy.max_total_months),
        end=end,
        extensions=extensions,
        convention=policy.convention or NEXT_DAY,
        pauses=pauses,
    )


def clock_of(appeal: Appeal, *, policy: DeadlinePolicy | None = None) -> Clock:
    """The appeal's clock now, under its type's current policy and the current calendar."""
    policy = policy or DeadlinePolicy.for_type(appeal.appeal_type)
    events = (
        list(appeal.events.filter(kind__in=CLOCK_EVENTS).only("kind", "at", "data").order_by("at", "id"))
        if appeal.pk
        else []
    )
    return compute(registered_on=appeal.registered_on, events=events, policy=policy, status=appeal.status)


def _stored_deadline(appeal: Appeal, clock: Clock) -> dt.date | None:
    if appeal.status == AppealStatus.ANSWERED or appeal.status in FINAL_STATUSES:
        # A finished appeal keeps the deadline it had, to show whether it was met.
        return appeal.deadline if appeal.deadline is not None else clock.deadline
    return clock.deadline


def refresh_deadline(appeal: Appeal, *, policy: DeadlinePolicy | None = None) -> bool:
    """Store the computed deadline on the appeal (for lists); True when it changed.

    A new deadline starts the reminders and the escalation ladder afresh.
    """
    new = _stored_deadline(appeal, clock_of(appeal, policy=policy))
    if new != appeal.deadline:
        appeal.deadline = new
        if appeal.status in OPEN_STATUSES:
            appeal.escalation_level = 0
        return True
    return False


def recompute_open(*, appeal_type: str | None = None, batch: int = 2000) -> int:
    """Recompute stored deadlines of open appeals (after a policy or calendar change).

    Works in batches by id: one query for the appeals and one for their clock events per batch.
    Returns how many deadlines changed.
    """
    qs = Appeal.objects.filter(status__in=list(OPEN_STATUSES)).only(
        "id", "appeal_type", "status", "registered_on", "deadline", "escalation_level"
    )
    if appeal_type:
        qs = qs.filter(appeal_type=appeal_type)
    policies: dict[str, DeadlinePolicy] = {}
    changed = 0
    last_id = 0
    while True:
        chunk = list(qs.filter(id__gt=last_id).order_by("id")[:batch])
        if not chunk:
            return changed
        events: dict[int, list[AppealEvent]] = defaultdict(list)
        for event in (
            AppealEvent.objects.filter(appeal_id__in=[a.id for a in chunk], kind__in=CLOCK_EVENTS)
            .only("appeal_id", "kind", "at", "data")
            .order_by("at", "id")
        ):
            events[event.appeal_id].append(event)
        to_save = []
        for appeal in chunk:
            policy = policies.get(appeal.appeal_type)
            if policy is None:
                policy = policies[appeal.appeal_type] = DeadlinePolicy.for_type(appeal.appeal_type)
            clock = compute(
                registered_on=appeal.registered_on, events=events[appeal.id], policy=policy, status=appeal.status
            )
            new = _stored_deadline(appeal, clock)
            if new != appeal.deadline:
                appeal.deadline = new
                appeal.escalation_level = 0
                to_save.append(appeal)
        if to_save:
            Appeal.objects.bulk_update(to_save, ["deadline", "escalation_level"])
        changed += len(to_save)
        last_id = chunk[-1].id
