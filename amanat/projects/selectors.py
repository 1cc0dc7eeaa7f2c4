"""Reads of the projects module: what a user may see, the public lists, totals and the ranking of
units by contribution.

Staff see a project when its leading branch, one of its taking-part units or one of its events'
units is in their scope; events, shifts, sign-ups and results by the event's unit. The public
sees public projects and their events, and volunteers only as counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone

from amanat.core.permissions import get_visible_or_404, scope_q
from amanat.org.choices import OrgUnitKind
from amanat.org.models import OrgUnit
from amanat.projects.choices import SignUpStatus
from amanat.projects.models import Event, EventResult, Project, ProjectKPI, Shift, SignUp
from amanat.projects.permissions import ProjectAction

MAX_ID = 2**31 - 1


def projects_for(user: Any, action: str = ProjectAction.VIEW) -> QuerySet[Project]:
    """Projects the user may see: led, joined or with events in the user's scope."""
    lead = scope_q(user, action, "org_unit")
    if lead is None:
        return Project.objects.none()
    if lead == Q():
        return Project.objects.all()
    joined = scope_q(user, action, "pk")  # units in scope, as a filter on OrgUnit ids
    units_in_scope = OrgUnit.objects.filter(joined) if joined is not None else OrgUnit.objects.none()
    events = Event.objects.filter(project=OuterRef("pk"), org_unit__in=units_in_scope)
    return Project.objects.filter(lead | Q(units__in=units_in_scope) | Exists(events)).distinct()


def project_get(user: Any, pk: Any, action: str = ProjectAction.VIEW) -> Project:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_ID:
        raise Http404
    project = projects_for(user, action).select_related("org_unit").filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def events_for(user: Any, action: str = ProjectAction.VIEW) -> QuerySet[Event]:
    return Event.objects.visible_to(user, action).filter(project__deleted_at__isnull=True)


def event_get(user: Any, pk: Any, action: str = ProjectAction.VIEW) -> Event:
    try:
        if not 0 < int(pk) <= MAX_ID:
            raise Http404
    except (TypeError, ValueError):
        raise Http404 from None
    return get_visible_or_404(
        Event.objects.select_related("project__org_unit", "org_unit", "territory").filter(
            project__deleted_at__isnull=True
        ),
        user,
        action,
        pk=pk,
    )


def signups_for(user: Any, action: str = ProjectAction.VIEW) -> QuerySet[SignUp]:
    return SignUp.objects.visible_to(user, action).filter(shift__event__deleted_at__isnull=True)


# --- the public site ------------------------------------------------------------------------


def public_projects() -> QuerySet[Project]:
    return Project.objects.filter(is_public=True)


def public_events() -> QuerySet[Event]:
    return Event.objects.filter(project__is_public=True, project__deleted_at__isnull=True)


def upcoming_events(project: Project | None = None, *, limit: int | None = None) -> list[Event]:
    """Public events not yet over, soonest first, each with `shift_list` (free places known)."""
    qs = public_events().filter(ends_at__gt=timezone.now()).select_related("project", "org_unit", "territory")
    if project is not None:
        qs = qs.filter(project=project)
    qs = qs.order_by("starts_at", "pk")
    events = list(qs[:limit] if limit else qs)
    shifts: dict[int, list[Shift]] = defaultdict(list)
    for shift in Shift.objects.filter(event__in=[e.pk for e in events]).order_by("starts_at", "pk"):
        shifts[shift.event_id].append(shift)
    for event in events:
        event.shift_list = shifts[event.pk]
        event.free_places = sum(s.free for s in event.shift_list if s.starts_at > timezone.now())
    return events


@dataclass
class KpiTotal:
    kpi: ProjectKPI
    by_year: dict[int, Decimal] = field(default_factory=dict)

    def share(self, year: int) -> int | None:
        if not self.kpi.yearly_target:
            return None
        return min(int(self.by_year.get(year, Decimal(0)) * 100 / self.kpi.yearly_target), 999)


