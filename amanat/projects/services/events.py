"""Writes of events, their shifts and their results.

An event belongs to a unit taking part in its project (the leading branch's subtree, or a
taking-part unit's subtree); `projects.manage` on that unit is needed to create or change it,
its shifts and its results. An event or a shift that ends before it starts, a shift outside its
event, fewer places than volunteers already signed up, and a negative result are refused with
field errors and change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amanat.audit import services as audit
from amanat.org.models import OrgUnit
from amanat.projects.models import Event, EventResult, Project, ProjectKPI, Shift
from amanat.projects.services.projects import _changes, need_manage

EVENT_FIELDS = (
    *("org_unit", "title_kk", "title_ru", "title_en", "description_kk", "description_ru", "description_en"),
    *("kind", "starts_at", "ends_at", "territory", "address"),
)


def unit_takes_part(project: Project, unit: OrgUnit) -> bool:
    """Whether the unit may hold the project's events: the leading branch itself, or a unit under
    one of the units taking part (under the leading branch when no units are named)."""
    if unit.pk == project.org_unit_id:
        return True
    paths = list(project.units.values_list("path", flat=True)) or [project.org_unit.path]
    return any(unit.path.startswith(p) for p in paths)


def _event_errors(project: Project, values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not any((values.get(f"title_{code}") or "").strip() for code in ("kk", "ru", "en")):
        errors["title_kk"] = [_("Give the event a title (in Kazakh or Russian).")]
    unit = values.get("org_unit")
    if unit is None:
        errors["org_unit"] = [_("Choose the organising unit.")]
    elif not unit_takes_part(project, unit):
        errors["org_unit"] = [_("This unit does not take part in the project.")]
    start, end = values.get("starts_at"), values.get("ends_at")
    if start is None:
        errors["starts_at"] = [_("Give the start date and time.")]
    if end is None:
        errors["ends_at"] = [_("Give the end date and time.")]
    if start and end and end <= start:
        errors["ends_at"] = [_("The event cannot end before it starts.")]
    return errors


@transaction.atomic
def event_create(*, actor: Any, project: Project, values: Mapping[str, Any]) -> Event:
    """Add an event of the project, held by a unit the actor manages."""
    values = {name: values[name] for name in EVENT_FIELDS if name in values}
    need_manage(actor, values.get("org_unit"))
    if errors := _event_errors(project, values):
        raise ValidationError(errors)
    event = Event.objects.create(project=project, **values)
    audit.record(
        actor=actor,
        verb="projects.event_created",
        target=event,
        data={"project": project.pk, "starts_at": event.starts_at},
    )
    return event


@transaction.atomic
def event_update(*, actor: Any, event: Event, values: Mapping[str, Any]) -> Event:
    """Change an event's texts, unit, time or place. Its shifts must still fit in it."""
    event = Event.objects.select_for_update().select_related("project__org_unit", "org_unit").get(pk=event.pk)
    need_manage(actor, event.org_unit)
    values = {name: values[name] for name in EVENT_FIELDS if name in values}
    if values.get("org_unit") is not None and values["org_unit"] != event.org_unit:
        need_manage(actor, values["org_unit"])
    merged = {name: getattr(event, name) for name in EVENT_FIELDS} | values
    errors = _event_errors(event.project, merged)
    if not errors:
        outside = event.shifts.exclude(starts_at__gte=merged["starts_at"], ends_at__lte=merged["ends_at"])
        if outside.exists():
            errors["starts_at"] = [_("Some shifts would fall outside the event: change them first.")]
    if errors:
        raise ValidationError(errors)
    changes = _changes(event, values)
    for name, value in values.items():
        setattr(event, name, value)
    event.save()
    if changes:
        audit.record(actor=actor, verb="projects.event_updated", target=event, changes=changes)
    return event


