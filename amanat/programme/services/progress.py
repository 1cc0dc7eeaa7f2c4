"""Progress and status of programme items, computed from the work itself.

Progress
--------
- An indicator's attainment is how far its latest actual value has gone from the baseline to the
  target, between 0 and 1: `(actual − baseline) / (target − baseline)`. The same formula serves
  "less is better" (the target lies below the baseline). No actual yet: 0.
- *Claimed* progress takes the latest actual the responsible body reported; *verified* progress
  takes only actuals of reports party control confirmed, and of a partly confirmed report
  `PROGRAMME_PARTLY_COUNTS` of its gain over the verified value before it.
- An item's progress is the weighted mean of its indicators' attainments and its children's
  progress (each by its weight). It rolls up the tree to the direction and the programme.

Status (documented rules; the thresholds are settings)
------------------------------------------------------
In this order, the first that holds:
1. *cancelled* only by hand (a status set by hand needs a reason and is audited);
2. *cannot be verified*: an item with neither indicators nor sub-items (nothing to measure);
3. *done*: verified progress has reached 100 %;
4. past its planned end: *not done* once the programme's last year is over or
   `PROGRAMME_NOT_DONE_AFTER_DAYS` have passed, else *overdue*;
5. *not started*: before its planned start, with nothing reported;
6. *at risk*: party control did not confirm the latest report; or no report for the last
   `PROGRAMME_REPORTS_MISSED_QUARTERS` quarters that have ended since the start; or verified
   progress behind the time elapsed by more than `PROGRAMME_AT_RISK_GAP`; or a sub-item is
   overdue, not done or at risk;
7. otherwise *on track*.
An item without its own dates takes the earliest start and latest end of its sub-items.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from amanat.programme.choices import ItemStatus, ReportState
from amanat.programme.figures_cache import data_changed
from amanat.programme.models import Indicator, IndicatorValue, Item, ProgressMove, Report, TrendCell

ZERO, ONE = Decimal(0), Decimal(1)
QUANT = Decimal("0.0001")
TROUBLE = (ItemStatus.OVERDUE, ItemStatus.NOT_DONE, ItemStatus.AT_RISK)
VERIFIED = (ReportState.CONFIRMED, ReportState.PARTLY)
CHILD_FIELDS = (
    *("path", "depth", "programme", "weight", "planned_start", "planned_end"),
    *("progress_claimed", "progress_verified", "computed_status", "status_override"),
)


def attainment(baseline: Decimal, target: Decimal, actual: Decimal | None) -> Decimal:
    """How far `actual` has gone from `baseline` to `target`, between 0 and 1."""
    if actual is None or target == baseline:
        return ZERO
    share = (Decimal(actual) - Decimal(baseline)) / (Decimal(target) - Decimal(baseline))
    return min(max(share, ZERO), ONE)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_number(year: int, quarter: int) -> int:
    """Quarters counted from year 0, so that they compare and subtract: year × 4 + quarter − 1."""
    return year * 4 + quarter - 1


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def ended_quarters(start: dt.date, today: dt.date) -> list[tuple[int, int]]:
    """The quarters from `start`'s to the last one fully ended before `today`, oldest first."""
    quarters = []
    year, quarter = quarter_of(start)
    while quarter_end(year, quarter) < today:
        quarters.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


