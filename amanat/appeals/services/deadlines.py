"""The appeal's clock, derived from its history.

The deadline is never stored as the truth: it is computed from the events (registration,
pauses, resumptions, extensions, reopenings) and the current policy and calendar, and
`Appeal.deadline` keeps the result only so that lists can filter and sort by it.

    term runs from the registration day (or the last reopening) for `term_days` working days;
    an extension sets a new end (never beyond `max_total_months` from the start);
    every working day spent paused moves the end by one working day;
    while paused the clock stands still: `remaining` is frozen at the moment of the pause.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from amanat.appeals.choices import FINAL_STATUSES, AppealStatus
from amanat.appeals.models import Appeal, AppealEvent, DeadlinePolicy
from amanat.appeals.workflow import Transition
from amanat.core.calendar import add_working_days, next_working_day, working_days_between


@dataclass(frozen=True)
class Clock:
    start: dt.date  # the day the current term runs from (registration or last reopening)
    term_days: int
    deadline: dt.date | None  # None while paused: the end is not known until work resumes
    paused_since: dt.date | None
    paused_days: int  # working days spent paused in the current term
    extended_to: dt.date | None
    latest_extension: dt.date  # the furthest an extension may reach

    def remaining(self, today: dt.date | None = None) -> int | None:
        """Working days left (negative when overdue), frozen while paused."""
        today = today or timezone.localdate()
        if self.deadline is not None:
            return working_days_between(today, self.deadline)
        if self.paused_since is not None:
            return working_days_between(self.paused_since, self._deadline_ignoring_open_pause())
        return None

    def _deadline_ignoring_open_pause(self) -> dt.date:
        base = self.extended_to or add_working_days(self.start, self.term_days, convention=self._convention)
        return add_working_days(base, self.paused_days) if self.paused_days else base

    _convention: str = "next_day"


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def compute(
    *,
    registered_on: dt.date,
    events: Iterable[AppealEvent],
    policy: DeadlinePolicy,
    status: str = AppealStatus.IN_WORK,
) -> Clock:
    """The clock of an appeal from its history (events in time order)."""
    start = registered_on
    paused_days = 0
    paused_since: dt.date | None = None
    extended_to: dt.date | None = None
    for event in events:
        day = local_date(event.at)
        if event.kind == Transition.PAUSE:
            paused_since = paused_since or day
        elif event.kind == Transition.RESUME and paused_since is not None:
            paused_days += working_days_between(paused_since, day)
            paused_since = None
        elif event.kind == Transition.EXTEND:
            new_end = event.data.get("extended_to")
            if new_end:
                extended_to = dt.date.fromisoformat(new_end)
        elif event.kind == Transition.REOPEN:
            # A reopened appeal gets a fresh term from the working day it was reopened.
            start = next_working_day(day)
            paused_days, paused_since, extended_to = 0, None, None
    latest = start + relativedelta(months=policy.max_total_months)
    clock = Clock(
        start=start,
        term_days=policy.term_days,
        deadline=None,
        paused_since=paused_since,
        paused_days=paused_days,
        extended_to=extended_to,
        latest_extension=latest,
        _convention=policy.convention,
    )
    if paused_since is not None or status in FINAL_STATUSES:
        deadline = None if paused_since is not None else clock._deadline_ignoring_open_pause()
    else:
        deadline = clock._deadline_ignoring_open_pause()
    return Clock(**{**clock.__dict__, "deadline": deadline})


def clock_of(appeal: Appeal, *, policy: DeadlinePolicy | None = None) -> Clock:
    policy = policy or DeadlinePolicy.for_type(appeal.appeal_type)
    events = appeal.events.filter(kind__in=CLOCK_EVENTS).only("kind", "at", "data") if appeal.pk else []
    return compute(registered_on=appeal.registered_on, events=events, policy=policy, status=appeal.status)


CLOCK_EVENTS = [Transition.PAUSE, Transition.RESUME, Transition.EXTEND, Transition.REOPEN]


def refresh_deadline(appeal: Appeal, *, policy: DeadlinePolicy | None = None) -> bool:
    """Store the computed deadline on the appeal (for lists); True when it changed."""
    clock = clock_of(appeal, policy=policy)
    if appeal.status in (AppealStatus.ANSWERED, *FINAL_STATUSES):
        # A finished appeal keeps the deadline it had, to show whether it was met.
        new = appeal.deadline if appeal.deadline is not None else clock.deadline
    else:
        new = clock.deadline
    if new != appeal.deadline:
        appeal.deadline = new
        return True
    return False


def recompute_open(*, appeal_type: str | None = None, batch: int = 2000) -> int:
    """Recompute stored deadlines of open appeals (after a policy or calendar change)."""
    from amanat.appeals.choices import OPEN_STATUSES

    qs = Appeal.objects.filter(status__in=list(OPEN_STATUSES))
    if appeal_type:
        qs = qs.filter(appeal_type=appeal_type)
    policies: dict[str, DeadlinePolicy] = {}
    changed = 0
    last_id = 0
    while True:
        chunk = list(qs.filter(id__gt=last_id).order_by("id")[:batch])
        if not chunk:
            return changed
        to_save = []
        for appeal in chunk:
            policy = policies.setdefault(appeal.appeal_type, DeadlinePolicy.for_type(appeal.appeal_type))
            if refresh_deadline(appeal, policy=policy):
                to_save.append(appeal)
        Appeal.objects.bulk_update(to_save, ["deadline"])
        changed += len(to_save)
        last_id = chunk[-1].id
