"""Open statistics of appeals for the public site: counts only, nothing that identifies anyone.

Read-only aggregates. Every figure is one grouped or counted query that the indexes on
`Appeal` serve (category, territory, received_at), so the page stays fast with a million
appeals; the result is cached for ten minutes. Groups smaller than `MIN_CELL` are shown as
"fewer than 3": a tiny count in a small district could point at a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import Solved
from amanat.appeals.models import Appeal, AppealFeedback, Category
from amanat.org.choices import TerritoryKind
from amanat.org.models import Territory

MIN_CELL = 3
CACHE_SECONDS = 10 * 60
STALE_SECONDS = 24 * 3600
CACHE_KEY = "appeals:public-stats:v1:{language}"


@dataclass(frozen=True)
class Row:
    label: str
    count: int

    @property
    def hidden(self) -> bool:
        """Too small to publish (but not zero)."""
        return 0 < self.count < MIN_CELL


@dataclass
class PublicStats:
    total: int
    by_category: list[Row]
    by_district: list[Row]
    by_month: list[Row]
    answered: int  # answered with the deadline known (the base of the on-time share)
    answered_on_time: int
    ratings: int
    average_rating: float | None
    fully_solved: int
    generated_at: dt.datetime
    months: list[dt.date] = field(default_factory=list)

    @property
    def on_time_percent(self) -> int | None:
        return _percent(self.answered_on_time, self.answered)

    @property
    def fully_solved_percent(self) -> int | None:
        return _percent(self.fully_solved, self.ratings)

    @property
    def rating_shown(self) -> bool:
        return self.ratings >= MIN_CELL

    @property
    def max_category(self) -> int:
        return max((r.count for r in self.by_category), default=0)

    @property
    def max_district(self) -> int:
        return max((r.count for r in self.by_district), default=0)

    @property
    def max_month(self) -> int:
        return max((r.count for r in self.by_month), default=0)


def _percent(part: int, whole: int) -> int | None:
    if whole < MIN_CELL:
        return None
    return round(100 * part / whole)


def _visible() -> Any:
    # No filter: a filter on an unindexed column would turn the index-only counts into scans.
    return Appeal.objects.all()


def by_category() -> list[Row]:
    """Appeals per top-level category (a child's appeals count in its root), largest first."""
    counts = dict(
        _visible().order_by().values_list("category_id").annotate(n=Count("id")).values_list("category_id", "n")
    )
    roots: dict[str, Category] = {}
    paths: dict[int, str] = {}
    for cat in Category.objects.only("id", "path", "depth", "name_kk", "name_ru", "name_en"):
        paths[cat.pk] = cat.path
        if cat.depth == 1:
            roots[cat.path] = cat
    totals: dict[str, int] = {}
    unknown = counts.pop(None, 0)
    for cat_id, n in counts.items():
        path = paths.get(cat_id)
        if path is None:
            unknown += n
            continue
        root_path = path[: Category.steplen]
        totals[root_path] = totals.get(root_path, 0) + n
    rows = [Row(label=str(roots[p].name), count=n) for p, n in totals.items() if p in roots]
    rows.sort(key=lambda r: (-r.count, r.label))
    if unknown:
        rows.append(Row(label=str(_("Not stated")), count=unknown))
    return rows


def by_district() -> list[Row]:
    """Appeals per city or district (a settlement's appeals count in its district)."""
    counts = dict(
        _visible().order_by().values_list("territory_id").annotate(n=Count("id")).values_list("territory_id", "n")
    )
    areas = list(Territory.objects.filter(kind__in=[TerritoryKind.CITY, TerritoryKind.DISTRICT]))
    paths = dict(Territory.objects.filter(pk__in=[k for k in counts if k]).values_list("pk", "path"))
    totals: dict[int, int] = {a.pk: 0 for a in areas}
    unknown = counts.pop(None, 0)
    for ter_id, n in counts.items():
        path = paths.get(ter_id, "")
        found = [a for a in areas if path.startswith(a.path)]
        if found:
            area = max(found, key=lambda a: a.depth)
            totals[area.pk] += n
        else:
            unknown += n  # the region as a whole, or a place outside the list
    names = {a.pk: str(a.name) for a in areas}
    rows = [Row(label=names[pk], count=n) for pk, n in totals.items()]
    rows.sort(key=lambda r: (-r.count, r.label))
    if unknown:
        rows.append(Row(label=str(_("Region as a whole or not stated")), count=unknown))
    return rows


def last_months(today: dt.date | None = None, count: int = 12) -> list[dt.date]:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    return [first - relativedelta(months=i) for i in range(count - 1, -1, -1)]


def by_month(today: dt.date | None = None) -> tuple[list[dt.date], list[int]]:
    """Appeals received in each of the last 12 months (local time), oldest first.

    One range count per month: each is an index range scan on received_at, much cheaper on a
    large table than truncating every row's date.
    """
    months = last_months(today)
    tz = timezone.get_current_timezone()
    counts = []
    for start in months:
        end = start + relativedelta(months=1)
        lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
        hi = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
        counts.append(_visible().filter(received_at__gte=lo, received_at__lt=hi).count())
    return months, counts


def compute(today: dt.date | None = None) -> PublicStats:
    on_time = _visible().aggregate(
        total=Count("id"),
        answered=Count("id", filter=Q(answered_on_time__isnull=False)),
        on_time=Count("id", filter=Q(answered_on_time=True)),
    )
    feedback = AppealFeedback.objects.aggregate(
        n=Count("id"), avg=Avg("rating"), fully=Count("id", filter=Q(solved=Solved.FULLY))
    )
    months, month_counts = by_month(today)
    return PublicStats(
        total=on_time["total"],
        by_category=by_category(),
        by_district=by_district(),
        by_month=[Row(label=_month_label(m), count=n) for m, n in zip(months, month_counts, strict=True)],
        months=months,
        answered=on_time["answered"],
        answered_on_time=on_time["on_time"],
        ratings=feedback["n"],
        average_rating=round(float(feedback["avg"]), 1) if feedback["avg"] is not None else None,
        fully_solved=feedback["fully"],
        generated_at=timezone.now(),
    )


def _month_label(month: dt.date) -> str:
    from django.utils.dateformat import format as date_format

    return date_format(month, "F Y")


def public_stats(*, refresh: bool = False) -> PublicStats:
    """The open statistics, computed at most once per ten minutes (per language of the labels).

    While one request recomputes expired figures, others get the previous ones (kept a day)
    instead of all recomputing at once. A periodic job may call this with refresh=True so that
    no visitor ever waits for the computation.
    """
    key = CACHE_KEY.format(language=get_language() or "")
    stats = None if refresh else cache.get(key)
    if stats is not None:
        return stats
    if not refresh and not cache.add(f"{key}:lock", 1, 120):
        stale = cache.get(f"{key}:stale")
        if stale is not None:
            return stale
    try:
        stats = compute()
        cache.set(key, stats, CACHE_SECONDS)
        cache.set(f"{key}:stale", stats, STALE_SECONDS)
    finally:
        cache.delete(f"{key}:lock")
    return stats
