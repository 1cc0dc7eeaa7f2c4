"""Writes for the structure: territories and org units here; maslikhats, factions and deputies
in `structure_deputies.py`, state bodies and officials in `structure_bodies.py` — all re-exported
from this module, which callers import.

Every function checks the actor's permission, validates field by field (ValidationError keyed by
field name, so forms and the API show each message beside its field), changes nothing on bad
input, and records one audit event with the changed fields before → after.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from amanat.audit.services import diff, record, snapshot
from amanat.core.permissions import in_subtree, require
from amanat.org.choices import MemberStatus, OrgUnitKind, TerritoryKind
from amanat.org.models import ALLOWED_CHILDREN, Member, OrgUnit, Territory
from amanat.org.permissions import OrgAction
from amanat.org.selectors.structure import can_change_territories, children_q
from amanat.org.services.structure_base import (
    StructureVerb,
    assign,
    created_changes,
    kind_message,
    save_or_explain,
    validate,
)
from amanat.org.services.structure_bodies import (
    official_appoint,
    official_appoint_with_person,
    official_end,
    official_update,
    statebody_create,
    statebody_update,
)
from amanat.org.services.structure_deputies import (
    deputy_create,
    deputy_create_with_person,
    deputy_update,
    faction_create,
    faction_update,
    maslikhat_create,
    maslikhat_update,
)

TERRITORY_FIELDS = ("kato", "kato_version", "kind", "name_kk", "name_ru", "name_en", "is_centre")
TERRITORY_ROOT_KINDS: tuple[str, ...] = (TerritoryKind.REGION,)
TERRITORY_CHILDREN: dict[str, tuple[str, ...]] = {
    TerritoryKind.REGION: (TerritoryKind.CITY, TerritoryKind.DISTRICT),
    TerritoryKind.CITY: (TerritoryKind.DISTRICT, TerritoryKind.RURAL_OKRUG, TerritoryKind.SETTLEMENT),
    TerritoryKind.DISTRICT: (TerritoryKind.RURAL_OKRUG, TerritoryKind.SETTLEMENT),
    TerritoryKind.RURAL_OKRUG: (TerritoryKind.SETTLEMENT,),
    TerritoryKind.SETTLEMENT: (),
}

UNIT_FIELDS = (
    "kind",
    "code",
    "name_kk",
    "name_ru",
    "name_en",
    "territory",
    "address_kk",
    "address_ru",
    "address_en",
    "phone",
    "email",
    "hosts_reception",
)


# --- territories -----------------------------------------------------------------------------


def require_territory_change(actor: Any) -> None:
    if not can_change_territories(actor):
        raise PermissionDenied


def _territory_checks(territory: Territory, parent: Territory | None) -> Callable[[], dict[str, Any]]:
    def check() -> dict[str, Any]:
        errors: dict[str, Any] = {}
        if territory.kato and Territory.objects.filter(kato=territory.kato).exclude(pk=territory.pk).exists():
            errors["kato"] = _("Another territory already has this KATO code.")
        if territory.kind:
            allowed = TERRITORY_CHILDREN.get(parent.kind, ()) if parent else TERRITORY_ROOT_KINDS
            if territory.kind not in allowed:
                errors["kind"] = kind_message(parent, allowed, TerritoryKind)
            elif territory.pk:
                kids = set(Territory.objects.filter(children_q(territory)).values_list("kind", flat=True))
                if kids - set(TERRITORY_CHILDREN.get(territory.kind, ())):
                    errors["kind"] = _("Territories already under this one do not fit the new kind.")
        return errors

    return check


@transaction.atomic
def territory_create(*, actor: Any, parent: Territory | None, **fields: Any) -> Territory:
    """Add a place to the KATO tree (under parent, or a new region at the top)."""
    require_territory_change(actor)
    territory = Territory()
    names = assign(territory, fields, TERRITORY_FIELDS)
    check = _territory_checks(territory, parent)
    validate(territory, check)
    if parent is None:
        save_or_explain(lambda: Territory.objects.add_root(instance=territory), check)
    else:
        save_or_explain(lambda: Territory.objects.add_child(parent, instance=territory), check)
    record(
        actor=actor, verb=StructureVerb.TERRITORY_CREATED, target=territory, changes=created_changes(territory, names)
    )
    return territory


@transaction.atomic
def territory_update(*, actor: Any, territory: Territory, changes: Mapping[str, Any]) -> Territory:
    """Change a territory's code, kind or names; the kind must still fit its parent and children."""
    require_territory_change(actor)
    territory = Territory.objects.select_for_update().get(pk=territory.pk)
    names = [f for f in TERRITORY_FIELDS if f in changes]
    before = snapshot(territory, names)
    assign(territory, changes, TERRITORY_FIELDS)
    check = _territory_checks(territory, Territory.objects.get_parent(territory))
    validate(territory, check)
    save_or_explain(territory.save, check)
    changed = diff(before, snapshot(territory, names))
    if changed:
        record(actor=actor, verb=StructureVerb.TERRITORY_CHANGED, target=territory, changes=changed)
    return territory