@dataclass
class IndicatorFacts:
    baseline: Decimal
    target: Decimal
    weight: Decimal
    # (year, quarter, actual, report state) of each period with an actual, oldest first
    actuals: list[tuple[int, int, Decimal, str | None]] = field(default_factory=list)

    def claimed(self) -> Decimal:
        return attainment(self.baseline, self.target, self.actuals[-1][2] if self.actuals else None)

    def verified(self) -> Decimal:
        partly = Decimal(str(settings.PROGRAMME_PARTLY_COUNTS))
        value: Decimal | None = None
        for _year, _quarter, actual, state in self.actuals:
            if state == ReportState.CONFIRMED:
                value = actual
            elif state == ReportState.PARTLY:
                before = value if value is not None else self.baseline
                value = before + (actual - before) * partly
        return attainment(self.baseline, self.target, value)

    def moves(self) -> dict[tuple[int, int], tuple[float, float]]:
        """By quarter: how much this indicator's weighted claimed and verified attainment changed
        at that quarter's end (what the analysis trends add up; the rules of `claimed`/`verified`)."""
        partly = float(settings.PROGRAMME_PARTLY_COUNTS)
        base, span, weight = float(self.baseline), float(self.target - self.baseline), float(self.weight)
        out: dict[tuple[int, int], tuple[float, float]] = {}
        claimed_before = verified_before = 0.0
        value: float | None = None
        for year, quarter, actual, state in self.actuals:
            if state == ReportState.CONFIRMED:
                value = float(actual)
            elif state == ReportState.PARTLY:
                start = value if value is not None else base
                value = start + (float(actual) - start) * partly
            claimed = min(max((float(actual) - base) / span, 0.0), 1.0) if span else 0.0
            verified = 0.0 if value is None or not span else min(max((value - base) / span, 0.0), 1.0)
            out[(year, quarter)] = (weight * (claimed - claimed_before), weight * (verified - verified_before))
            claimed_before, verified_before = claimed, verified
        return out


@dataclass
class ItemFacts:
    """What the rules need to know of one item."""

    start: dt.date | None
    end: dt.date | None
    last_year: int
    indicators: list[IndicatorFacts]
    children: list[tuple[Decimal, Decimal, Decimal, str]]  # (weight, claimed, verified, status)
    reports: dict[tuple[int, int], str]  # (year, quarter) → state
    reports_late: int = 0

    def counters(self) -> dict[str, int | float | None]:
        """What the analysis reads of the item without joining its reports and values."""
        return {
            "reports_total": len(self.reports),
            "reports_verified": sum(state in VERIFIED for state in self.reports.values()),
            "reports_late": self.reports_late,
            "last_verified_quarter": max(
                (quarter_number(*period) for period, state in self.reports.items() if state in VERIFIED), default=None
            ),
            "trend_weight": float(sum((i.weight for i in self.indicators if i.actuals), ZERO)),
        }

    def moves(self) -> dict[tuple[int, int], tuple[float, float]]:
        """The item's own indicators' moves by quarter (IndicatorFacts.moves), rounded so that
        an unchanged item compares equal to what is stored."""
        total: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
        for indicator in self.indicators:
            for period, (claimed, verified) in indicator.moves().items():
                total[period][0] += claimed
                total[period][1] += verified
        return {period: (round(c, 9), round(v, 9)) for period, (c, v) in total.items() if c or v}

    def progress(self) -> tuple[Decimal, Decimal]:
        parts = [(i.weight, i.claimed(), i.verified()) for i in self.indicators]
        parts += [(weight, claimed, verified) for weight, claimed, verified, _status in self.children]
        total = sum((w for w, _c, _v in parts), ZERO)
        if not total:
            return ZERO, ZERO
        claimed = sum((w * c for w, c, _v in parts), ZERO) / total
        verified = sum((w * v for w, _c, v in parts), ZERO) / total
        return claimed.quantize(QUANT), verified.quantize(QUANT)


def status_of(facts: ItemFacts, today: dt.date) -> tuple[str, Decimal, Decimal]:
    """(status, claimed progress, verified progress) by the rules in this module's doc."""
    claimed, verified = facts.progress()
    if not facts.indicators and not facts.children:
        return ItemStatus.UNVERIFIABLE, claimed, verified
    if verified >= ONE:
        return ItemStatus.DONE, claimed, verified
    if facts.end is not None and today > facts.end:
        late = (today - facts.end).days > settings.PROGRAMME_NOT_DONE_AFTER_DAYS or today.year > facts.last_year
        return (ItemStatus.NOT_DONE if late else ItemStatus.OVERDUE), claimed, verified
    if facts.start is not None and today < facts.start and not claimed:
        return ItemStatus.NOT_STARTED, claimed, verified
    if _at_risk(facts, today, verified):
        return ItemStatus.AT_RISK, claimed, verified
    return ItemStatus.ON_TRACK, claimed, verified