@transaction.atomic
def event_delete(*, actor: Any, event: Event) -> None:
    """Hide an event (kept and audited). One with volunteers' confirmed hours or results is kept."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    need_manage(actor, event.org_unit)
    if event.results.exists() or event.shifts.filter(signups__status="attended").exists():
        raise ValidationError(
            {"event": [_("The event has results or confirmed volunteer hours: it cannot be removed.")]}
        )
    event.soft_delete(actor=actor)
    audit.record(actor=actor, verb="projects.event_deleted", target=event)


def _shift_errors(
    event: Event, starts_at: dt.datetime | None, ends_at: dt.datetime | None, capacity: Any, taken: int = 0
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors["starts_at"] = [_("Give the start date and time.")]
    if ends_at is None:
        errors["ends_at"] = [_("Give the end date and time.")]
    if starts_at and ends_at:
        if ends_at <= starts_at:
            errors["ends_at"] = [_("The shift cannot end before it starts.")]
        elif starts_at < event.starts_at or ends_at > event.ends_at:
            errors["starts_at"] = [_("The shift must lie within the event's time.")]
    if capacity is None or int(capacity) < 1:
        errors["capacity"] = [_("A shift needs at least one place.")]
    elif int(capacity) < taken:
        errors["capacity"] = [
            _("%(count)s volunteers have already signed up: the shift cannot have fewer places.") % {"count": taken}
        ]
    return errors


@transaction.atomic
def shift_create(
    *, actor: Any, event: Event, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int, note: str = ""
) -> Shift:
    """Add a shift with places for volunteers to the event."""
    need_manage(actor, event.org_unit)
    if errors := _shift_errors(event, starts_at, ends_at, capacity):
        raise ValidationError(errors)
    shift = Shift.objects.create(event=event, starts_at=starts_at, ends_at=ends_at, capacity=capacity, note=note)
    audit.record(actor=actor, verb="projects.shift_created", target=shift, data={"capacity": capacity})
    return shift


@transaction.atomic
def shift_update(
    *, actor: Any, shift: Shift, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int, note: str = ""
) -> Shift:
    """Change a shift's time or places (never fewer places than volunteers signed up)."""
    shift = Shift.objects.select_for_update().select_related("event__org_unit").get(pk=shift.pk)
    need_manage(actor, shift.event.org_unit)
    if errors := _shift_errors(shift.event, starts_at, ends_at, capacity, taken=shift.taken):
        raise ValidationError(errors)
    values = {"starts_at": starts_at, "ends_at": ends_at, "capacity": capacity, "note": note}
    changes = _changes(shift, values)
    for name, value in values.items():
        setattr(shift, name, value)
    shift.save()
    if changes:
        audit.record(actor=actor, verb="projects.shift_updated", target=shift, changes=changes)
    return shift


@transaction.atomic
def result_save(
    *, actor: Any, event: Event, kpi: ProjectKPI, value: Any, note: str = "", now: dt.datetime | None = None
) -> EventResult:
    """Record (or correct) what the event achieved on one of its project's indicators."""
    event = Event.objects.select_related("org_unit").get(pk=event.pk)
    need_manage(actor, event.org_unit)
    errors: dict[str, list[str]] = {}
    if kpi.project_id != event.project_id:
        errors["kpi"] = [_("The indicator belongs to another project.")]
    try:
        amount = Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        errors["value"] = [_("Give the result as a number.")]
    elif amount < 0:
        errors["value"] = [_("A result cannot be negative.")]
    elif amount >= Decimal("1e12"):
        errors["value"] = [_("The number is too large.")]
    if event.starts_at > (now or timezone.now()):
        errors["event"] = [_("Results are entered once the event has begun.")]
    if errors:
        raise ValidationError(errors)
    result = EventResult.objects.select_for_update().filter(event=event, kpi=kpi).first()
    before = None
    if result is None:
        result = EventResult.objects.create(event=event, kpi=kpi, value=amount, note=note, entered_by=actor)
    else:
        before = result.value
        result.value, result.note, result.entered_by = amount, note, actor
        result.save()
    audit.record(
        actor=actor,
        verb="projects.result_saved",
        target=result,
        data={"event": event.pk, "kpi": kpi.pk},
        changes={"value": [str(before) if before is not None else "", str(amount)]},
    )
    return result
