"""Reads of meetings: one meeting in the reader's scope, a unit's month calendar, a day, the
upcoming public meetings, the iCal feeds.

The month calendar reads only the columns it shows (one query for the meetings, one for the
names of their units), so a regional month with thousands of meetings stays quick; the grid shows
the first few of each day with the count of the rest, the day page shows them all.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from amanat.core.i18n import current_language
from amanat.core.permissions import get_visible_or_404, in_subtree
from amanat.meetings.choices import ISSUE_KINDS, MeetingKind, MeetingStatus
from amanat.meetings.models import Meeting
from amanat.meetings.permissions import MeetingAction
from amanat.org.models import OrgUnit

VIEW = MeetingAction.VIEW
PER_DAY = 4  # meetings shown in a day's cell of the month grid


def meeting_get(*, actor: Any, pk: Any, action: str = VIEW) -> Meeting:
    """One meeting in the reader's scope for action; anything else is a 404."""
    return get_visible_or_404(Meeting.objects.select_related("org_unit", "territory"), actor, action, pk=pk)


def meetings_in_scope(*, actor: Any, unit: OrgUnit | None = None, kind: str | None = None) -> QuerySet:
    queryset = Meeting.objects.visible_to(actor, VIEW)
    if unit is not None:
        queryset = queryset.filter(in_subtree("org_unit", unit))
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def local_bounds(first: dt.date, last_exclusive: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last_exclusive, dt.time.min, tzinfo=zone)
    return start, end


@dataclass
class Entry:
    """One meeting in a calendar, with its words ready (a busy month renders hundreds)."""

    pk: int
    starts_at: dt.datetime
    kind: str
    status: str
    title: str
    unit: str
    kind_label: str = ""
    url: str = ""  # set for entries that are not meetings (a public council's session)

    @property
    def cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def time(self) -> str:
        return f"{self.starts_at:%H:%M}"

    @property
    def label(self) -> str:
        return self.title or self.kind_label


@dataclass
class Day:
    date: dt.date
    in_month: bool
    entries: list[Entry] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.entries)

    @property
    def iso(self) -> str:
        return self.date.isoformat()


@dataclass
class Month:
    year: int
    month: int
    weeks: list[list[Day]]
    total: int

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=32)).replace(day=1)

    @property
    def busy_days(self) -> list[Day]:
        return [day for week in self.weeks for day in week if day.in_month and day.total]


def _rows(queryset: QuerySet, *, per_day: int | None = None, limit: int | None = None) -> list[Entry]:
    """The entries of the queryset, in time order; with `per_day`, only the first few of each day
    (a window function in the database: a busy regional month has thousands)."""
    lang = current_language()
    # The same order as `Meeting.title` (pick): the language itself, then Kazakh, then Russian.
    title_first = "title_ru" if lang == "ru" else "title_kk"
    title_second = "title_kk" if lang == "ru" else "title_ru"
    if per_day is not None:
        queryset = queryset.annotate(
            rank=Window(RowNumber(), partition_by=[F("local_date")], order_by=[F("starts_at").asc(), F("pk").asc()])
        ).filter(rank__lte=per_day)
    rows = queryset.order_by("starts_at", "pk").values_list(
        "pk", "starts_at", "kind", "status", title_first, title_second, "org_unit_id"
    )
    if limit is not None:
        rows = rows[:limit]
    rows = list(rows)
    names = _unit_names({row[6] for row in rows}, lang)
    zone = timezone.get_current_timezone()
    labels = {value: str(label) for value, label in MeetingKind.choices}
    return [
        Entry(
            pk, starts.astimezone(zone), kind, status, first or second, names.get(unit_id, ""), labels.get(kind, kind)
        )
        for pk, starts, kind, status, first, second, unit_id in rows
    ]


def _unit_names(ids: set[int], lang: str) -> dict[int, str]:
    if not ids:
        return {}
    column = {"kk": "name_kk", "ru": "name_ru"}.get(lang, "name_en")
    return {
        pk: name or fallback
        for pk, name, fallback in OrgUnit.objects.filter(pk__in=ids).values_list("pk", column, "name_ru")
    }