def _at_risk(facts: ItemFacts, today: dt.date, verified: Decimal) -> bool:
    if any(status in TROUBLE for _w, _c, _v, status in facts.children):
        return True
    if facts.reports:
        latest = facts.reports[max(facts.reports)]
        if latest == ReportState.NOT_CONFIRMED:
            return True
    if facts.indicators and facts.start is not None:
        missed = settings.PROGRAMME_REPORTS_MISSED_QUARTERS
        ended = ended_quarters(facts.start, today)
        if len(ended) >= missed and not any(q in facts.reports for q in ended[-missed:]):
            return True
    if facts.start is not None and facts.end is not None and facts.end > facts.start and today > facts.start:
        elapsed = Decimal((today - facts.start).days) / Decimal((facts.end - facts.start).days)
        if verified < min(elapsed, ONE) - Decimal(str(settings.PROGRAMME_AT_RISK_GAP)):
            return True
    return False


# --- reading the facts and writing the results ---------------------------------------------------


def _facts(items: Sequence[Item], children: dict[str, list[Item]]) -> dict[int, ItemFacts]:
    """The facts of these items, read in three queries; `children` by parent path (already
    recomputed: the tree is walked bottom up)."""
    ids = [item.pk for item in items]
    indicators: dict[int, list[IndicatorFacts]] = defaultdict(list)
    by_indicator: dict[int, IndicatorFacts] = {}
    for ind in Indicator.objects.filter(item_id__in=ids).order_by("pk"):
        facts = IndicatorFacts(baseline=ind.baseline, target=ind.target, weight=ind.weight)
        indicators[ind.item_id].append(facts)
        by_indicator[ind.pk] = facts
    values = (
        IndicatorValue.objects.filter(indicator_id__in=list(by_indicator), actual__isnull=False)
        .order_by("year", "quarter")
        .values_list("indicator_id", "year", "quarter", "actual", "report__state")
    )
    for indicator_id, year, quarter, actual, state in values:
        by_indicator[indicator_id].actuals.append((year, quarter, actual, state))
    reports: dict[int, dict[tuple[int, int], str]] = defaultdict(dict)
    late: dict[int, int] = defaultdict(int)
    for item_id, year, quarter, state, is_late in Report.objects.filter(item_id__in=ids).values_list(
        "item_id", "year", "quarter", "state", "is_late"
    ):
        reports[item_id][(year, quarter)] = state
        late[item_id] += is_late
    out = {}
    for item in items:
        kids_of = children.get(item.path, [])
        starts = [d for d in [item.planned_start, *(k.planned_start for k in kids_of)] if d]
        ends = [d for d in [item.planned_end, *(k.planned_end for k in kids_of)] if d]
        out[item.pk] = ItemFacts(
            start=item.planned_start or (min(starts) if starts else None),
            end=item.planned_end or (max(ends) if ends else None),
            last_year=item.programme.last_year,
            indicators=indicators.get(item.pk, []),
            children=[
                (k.weight, k.progress_claimed, k.progress_verified, k.status_override or k.computed_status)
                for k in kids_of
            ],
            reports=reports.get(item.pk, {}),
            reports_late=late.get(item.pk, 0),
        )
    return out


def _store(
    item: Item,
    status: str,
    claimed: Decimal,
    verified: Decimal,
    now: dt.datetime,
    counters: dict[str, int | float | None],
) -> bool:
    """Write the item's results when they differ from what it holds; True when progress or
    status changed."""
    changed = (item.computed_status, item.progress_claimed, item.progress_verified) != (status, claimed, verified)
    counted = any(getattr(item, name) != value for name, value in counters.items())
    if not changed and not counted:
        return False
    if item.computed_status != status:
        item.status_changed_at = now
    item.computed_status, item.progress_claimed, item.progress_verified = status, claimed, verified
    for name, value in counters.items():
        setattr(item, name, value)
    Item.objects.filter(pk=item.pk).update(
        computed_status=status,
        progress_claimed=claimed,
        progress_verified=verified,
        status_changed_at=item.status_changed_at,
        **counters,
    )
    return changed