# --- org units -------------------------------------------------------------------------------


def _unit_checks(unit: OrgUnit, parent: OrgUnit | None) -> Callable[[], dict[str, Any]]:
    def check() -> dict[str, Any]:
        errors: dict[str, Any] = {}
        if unit.code and OrgUnit.objects.filter(code=unit.code).exclude(pk=unit.pk).exists():
            errors["code"] = _("Another unit already uses this code.")
        if parent is not None and unit.kind and unit.kind not in ALLOWED_CHILDREN.get(parent.kind, ()):
            errors["kind"] = kind_message(parent, ALLOWED_CHILDREN.get(parent.kind, ()), OrgUnitKind)
        return errors

    return check


@transaction.atomic
def org_unit_create(*, actor: Any, parent: OrgUnit, **fields: Any) -> OrgUnit:
    """Create a unit under parent (a district branch under the regional one, a primary under a
    district…). The kind must be one the parent may hold (OrgUnit.ALLOWED_CHILDREN)."""
    require(actor, OrgAction.CHANGE_UNIT, parent)
    if not parent.is_active:
        raise ValidationError({"parent": [_("Units cannot be created under an inactive unit.")]})
    unit = OrgUnit()
    unit._intended_parent = parent  # type: ignore[attr-defined]  # read by OrgUnit.clean
    names = assign(unit, fields, UNIT_FIELDS)
    check = _unit_checks(unit, parent)
    validate(unit, check)
    save_or_explain(lambda: OrgUnit.objects.add_child(parent, instance=unit), check)
    record(actor=actor, verb=StructureVerb.UNIT_CREATED, target=unit, changes=created_changes(unit, names))
    return unit


@transaction.atomic
def org_unit_update(*, actor: Any, unit: OrgUnit, changes: Mapping[str, Any]) -> OrgUnit:
    """Change a unit's names, code, territory, address, contacts or reception flag.

    The kind is fixed once the unit exists: members, positions and grants depend on it.
    """
    require(actor, OrgAction.CHANGE_UNIT, unit)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if "kind" in changes and changes["kind"] != unit.kind:
        raise ValidationError({"kind": [_("The kind of a unit cannot be changed: create a new unit instead.")]})
    names = [f for f in UNIT_FIELDS if f in changes]
    before = snapshot(unit, names)
    assign(unit, changes, UNIT_FIELDS)
    check = _unit_checks(unit, None)
    validate(unit, check)
    save_or_explain(unit.save, check)
    changed = diff(before, snapshot(unit, names))
    if changed:
        record(actor=actor, verb=StructureVerb.UNIT_CHANGED, target=unit, changes=changed)
    return unit


@transaction.atomic
def org_unit_deactivate(*, actor: Any, unit: OrgUnit, reason: str = "") -> OrgUnit:
    """Close a unit. Refused while it (or a unit under it) has active members or active units."""
    require(actor, OrgAction.CHANGE_UNIT, unit)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        raise ValidationError(_("This unit is already inactive."))
    if OrgUnit.objects.filter(children_q(unit), is_active=True).exists():
        raise ValidationError(_("Units under this one are still active: deactivate them first."))
    active = Member.objects.filter(in_subtree("org_unit", unit), status=MemberStatus.ACTIVE).count()
    if active:
        raise ValidationError(
            ngettext(
                "This unit has %(count)s active member: transfer them or end their membership first.",
                "This unit has %(count)s active members: transfer them or end their membership first.",
                active,
            )
            % {"count": active}
        )
    unit.is_active = False
    unit.save(update_fields=["is_active", "updated_at"])
    record(
        actor=actor,
        verb=StructureVerb.UNIT_DEACTIVATED,
        target=unit,
        changes={"is_active": [True, False]},
        data={"reason": (reason or "").strip()[:500]},
    )
    return unit


@transaction.atomic
def org_unit_reactivate(*, actor: Any, unit: OrgUnit) -> OrgUnit:
    """Open a closed unit again; its parent must be active."""
    require(actor, OrgAction.CHANGE_UNIT, unit)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_active:
        raise ValidationError(_("This unit is already active."))
    parent = OrgUnit.objects.get_parent(unit)
    if parent is not None and not parent.is_active:
        raise ValidationError(_("The unit above this one is inactive: reactivate it first."))
    unit.is_active = True
    unit.save(update_fields=["is_active", "updated_at"])
    record(actor=actor, verb=StructureVerb.UNIT_REACTIVATED, target=unit, changes={"is_active": [False, True]})
    return unit


__all__ = [
    "StructureVerb",
    "deputy_create",
    "deputy_create_with_person",
    "deputy_update",
    "faction_create",
    "faction_update",
    "maslikhat_create",
    "maslikhat_update",
    "official_appoint",
    "official_appoint_with_person",
    "official_end",
    "official_update",
    "org_unit_create",
    "org_unit_deactivate",
    "org_unit_reactivate",
    "org_unit_update",
    "statebody_create",
    "statebody_update",
    "territory_create",
    "territory_update",
]
