"""Writes of projects and their indicators (KPIs).

Each is one transaction that checks `projects.manage` on the project's leading branch, refuses
bad input with field errors (and changes nothing then), and writes an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from amanat.audit import services as audit
from amanat.core.permissions import has_action
from amanat.org.models import OrgUnit
from amanat.projects.models import Project, ProjectKPI
from amanat.projects.permissions import ProjectAction

PROJECT_FIELDS = (
    *("code", "title_kk", "title_ru", "title_en", "description_kk", "description_ru", "description_en"),
    *("goals_kk", "goals_ru", "goals_en", "org_unit", "is_public"),
)
RESERVED_CODES = {"events", "signed-up", "cancel"}  # public addresses under /projects/
KPI_FIELDS = ("name_kk", "name_ru", "name_en", "measure_kk", "measure_ru", "measure_en", "yearly_target", "position")


def need_manage(actor: Any, unit: OrgUnit | None) -> None:
    if unit is None or not has_action(actor, ProjectAction.MANAGE, unit):
        raise PermissionDenied


def _changes(obj: Any, values: Mapping[str, Any]) -> dict[str, list[str]]:
    changes = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [str(before if before is not None else ""), str(value if value is not None else "")]
    return changes


def _project_errors(values: Mapping[str, Any], *, pk: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    code = (values.get("code") or "").strip()
    if not code:
        errors["code"] = [_("Give the project a short code (Latin letters, digits and dashes).")]
    elif code in RESERVED_CODES:
        errors["code"] = [_("This code is reserved by the site: choose another.")]
    elif Project.all_objects.filter(code=code).exclude(pk=pk).exists():
        errors["code"] = [_("Another project already has this code.")]
    if not (values.get("title_kk") or "").strip():
        errors["title_kk"] = [_("Give the title in Kazakh.")]
    if not (values.get("title_ru") or "").strip():
        errors["title_ru"] = [_("Give the title in Russian.")]
    if values.get("org_unit") is None:
        errors["org_unit"] = [_("Choose the leading branch.")]
    return errors


@transaction.atomic
def project_create(*, actor: Any, values: Mapping[str, Any], units: Iterable[OrgUnit] = ()) -> Project:
    """Add a project led by a branch the actor manages; `units` are the units taking part."""
    values = {name: values[name] for name in PROJECT_FIELDS if name in values}
    need_manage(actor, values.get("org_unit"))
    if errors := _project_errors(values, pk=None):
        raise ValidationError(errors)
    project = Project.objects.create(**values)
    project.units.set(list(units))
    audit.record(
        actor=actor,
        verb="projects.project_created",
        target=project,
        data={"code": project.code, "units": [u.pk for u in project.units.all()]},
    )
    return project


@transaction.atomic
def project_update(
    *, actor: Any, project: Project, values: Mapping[str, Any], units: Iterable[OrgUnit] | None = None
) -> Project:
    """Change a project's texts, leading branch, publication and taking-part units."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    need_manage(actor, project.org_unit)
    values = {name: values[name] for name in PROJECT_FIELDS if name in values}
    if values.get("org_unit") is not None and values["org_unit"] != project.org_unit:
        need_manage(actor, values["org_unit"])
    merged = {name: getattr(project, name) for name in PROJECT_FIELDS} | values
    if errors := _project_errors(merged, pk=project.pk):
        raise ValidationError(errors)
    changes = _changes(project, values)
    for name, value in values.items():
        setattr(project, name, value)
    project.save()
    if units is not None:
        before = sorted(project.units.values_list("pk", flat=True))
        project.units.set(list(units))
        after = sorted(project.units.values_list("pk", flat=True))
        if before != after:
            changes["units"] = [str(before), str(after)]
    if changes:
        audit.record(actor=actor, verb="projects.project_updated", target=project, changes=changes)
    return project


@transaction.atomic
def project_delete(*, actor: Any, project: Project) -> None:
    """Hide a project (kept, audited); its events stay in the unit's history."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    need_manage(actor, project.org_unit)
    project.soft_delete(actor=actor)
    audit.record(actor=actor, verb="projects.project_deleted", target=project, data={"code": project.code})


def _kpi_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (values.get("name_kk") or "").strip():
        errors["name_kk"] = [_("Give the name in Kazakh.")]
    if not (values.get("name_ru") or "").strip():
        errors["name_ru"] = [_("Give the name in Russian.")]
    if not (values.get("measure_kk") or "").strip() or not (values.get("measure_ru") or "").strip():
        errors["measure_ru"] = [_("Give the unit of measure in Kazakh and Russian (tonnes, people, trees…).")]
    target = values.get("yearly_target")
    if target is not None and Decimal(target) < 0:
        errors["yearly_target"] = [_("A target cannot be negative.")]
    return errors


@transaction.atomic
def kpi_create(*, actor: Any, project: Project, values: Mapping[str, Any]) -> ProjectKPI:
    """Add an indicator to the project."""
    need_manage(actor, project.org_unit)
    values = {name: values[name] for name in KPI_FIELDS if name in values and values[name] is not None}
    if errors := _kpi_errors(values):
        raise ValidationError(errors)
    kpi = ProjectKPI.objects.create(project=project, **values)
    audit.record(actor=actor, verb="projects.kpi_created", target=kpi, data={"project": project.pk})
    return kpi


@transaction.atomic
def kpi_update(*, actor: Any, kpi: ProjectKPI, values: Mapping[str, Any]) -> ProjectKPI:
    """Change an indicator's names, measure or yearly target."""
    kpi = ProjectKPI.objects.select_for_update().select_related("project__org_unit").get(pk=kpi.pk)
    need_manage(actor, kpi.project.org_unit)
    values = {name: values[name] for name in KPI_FIELDS if name in values}
    values["position"] = values.get("position") or 0
    merged = {name: getattr(kpi, name) for name in KPI_FIELDS} | values
    if errors := _kpi_errors(merged):
        raise ValidationError(errors)
    changes = _changes(kpi, values)
    for name, value in values.items():
        setattr(kpi, name, value)
    kpi.save()
    if changes:
        audit.record(actor=actor, verb="projects.kpi_updated", target=kpi, changes=changes)
    return kpi
