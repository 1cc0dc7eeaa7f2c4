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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from amanat.org.models import Official, StateBody, Territory
from amanat.programme.choices import ItemKind, ItemStatus
from amanat.programme.models import Item, ProgressMove, TrendCell
from amanat.programme.services.progress import quarter_end, quarter_number, quarter_of

TROUBLE = (ItemStatus.AT_RISK, ItemStatus.OVERDUE, ItemStatus.NOT_DONE)
ZERO = Decimal(0)
TITLES = ("title_kk", "title_ru", "title_en")


def item_list_url(**params: Any) -> str:
    """The staff item list filtered to these items (the filter names of `ItemFilterSet`)."""
    base = reverse("programme:item-list")
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


@dataclass
class Row:
    key: Any
    label: str
    filters: dict[str, Any] = field(default_factory=dict)
    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    verified_sum: float = 0.0
    claimed_sum: float = 0.0
    reports: int = 0
    reports_verified: int = 0
    reports_late: int = 0

    def add(self, leaf: Leaf) -> None:
        self.total += leaf.count
        self.by_status[leaf.status] += leaf.count
        self.verified_sum += leaf.verified
        self.claimed_sum += leaf.claimed
        self.reports += leaf.reports
        self.reports_verified += leaf.reports_verified
        self.reports_late += leaf.reports_late

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
        return _share(self.verified_sum, self.total)

    @property
    def claimed(self) -> Decimal:
        return _share(self.claimed_sum, self.total)

    @property
    def verified_share(self) -> Decimal:
        """Share of submitted reports that party control confirmed (fully or partly)."""
        return _share(self.reports_verified, self.reports)

    def url(self, status: str = "") -> str:
        return item_list_url(**self.filters, kind=ItemKind.ROADMAP.value, status=status)

    def links(self) -> dict[str, str]:
        return {s: self.url(s) for s in ItemStatus.values} | {"all": self.url()}


def _share(part: float, whole: float) -> Decimal:
    return Decimal(part / whole).quantize(Decimal("0.0001")) if whole else ZERO


@dataclass(slots=True)
class Leaf:
    """Road-map items that share a direction, district, body, official and status: their count,
    progress sums and report counts (kept on each item), added up by the database."""

    path: str  # the start of their tree path, as long as the longest direction's path
    territory: int | None
    body: int | None
    official: int | None
    status: str
    count: int
    verified: float
    claimed: float
    reports: int
    reports_verified: int
    reports_late: int


def _leaves(items: QuerySet[Item]) -> QuerySet[Item]:
    return items.filter(kind=ItemKind.ROADMAP)


def leaf_groups(items: QuerySet[Item], prefix: int) -> list[Leaf]:
    """The road-map items among `items` in groups (one query; 20,000 items make a few thousand)."""
    rows = (
        _leaves(items)
        .order_by()
        .annotate(prefix=Substr("path", 1, prefix))
        .values_list(
            "prefix", "territory_id", "responsible_body_id", "responsible_official_id", "computed_status",
            "status_override",
        )
        .annotate(
            n=Count("id"), verified=Sum(Cast("progress_verified", FloatField())),
            claimed=Sum(Cast("progress_claimed", FloatField())), reports=Sum("reports_total"),
            reports_verified=Sum("reports_verified"), reports_late=Sum("reports_late"),
        )
    )  # fmt: skip
    return [
        Leaf(path, territory, body, official, override or computed, n, verified or 0.0, claimed or 0.0, *counts)
        for path, territory, body, official, computed, override, n, verified, claimed, *counts in rows
    ]


@dataclass
class DirectionRow(Row):
    verified_sum_own: float = 0.0
    claimed_sum_own: float = 0.0


def tables(items: QuerySet[Item], *, names: bool = True) -> dict[str, list[Row]]:
    """Completion by direction, district and state body, and the rankings of bodies and officials,
    from one grouped query over the road-map items. `names` adds officials' names (staff only)."""
    directions = _direction_rows(items)
    lengths = sorted({len(path) for path in directions})
    keyed: dict[str, dict[Any, Row]] = {"territory": {}, "responsible_body": {}, "responsible_official": {}}
    for leaf in leaf_groups(items, max(lengths, default=Item.steplen)):
        for length in lengths:
            row = directions.get(leaf.path[:length])
            if row is not None:
                row.add(leaf)
        for name, key in (("territory", leaf.territory), ("responsible_body", leaf.body),
                          ("responsible_official", leaf.official)):  # fmt: skip
            if key is not None:
                rows = keyed[name]
                row = rows.get(key)
                if row is None:
                    row = rows[key] = Row(key=key, label="", filters={name: key})
                row.add(leaf)
    for row in directions.values():  # a direction shows its own rolled-up progress
        row.verified_sum, row.claimed_sum = row.verified_sum_own * row.total, row.claimed_sum_own * row.total
    territories = keyed["territory"]
    for pk, territory in Territory.objects.in_bulk(list(territories)).items():
        territories[pk].label = str(territory)
    bodies = keyed["responsible_body"]
    for pk, body in StateBody.objects.in_bulk(list(bodies)).items():
        bodies[pk].label = str(body)
    officials = keyed["responsible_official"]
    for pk, post in Official.objects.select_related("body", "person").in_bulk(list(officials)).items():
        text = f"{post.title}, {post.body}"
        row = officials[pk]
        row.label = f"{text} ({post.person})" if names else text
        row.filters = {"responsible_body": post.body_id}  # the item list filters by body
    for rows in keyed.values():
        for row in rows.values():
            row.label = row.label or str(row.key)
    by_label = sorted(bodies.values(), key=lambda r: r.label)
    return {
        "directions": list(directions.values()),
        "districts": sorted(territories.values(), key=lambda r: r.label),
        "bodies": by_label,
        "ranking_bodies": _rank(by_label),
        "officials": _rank(list(officials.values())),
    }