def council_sessions(*, actor: Any, unit: OrgUnit, first: dt.date, last: dt.date, kind: str | None) -> list[Entry]:
    """Sessions of the public councils the actor sees under the unit, from `first` to `last`
    (inclusive, Atyrau dates), as calendar entries of the kind "public council session": a council
    keeps its own sessions (amanat.councils), the calendar shows them beside the meetings."""
    if kind not in (None, "", MeetingKind.PUBLIC_COUNCIL):
        return []
    from amanat.councils.models import CouncilSession

    start, end = local_bounds(first, last + dt.timedelta(days=1))
    sessions = (
        CouncilSession.objects.visible_to(actor, "councils.view")
        .filter(council__org_unit__path__startswith=unit.path, starts_at__gte=start, starts_at__lt=end)
        .select_related("council__org_unit")
        .order_by("starts_at")[:500]
    )
    prefix = reverse("councils:session-detail", args=[0])[: -len("0/")]
    zone = timezone.get_current_timezone()
    label = str(MeetingKind.PUBLIC_COUNCIL.label)
    return [
        Entry(
            session.pk, session.starts_at.astimezone(zone), MeetingKind.PUBLIC_COUNCIL, "", str(session),
            str(session.council.org_unit), label, url=f"{prefix}{session.pk}/",
        )
        for session in sessions
    ]  # fmt: skip


def month_calendar(*, actor: Any, unit: OrgUnit, year: int, month: int, kind: str | None = None) -> Month:
    """The unit's (and its subtree's) meetings of a month as weeks of days, Monday first: each
    day's count and its first few meetings (two queries, whatever the month holds)."""
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_dates[0][0], weeks_dates[-1][-1]
    queryset = meetings_in_scope(actor=actor, unit=unit, kind=kind).filter(local_date__gte=first, local_date__lte=last)
    counts = dict(queryset.order_by().values_list("local_date").annotate(n=Count("pk")))
    by_day: dict[dt.date, list[Entry]] = defaultdict(list)
    for entry in _rows(queryset, per_day=PER_DAY):
        by_day[entry.starts_at.date()].append(entry)
    for entry in council_sessions(actor=actor, unit=unit, first=first, last=last, kind=kind):
        date = entry.starts_at.date()
        counts[date] = counts.get(date, 0) + 1
        if len(by_day[date]) < PER_DAY:
            by_day[date].append(entry)
            by_day[date].sort(key=lambda e: e.starts_at)
    weeks = []
    total = 0
    for week in weeks_dates:
        days = []
        for date in week:
            in_month = date.month == month
            count = counts.get(date, 0)
            if in_month:
                total += count
            days.append(Day(date=date, in_month=in_month, entries=by_day.get(date, []), total=count))
        weeks.append(days)
    return Month(year=year, month=month, weeks=weeks, total=total)


def day_list(*, actor: Any, unit: OrgUnit, first: dt.date, days: int = 1, kind: str | None = None) -> list[Day]:
    """Meetings of one day or a week, day by day (the phone's view and the "more" of a busy day)."""
    queryset = meetings_in_scope(actor=actor, unit=unit, kind=kind).filter(
        local_date__gte=first, local_date__lt=first + dt.timedelta(days=days)
    )
    entries = _rows(queryset, limit=2000)
    last = first + dt.timedelta(days=days - 1)
    entries = sorted(
        [*entries, *council_sessions(actor=actor, unit=unit, first=first, last=last, kind=kind)],
        key=lambda e: e.starts_at,
    )
    result = [Day(date=first + dt.timedelta(days=i), in_month=True) for i in range(days)]
    index = {day.date: day for day in result}
    for entry in entries:
        day = index.get(entry.starts_at.date())
        if day is not None:
            day.entries.append(entry)
            day.total += 1
    return result


def public_upcoming(*, limit: int = 200, territory: Any = None) -> QuerySet:
    """Field meetings and mobile receptions announced to the public, from today on."""
    today_start, _end = local_bounds(timezone.localdate(), timezone.localdate())
    queryset = Meeting.objects.filter(
        is_public=True, kind__in=list(ISSUE_KINDS), ends_at__gte=today_start, status=MeetingStatus.PLANNED
    ).select_related("territory", "org_unit")
    if territory is not None:
        queryset = queryset.filter(territory__path__startswith=territory.path)
    return queryset.order_by("starts_at", "pk")[:limit]