def project_totals(project: Project) -> dict[str, Any]:
    """The project's results per indicator and year, with events held, volunteers and hours."""
    now = timezone.now()
    kpis = list(project.kpis.all())
    totals = {k.pk: KpiTotal(kpi=k) for k in kpis}
    rows = (
        EventResult.objects.filter(event__project=project, event__deleted_at__isnull=True)
        .annotate(year=ExtractYear("event__starts_at"))
        .values("kpi_id", "year")
        .annotate(total=Sum("value"))
        .order_by()
    )
    years: set[int] = set()
    for row in rows:
        if row["kpi_id"] in totals:
            totals[row["kpi_id"]].by_year[row["year"]] = row["total"]
            years.add(row["year"])
    held = Event.objects.filter(project=project, ends_at__lte=now)
    attended = SignUp.objects.filter(shift__event__project=project, shift__event__deleted_at__isnull=True)
    work = attended.filter(status=SignUpStatus.ATTENDED).aggregate(hours=Sum("hours"), people=Count("pk"))
    years.add(timezone.localdate().year)
    return {
        "kpis": [totals[k.pk] for k in kpis],
        "years": sorted(years, reverse=True),
        "events_held": held.count(),
        "volunteers": work["people"] or 0,
        "hours": work["hours"] or Decimal(0),
    }


@dataclass
class UnitContribution:
    unit: OrgUnit
    events: int = 0
    hours: Decimal = Decimal(0)
    volunteers: int = 0
    results: dict[int, Decimal] = field(default_factory=dict)
    rank: int = 0


def _branch_of(path: str, branches: list[OrgUnit]) -> OrgUnit | None:
    best = None
    for unit in branches:
        if path.startswith(unit.path) and (best is None or len(unit.path) > len(best.path)):
            best = unit
    return best


def ranking(*, project: Project | None = None, year: int | None = None, public: bool = True) -> list[UnitContribution]:
    """City and district branches ranked by what their units did (events held, volunteer hours,
    then volunteers): a primary's events count for its branch. Only public projects when `public`."""
    now = timezone.now()
    events = Event.objects.filter(ends_at__lte=now, project__deleted_at__isnull=True)
    if public:
        events = events.filter(project__is_public=True)
    if project is not None:
        events = events.filter(project=project)
    if year is not None:
        events = events.filter(starts_at__year=year)
    by_unit: dict[int, dict[str, Any]] = defaultdict(lambda: {"events": 0, "hours": Decimal(0), "people": 0})
    for row in events.values("org_unit_id").annotate(n=Count("pk")).order_by():
        by_unit[row["org_unit_id"]]["events"] = row["n"]
    work = (
        SignUp.objects.filter(status=SignUpStatus.ATTENDED, shift__event__in=events.values("pk"))
        .values("shift__event__org_unit_id")
        .annotate(hours=Sum("hours"), people=Count("pk"))
        .order_by()
    )
    for row in work:
        entry = by_unit[row["shift__event__org_unit_id"]]
        entry["hours"], entry["people"] = row["hours"] or Decimal(0), row["people"]
    results: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if project is not None:
        for row in (
            EventResult.objects.filter(event__in=events.values("pk"))
            .values("event__org_unit_id", "kpi_id")
            .annotate(total=Sum("value"))
            .order_by()
        ):
            results[row["event__org_unit_id"]][row["kpi_id"]] = row["total"]
    if not by_unit:
        return []
    units = OrgUnit.objects.in_bulk(list(by_unit))
    branches = list(OrgUnit.objects.filter(kind__in=(OrgUnitKind.CITY, OrgUnitKind.DISTRICT)))
    rolled: dict[int, UnitContribution] = {}
    for unit_id, entry in by_unit.items():
        unit = units.get(unit_id)
        if unit is None:
            continue
        branch = _branch_of(unit.path, branches) or unit
        row = rolled.setdefault(branch.pk, UnitContribution(unit=branch))
        row.events += entry["events"]
        row.hours += entry["hours"]
        row.volunteers += entry["people"]
        for kpi_id, total in results.get(unit_id, {}).items():
            row.results[kpi_id] = row.results.get(kpi_id, Decimal(0)) + total
    rows = sorted(rolled.values(), key=lambda r: (-r.events, -r.hours, -r.volunteers, str(r.unit.name)))
    for position, row in enumerate(rows, start=1):
        row.rank = position
    return rows
