"""Analysis of how the programme is carried out, over the items a reader may see.

Every table is a list of `Row`s: a label, counts by status and shares, and the query string of the
staff item list that shows the items behind the row (every figure drills down).

- completion by direction, by district (territory) and by responsible state body;
- rankings of state bodies and of officials (by post): best first, ordered by the share of items
  in trouble (overdue, not done, at risk), then by mean verified progress, then by reports late;
- problem items: in trouble now (at risk, overdue, not done) and without a verified report in each
  of the last N ended quarters (behind for N periods running);
- trends: mean verified and claimed progress of the indicators at the end of each quarter.

Counts are of road-map items (the measurable leaves); directions show their rolled-up progress.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from amanat.org.models import Official, StateBody, Territory
from amanat.programme.choices import ItemKind, ItemStatus, ReportState
from amanat.programme.models import IndicatorValue, Item, Report
from amanat.programme.services.progress import quarter_end, quarter_of

TROUBLE = (ItemStatus.AT_RISK, ItemStatus.OVERDUE, ItemStatus.NOT_DONE)
VERIFIED_STATES = (ReportState.CONFIRMED, ReportState.PARTLY)
ZERO = Decimal(0)


def item_list_url(**params: Any) -> str:
    """The staff item list filtered to these items (helper 1's filter names)."""
    try:
        base = reverse("programme:item-list")
    except NoReverseMatch:
        base = "/manage/programme/items/"
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


@dataclass
class Row:
    key: Any
    label: str
    filters: dict[str, Any] = field(default_factory=dict)
    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    verified_sum: Decimal = ZERO
    claimed_sum: Decimal = ZERO
    reports: int = 0
    reports_verified: int = 0
    reports_late: int = 0

    def add(self, item: Item) -> None:
        self.total += 1
        self.by_status[item.status] += 1
        self.verified_sum += item.progress_verified
        self.claimed_sum += item.progress_claimed

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def on_track(self) -> int:
        return self.count(ItemStatus.ON_TRACK)

    @property
    def at_risk(self) -> int:
        return self.count(ItemStatus.AT_RISK)

    @property
    def overdue(self) -> int:
        return self.count(ItemStatus.OVERDUE)

    @property
    def not_done(self) -> int:
        return self.count(ItemStatus.NOT_DONE)

    @property
    def done(self) -> int:
        return self.count(ItemStatus.DONE)

    @property
    def trouble(self) -> int:
        return self.at_risk + self.overdue + self.not_done

    @property
    def verified(self) -> Decimal:
        """Mean verified progress, 0–1."""
        return (self.verified_sum / self.total).quantize(Decimal("0.0001")) if self.total else ZERO

    @property
    def claimed(self) -> Decimal:
        return (self.claimed_sum / self.total).quantize(Decimal("0.0001")) if self.total else ZERO

    @property
    def verified_share(self) -> Decimal:
        """Share of submitted reports that party control confirmed (fully or partly)."""
        return (Decimal(self.reports_verified) / self.reports).quantize(Decimal("0.0001")) if self.reports else ZERO

    def url(self, status: str = "") -> str:
        return item_list_url(**self.filters, kind=ItemKind.ROADMAP.value, status=status)

    def links(self) -> dict[str, str]:
        return {s: self.url(s) for s in ItemStatus.values} | {"all": self.url()}


def _leaves(items: QuerySet[Item]) -> QuerySet[Item]:
    return items.filter(kind=ItemKind.ROADMAP)


def _group(
    leaves: QuerySet[Item], key_field: str, labels: Callable[[list[Any]], dict[Any, str]], filter_name: str, *,
    with_reports: bool = False,
) -> list[Row]:  # fmt: skip
    """Rows by `key_field`, counted and summed by the database (20,000 items, 200,000 reports)."""
    rows: dict[Any, Row] = {}
    grouped = (
        leaves.exclude(**{f"{key_field}__isnull": True})
        .order_by()
        .values(key_field, "computed_status", "status_override")
        .annotate(n=Count("id"), verified=Sum("progress_verified"), claimed=Sum("progress_claimed"))
    )
    for entry in grouped:
        key = entry[key_field]
        row = rows.get(key)
        if row is None:
            row = rows[key] = Row(key=key, label="", filters={filter_name: key})
        row.total += entry["n"]
        row.by_status[entry["status_override"] or entry["computed_status"]] += entry["n"]
        row.verified_sum += entry["verified"] or ZERO
        row.claimed_sum += entry["claimed"] or ZERO
    if with_reports and rows:
        counted = (
            Report.objects.filter(item__in=leaves.order_by().values("pk"))
            .order_by()
            .values(f"item__{key_field}")
            .annotate(
                n=Count("id"),
                verified=Count("id", filter=Q(state__in=VERIFIED_STATES)),
                late=Count("id", filter=Q(is_late=True)),
            )
        )
        for entry in counted:
            row = rows.get(entry[f"item__{key_field}"])
            if row is not None:
                row.reports, row.reports_verified, row.reports_late = entry["n"], entry["verified"], entry["late"]
    names = labels(list(rows))
    for key, row in rows.items():
        row.label = names.get(key, str(key))
    return list(rows.values())


def by_direction(items: QuerySet[Item]) -> list[Row]:
    """Each direction the reader sees, with the road-map items under it."""
    directions = list(items.filter(kind=ItemKind.DIRECTION).select_related("programme").order_by("path"))
    leaves = list(
        _leaves(items).only("path", "computed_status", "status_override", "progress_verified", "progress_claimed")
    )
    rows = []
    for direction in directions:
        row = Row(
            key=direction.pk,
            label=f"{direction.code} {direction.title}".strip(),
            # the list has no filter by parent: items are numbered under their direction ("1.2")
            filters={"programme": direction.programme_id, "q": f"{direction.code}." if direction.code else ""},
        )
        for leaf in leaves:
            if leaf.path.startswith(direction.path):
                row.add(leaf)
        row.verified_sum, row.claimed_sum = (
            direction.progress_verified * row.total,
            direction.progress_claimed * row.total,
        )
        rows.append(row)
    return rows


def by_territory(items: QuerySet[Item]) -> list[Row]:
    def labels(keys: list[Any]) -> dict[Any, str]:
        return {pk: str(t) for pk, t in Territory.objects.in_bulk(keys).items()}

    rows = _group(_leaves(items), "territory_id", labels, "territory")
    return sorted(rows, key=lambda r: r.label)


def by_body(items: QuerySet[Item]) -> list[Row]:
    def labels(keys: list[Any]) -> dict[Any, str]:
        return {pk: str(b) for pk, b in StateBody.objects.in_bulk(keys).items()}

    rows = _group(_leaves(items), "responsible_body_id", labels, "responsible_body", with_reports=True)
    return sorted(rows, key=lambda r: r.label)


def _rank(rows: list[Row]) -> list[Row]:
    """Best first: fewer items in trouble (share), more verified progress, fewer late reports."""
    return sorted(
        rows, key=lambda r: (Decimal(r.trouble) / r.total if r.total else ZERO, -r.verified, r.reports_late, r.label)
    )


def ranking_bodies(items: QuerySet[Item]) -> list[Row]:
    return _rank(by_body(items))


def ranking_officials(items: QuerySet[Item], *, names: bool = True) -> list[Row]:
    """Officials by post and body; `names` adds the person's name (staff pages only)."""
    posts: dict[Any, Official] = {}

    def labels(keys: list[Any]) -> dict[Any, str]:
        posts.update(Official.objects.select_related("body", "person").in_bulk(keys))
        out = {}
        for pk, post in posts.items():
            text = f"{post.title}, {post.body}"
            out[pk] = f"{text} ({post.person})" if names else text
        return out

    rows = _group(_leaves(items), "responsible_official_id", labels, "responsible_official", with_reports=True)
    for row in rows:  # the item list filters by body: an official's items are their body's
        post = posts.get(row.key)
        row.filters = {"responsible_body": post.body_id} if post else {}
    return _rank(rows)


def problem_items(items: QuerySet[Item], *, quarters: int = 2, today: dt.date | None = None) -> QuerySet[Item]:
    """Items in trouble now without a verified report in any of the last `quarters` ended
    quarters, and started by the first of them (behind for that many periods running); one query."""
    today = today or timezone.localdate()
    quarters = max(1, int(quarters))
    last = []
    year, quarter = quarter_of(today)
    for _ in range(quarters):
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        last.append(Q(year=year, quarter=quarter))
    period = last[0]
    for q in last[1:]:
        period |= q
    verified = Report.objects.filter(period, state__in=VERIFIED_STATES).values("item_id")
    in_trouble = Q(status_override__in=TROUBLE) | Q(status_override="", computed_status__in=TROUBLE)
    return (
        _leaves(items)
        .filter(in_trouble, planned_start__lte=quarter_end(year, quarter))
        .exclude(pk__in=verified)
        .select_related("responsible_body", "territory")
        .order_by("path")
    )


@dataclass
class TrendPoint:
    year: int
    quarter: int
    verified: Decimal
    claimed: Decimal

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"


def trends(items: QuerySet[Item], *, today: dt.date | None = None) -> list[TrendPoint]:
    """Mean verified and claimed attainment of the indicators of these items at each quarter's end,
    from the first quarter with a value to the current one (the rules of services.progress).

    One pass over the values: each value changes its indicator's attainment from that quarter on,
    so the weighted sums move by the differences, quarter by quarter."""
    today = today or timezone.localdate()
    partly = float(settings.PROGRAMME_PARTLY_COUNTS)
    rows = (
        IndicatorValue.objects.filter(indicator__item__in=items, actual__isnull=False)
        .order_by("indicator_id", "year", "quarter")
        .values_list(
            "indicator_id", "year", "quarter", "actual", "report__state",
            "indicator__baseline", "indicator__target", "indicator__weight",
        )
    )  # fmt: skip
    claimed_moves: dict[tuple[int, int], float] = defaultdict(float)
    verified_moves: dict[tuple[int, int], float] = defaultdict(float)
    total_weight = 0.0
    current = None
    for indicator_id, year, quarter, actual, state, baseline, target, weight in rows:
        if indicator_id != current:
            current, base, span, w = indicator_id, float(baseline), float(target - baseline), float(weight)
            total_weight += w
            claimed_before = verified_before = 0.0
            verified_value: float | None = None
        value = float(actual)
        if state == ReportState.CONFIRMED:
            verified_value = value
        elif state == ReportState.PARTLY:
            start = verified_value if verified_value is not None else base
            verified_value = start + (value - start) * partly
        claimed = min(max((value - base) / span, 0.0), 1.0)
        verified = 0.0 if verified_value is None else min(max((verified_value - base) / span, 0.0), 1.0)
        claimed_moves[(year, quarter)] += w * (claimed - claimed_before)
        verified_moves[(year, quarter)] += w * (verified - verified_before)
        claimed_before, verified_before = claimed, verified
    if not total_weight:
        return []
    points = []
    year, quarter = min(claimed_moves)
    last = quarter_of(today)
    claimed_sum = verified_sum = 0.0
    while (year, quarter) <= last:
        claimed_sum += claimed_moves.get((year, quarter), 0.0)
        verified_sum += verified_moves.get((year, quarter), 0.0)
        points.append(
            TrendPoint(
                year,
                quarter,
                Decimal(verified_sum / total_weight).quantize(Decimal("0.0001")),
                Decimal(claimed_sum / total_weight).quantize(Decimal("0.0001")),
            )
        )
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return points