def rebuild_cells(pairs: Iterable[tuple[int, int]] | None = None) -> None:
    """Add up the moves of each (programme, branch) in `pairs` again (None: of all)."""
    moves = ProgressMove.objects.all()
    cells = TrendCell.objects.all()
    if pairs is not None:
        pairs = set(pairs)
        if not pairs:
            return

        def either(prefix: str) -> Q:
            return Q(*[Q(**{f"{prefix}programme_id": p, f"{prefix}org_unit_id": u}) for p, u in pairs], _connector=Q.OR)

        cells, moves = cells.filter(either("")), moves.filter(either("item__"))
    totals = (
        moves.order_by()
        .values_list("item__programme_id", "item__org_unit_id", "year", "quarter")
        .annotate(claimed=Sum("claimed"), verified=Sum("verified"))
    )
    rows = [
        TrendCell(programme_id=p, org_unit_id=u, year=y, quarter=q, claimed=c or 0.0, verified=v or 0.0)
        for p, u, y, q, c, v in totals
    ]
    cells.delete()
    TrendCell.objects.bulk_create(rows, batch_size=1000)


def _store_moves(facts: dict[int, ItemFacts]) -> set[int]:
    """Replace the trend moves of the items whose moves differ from the stored ones; returns
    those items."""
    stored: dict[int, dict[tuple[int, int], tuple[float, float]]] = defaultdict(dict)
    for item_id, year, quarter, claimed, verified in ProgressMove.objects.filter(item_id__in=list(facts)).values_list(
        "item_id", "year", "quarter", "claimed", "verified"
    ):
        stored[item_id][(year, quarter)] = (claimed, verified)
    stale, rows = [], []
    for item_id, item_facts in facts.items():
        moves = item_facts.moves()
        if moves != stored.get(item_id, {}):
            stale.append(item_id)
            rows += [
                ProgressMove(item_id=item_id, year=y, quarter=q, claimed=c, verified=v)
                for (y, q), (c, v) in moves.items()
            ]
    if stale:
        ProgressMove.objects.filter(item_id__in=stale).delete()
        ProgressMove.objects.bulk_create(rows, batch_size=1000)
    return set(stale)


@transaction.atomic
def recompute_up(item: Item, *, today: dt.date | None = None) -> list[Item]:
    """Recompute the item and each item above it (after a report, a verdict or an edit).
    Returns those whose shown status changed."""
    today = today or timezone.localdate()
    now = timezone.now()
    chain = [item, *reversed(list(Item.objects.get_ancestors(item).select_related("programme")))]
    changed = []
    below: Item | None = None
    for node in chain:
        kids = list(
            Item.objects.filter(path__startswith=node.path, depth=node.depth + 1).only(*CHILD_FIELDS).order_by("path")
        )
        if below is not None:
            kids = [below if k.pk == below.pk else k for k in kids]
        facts = _facts([node], {node.path: kids})[node.pk]
        before = node.status
        status, claimed, verified = status_of(facts, today)
        _store(node, status, claimed, verified, now, facts.counters())
        if (node is item or facts.indicators) and _store_moves({node.pk: facts}):
            rebuild_cells([(node.programme_id, node.org_unit_id)])
        below = node
        if node.status != before:
            changed.append(node)
    data_changed()
    return changed


def recompute_all(items: Iterable[Item] | None = None, *, today: dt.date | None = None) -> int:
    """Recompute every item (the daily sweep: time alone turns items overdue), deepest first.
    Returns how many changed."""
    today = today or timezone.localdate()
    now = timezone.now()
    rows = list(items) if items is not None else list(Item.objects.select_related("programme").order_by("path"))
    by_depth: dict[int, list[Item]] = defaultdict(list)
    children: dict[str, list[Item]] = defaultdict(list)
    for row in rows:
        by_depth[row.depth].append(row)
        children[row.path[: -Item.steplen]].append(row)
    changed = 0
    moved: set[tuple[int, int]] = set()
    for depth in sorted(by_depth, reverse=True):
        level = by_depth[depth]
        for start in range(0, len(level), 500):
            chunk = level[start : start + 500]
            facts = _facts(chunk, children)
            with transaction.atomic():
                for node in chunk:
                    status, claimed, verified = status_of(facts[node.pk], today)
                    changed += _store(node, status, claimed, verified, now, facts[node.pk].counters())
                stale = _store_moves(facts)
                moved |= {(node.programme_id, node.org_unit_id) for node in chunk if node.pk in stale}
    rebuild_cells(None if items is None else moved)
    data_changed()
    return changed