def _direction_rows(items: QuerySet[Item]) -> dict[str, DirectionRow]:
    """A row for each direction the reader sees, by its tree path, in tree order."""
    rows: dict[str, DirectionRow] = {}
    directions = (
        items.filter(kind=ItemKind.DIRECTION)
        .order_by("path")
        .values_list("pk", "path", "code", "programme_id", "progress_verified", "progress_claimed", *TITLES)
    )
    for pk, path, code, programme_id, verified, claimed, *titles in directions:
        title = dict(zip(TITLES, titles, strict=True))
        label = title.get(f"title_{get_language()}") or title["title_ru"] or title["title_kk"]
        rows[path] = DirectionRow(
            key=pk,
            label=f"{code} {label}".strip(),
            filters={"programme": programme_id, "parent": pk},
            verified_sum_own=float(verified),
            claimed_sum_own=float(claimed),
        )
    return rows


def by_direction(items: QuerySet[Item]) -> list[Row]:
    """Each direction the reader sees, with the road-map items under it."""
    return tables(items)["directions"]


def by_territory(items: QuerySet[Item]) -> list[Row]:
    return tables(items)["districts"]


def by_body(items: QuerySet[Item]) -> list[Row]:
    return tables(items)["bodies"]


def _rank(rows: list[Row]) -> list[Row]:
    """Best first: fewer items in trouble (share), more verified progress, fewer late reports."""
    return sorted(
        rows, key=lambda r: (Decimal(r.trouble) / r.total if r.total else ZERO, -r.verified, r.reports_late, r.label)
    )


def ranking_bodies(items: QuerySet[Item]) -> list[Row]:
    return tables(items)["ranking_bodies"]


def ranking_officials(items: QuerySet[Item], *, names: bool = True) -> list[Row]:
    """Officials by post and body; `names` adds the person's name (staff pages only)."""
    return tables(items, names=names)["officials"]


def problem_items(items: QuerySet[Item], *, quarters: int = 2, today: dt.date | None = None) -> QuerySet[Item]:
    """Items in trouble now without a verified report in any of the last `quarters` ended
    quarters, and started by the first of them (behind for that many periods running); one query
    over the items, which keep the quarter of their latest verified report."""
    today = today or timezone.localdate()
    quarters = max(1, int(quarters))
    current = quarter_number(*quarter_of(today))
    first = current - quarters  # the earliest of the last `quarters` ended quarters
    year, quarter = divmod(first, 4)
    in_trouble = Q(status_override__in=TROUBLE) | Q(status_override="", computed_status__in=TROUBLE)
    return (
        _leaves(items)
        .filter(in_trouble, planned_start__lte=quarter_end(year, quarter + 1))
        .filter(Q(last_verified_quarter__isnull=True) | Q(last_verified_quarter__lt=first))
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


def trends(
    items: QuerySet[Item],
    *,
    cells: tuple[QuerySet[TrendCell], QuerySet[Item]] | None = None,
    today: dt.date | None = None,
) -> list[TrendPoint]:
    """Mean verified and claimed attainment of the indicators of these items at each quarter's end,
    from the first quarter with a value to the current one (the rules of services.progress).

    Each item keeps its indicators' weighted moves by quarter (`ProgressMove`, written with its
    progress): the trend is their running sum over the weight of the indicators with a value.
    `cells` (selectors.trend_cells_for) gives the same sums for whole branches already added up,
    with the items outside those branches."""
    today = today or timezone.localdate()
    total_weight = items.order_by().aggregate(weight=Sum("trend_weight"))["weight"] or 0.0
    if cells is None:
        sources = [ProgressMove.objects.filter(item_id__in=items.order_by().values("pk"))]
    else:
        branch_cells, extra = cells
        sources = [branch_cells, ProgressMove.objects.filter(item_id__in=extra.order_by().values("pk"))]
    moves: dict[tuple[int, int], tuple[float, float]] = {}
    for source in sources:
        for year, quarter, claimed, verified in (
            source.order_by().values_list("year", "quarter").annotate(claimed=Sum("claimed"), verified=Sum("verified"))
        ):
            before = moves.get((year, quarter), (0.0, 0.0))
            moves[(year, quarter)] = (before[0] + (claimed or 0.0), before[1] + (verified or 0.0))
    if not total_weight or not moves:
        return []
    points = []
    year, quarter = min(moves)
    last = quarter_of(today)
    claimed_sum = verified_sum = 0.0
    while (year, quarter) <= last:
        claimed, verified = moves.get((year, quarter), (0.0, 0.0))
        claimed_sum += claimed
        verified_sum += verified
        points.append(TrendPoint(year, quarter, _share(verified_sum, total_weight), _share(claimed_sum, total_weight)))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return points
