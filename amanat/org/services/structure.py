"""Writes for the structure: territories, org units, maslikhats, factions and deputies.

State bodies and officials are in `structure_bodies.py` (re-exported here). Every function checks
the actor's permission, validates field by field (ValidationError keyed by field name, so forms
and the API show each message beside its field), changes nothing on bad input, and records one
audit event with the changed fields before → after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from amanat.audit.services import diff, record, register_verbs, snapshot
from amanat.core.permissions import has_action, require
from amanat.org.choices import FactionRole, MaslikhatLevel, MemberStatus, OrgUnitKind, TerritoryKind
from amanat.org.models import ALLOWED_CHILDREN, Deputy, Faction, Maslikhat, Member, OrgUnit, Person, Territory
from amanat.org.permissions import OrgAction
from amanat.org.selectors.structure import can_change_territories, children_q


class StructureVerb(models.TextChoices):
    TERRITORY_CREATED = "org.territory_created", _("Territory added")
    TERRITORY_CHANGED = "org.territory_changed", _("Territory changed")
    UNIT_CREATED = "org.unit_created", _("Org unit created")
    UNIT_CHANGED = "org.unit_changed", _("Org unit changed")
    UNIT_DEACTIVATED = "org.unit_deactivated", _("Org unit deactivated")
    UNIT_REACTIVATED = "org.unit_reactivated", _("Org unit reactivated")
    MASLIKHAT_CREATED = "org.maslikhat_created", _("Maslikhat added")
    MASLIKHAT_CHANGED = "org.maslikhat_changed", _("Maslikhat changed")
    FACTION_CREATED = "org.faction_created", _("Party faction formed")
    FACTION_CHANGED = "org.faction_changed", _("Party faction changed")
    DEPUTY_ADDED = "org.deputy_added", _("Deputy added")
    DEPUTY_CHANGED = "org.deputy_changed", _("Deputy's details changed")
    STATE_BODY_CREATED = "org.state_body_created", _("State body added")
    STATE_BODY_CHANGED = "org.state_body_changed", _("State body changed")
    OFFICIAL_APPOINTED = "org.official_appointed", _("Official appointed")
    OFFICIAL_CHANGED = "org.official_changed", _("Official's post changed")
    OFFICIAL_ENDED = "org.official_ended", _("Official's term ended")


register_verbs({v.value: v.label for v in StructureVerb})

TREE_FIELDS = ("path", "depth", "numchild")

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

MASLIKHAT_FIELDS = (
    "level",
    "territory",
    "org_unit",
    "convocation",
    "name_kk",
    "name_ru",
    "name_en",
    "elected_on",
    "seats",
)
MASLIKHAT_TERRITORY = {
    MaslikhatLevel.REGIONAL: TerritoryKind.REGION,
    MaslikhatLevel.CITY: TerritoryKind.CITY,
    MaslikhatLevel.DISTRICT: TerritoryKind.DISTRICT,
}
FACTION_FIELDS = ("name_kk", "name_ru", "name_en")
DEPUTY_FIELDS = (
    "constituency_number",
    "constituency_name",
    "constituency_territory",
    "term_start",
    "term_end",
    "faction",
    "faction_role",
)


# --- shared helpers --------------------------------------------------------------------------


def kinds_text(kinds: Iterable[str], choices: type[models.TextChoices]) -> str:
    return ", ".join(str(choices(k).label) for k in kinds)


def assign(obj: models.Model, fields: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set fields on obj; a field the use case does not know is a programming error."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(obj, name, "" if value is None and _is_text(obj, name) else value)
    return [f for f in allowed if f in fields]


def _is_text(obj: models.Model, name: str) -> bool:
    field = obj._meta.get_field(name)
    return isinstance(field, models.CharField | models.TextField) and not field.null


def validate(obj: models.Model, *checks: Callable[[], dict[str, Any]], exclude: Iterable[str] = ()) -> None:
    """Run the model's field validation and the use case's checks; raise every error at once."""
    errors: dict[str, list[Any]] = {}
    try:
        obj.full_clean(exclude=[*TREE_FIELDS, *exclude], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = {name: list(messages) for name, messages in exc.message_dict.items()}
    for check in checks:
        # The use case's own message is the more precise one: it replaces the model's.
        errors.update({name: [message] for name, message in check().items()})
    if errors:
        raise ValidationError(errors)


def save_or_explain(save: Callable[[], Any], check: Callable[[], dict[str, Any]]) -> Any:
    """Save; when a concurrent request wins a unique constraint (a code, a tree path), say which
    field clashes now, or ask to try again."""
    try:
        with transaction.atomic():
            return save()
    except IntegrityError as exc:
        errors = check()
        if errors:
            raise ValidationError({name: [message] for name, message in errors.items()}) from exc
        raise ValidationError(_("Someone changed the same records at this moment: please try again.")) from exc


def _created(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return diff({}, snapshot(obj, fields))


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
                errors["kind"] = _kind_message(parent, allowed, TerritoryKind)
            elif territory.pk:
                kids = set(Territory.objects.filter(children_q(territory)).values_list("kind", flat=True))
                if kids - set(TERRITORY_CHILDREN.get(territory.kind, ())):
                    errors["kind"] = _("Territories already under this one do not fit the new kind.")
        return errors

    return check


def _kind_message(parent: Any, allowed: Iterable[str], choices: type[models.TextChoices]) -> Any:
    allowed = tuple(allowed)
    if parent is None:
        return _("At the top level only these kinds are allowed: %(kinds)s.") % {"kinds": kinds_text(allowed, choices)}
    if not allowed:
        return _("Nothing can be placed under “%(parent)s”.") % {"parent": parent}
    return _("Under “%(parent)s” only these kinds are allowed: %(kinds)s.") % {
        "parent": parent,
        "kinds": kinds_text(allowed, choices),
    }


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
    record(actor=actor, verb=StructureVerb.TERRITORY_CREATED, target=territory, changes=_created(territory, names))
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
            errors["kind"] = _kind_message(parent, ALLOWED_CHILDREN.get(parent.kind, ()), OrgUnitKind)
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
    record(actor=actor, verb=StructureVerb.UNIT_CREATED, target=unit, changes=_created(unit, names))
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
    active = Member.objects.filter(org_unit__path__startswith=unit.path, status=MemberStatus.ACTIVE)
    if active.exists():
        raise ValidationError(
            _("This unit has %(count)s active members: transfer them or end their membership first.")
            % {"count": active.count()}
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


# --- maslikhats and factions -----------------------------------------------------------------


def _maslikhat_checks(maslikhat: Maslikhat) -> Callable[[], dict[str, Any]]:
    def check() -> dict[str, Any]:
        errors: dict[str, Any] = {}
        if maslikhat.convocation is not None and maslikhat.convocation < 1:
            errors["convocation"] = _("A convocation is numbered from 1.")
        if maslikhat.territory_id and maslikhat.level:
            wanted = MASLIKHAT_TERRITORY.get(maslikhat.level)
            if wanted and maslikhat.territory.kind != wanted:
                errors["territory"] = _("A %(level)s sits for a territory of the kind “%(kind)s”.") % {
                    "level": MaslikhatLevel(maslikhat.level).label.lower(),
                    "kind": TerritoryKind(wanted).label,
                }
            elif (
                maslikhat.convocation
                and Maslikhat.objects.filter(territory_id=maslikhat.territory_id, convocation=maslikhat.convocation)
                .exclude(pk=maslikhat.pk)
                .exists()
            ):
                errors["convocation"] = _("This territory already has a maslikhat of this convocation.")
        if maslikhat.org_unit_id and maslikhat.org_unit.kind == OrgUnitKind.PRIMARY:
            errors["org_unit"] = _("A maslikhat is followed by a regional, city or district branch.")
        return errors

    return check


@transaction.atomic
def maslikhat_create(*, actor: Any, org_unit: OrgUnit, **fields: Any) -> Maslikhat:
    """Add a maslikhat (one per territory and convocation), followed by the party branch org_unit."""
    require(actor, OrgAction.CHANGE_DEPUTY, org_unit)
    maslikhat = Maslikhat(org_unit=org_unit)
    names = assign(maslikhat, {**fields, "org_unit": org_unit}, MASLIKHAT_FIELDS)
    check = _maslikhat_checks(maslikhat)
    validate(maslikhat, check)
    save_or_explain(maslikhat.save, check)
    record(actor=actor, verb=StructureVerb.MASLIKHAT_CREATED, target=maslikhat, changes=_created(maslikhat, names))
    return maslikhat


@transaction.atomic
def maslikhat_update(*, actor: Any, maslikhat: Maslikhat, changes: Mapping[str, Any]) -> Maslikhat:
    # Read afresh: a form may have changed the object in memory (its org_unit above all).
    maslikhat = Maslikhat.objects.select_for_update().select_related("territory", "org_unit").get(pk=maslikhat.pk)
    require(actor, OrgAction.CHANGE_DEPUTY, maslikhat.org_unit)
    new_unit = changes.get("org_unit")
    if new_unit is not None and new_unit != maslikhat.org_unit:
        require(actor, OrgAction.CHANGE_DEPUTY, new_unit)
    names = [f for f in MASLIKHAT_FIELDS if f in changes]
    before = snapshot(maslikhat, names)
    assign(maslikhat, changes, MASLIKHAT_FIELDS)
    check = _maslikhat_checks(maslikhat)
    validate(maslikhat, check)
    save_or_explain(maslikhat.save, check)
    changed = diff(before, snapshot(maslikhat, names))
    if changed:
        record(actor=actor, verb=StructureVerb.MASLIKHAT_CHANGED, target=maslikhat, changes=changed)
    return maslikhat


@transaction.atomic
def faction_create(*, actor: Any, maslikhat: Maslikhat, **fields: Any) -> Faction:
    """Form the party's faction in a maslikhat (one per maslikhat)."""
    require(actor, OrgAction.CHANGE_DEPUTY, maslikhat.org_unit)
    faction = Faction(maslikhat=maslikhat)
    names = assign(faction, fields, FACTION_FIELDS)

    def one_per_maslikhat() -> dict[str, Any]:
        if Faction.objects.filter(maslikhat=maslikhat).exists():
            return {"maslikhat": _("This maslikhat already has a party faction.")}
        return {}

    validate(faction, one_per_maslikhat)
    save_or_explain(faction.save, one_per_maslikhat)
    record(actor=actor, verb=StructureVerb.FACTION_CREATED, target=faction, changes=_created(faction, names))
    return faction


@transaction.atomic
def faction_update(*, actor: Any, faction: Faction, changes: Mapping[str, Any]) -> Faction:
    require(actor, OrgAction.CHANGE_DEPUTY, faction.maslikhat.org_unit)
    faction = Faction.objects.select_for_update().get(pk=faction.pk)
    names = [f for f in FACTION_FIELDS if f in changes]
    before = snapshot(faction, names)
    assign(faction, changes, FACTION_FIELDS)
    validate(faction)
    faction.save()
    changed = diff(before, snapshot(faction, names))
    if changed:
        record(actor=actor, verb=StructureVerb.FACTION_CHANGED, target=faction, changes=changed)
    return faction


# --- deputies --------------------------------------------------------------------------------


def _deputy_checks(deputy: Deputy, actor: Any) -> Callable[[], dict[str, Any]]:
    def check() -> dict[str, Any]:
        errors: dict[str, Any] = {}
        person = deputy.person
        if deputy._state.adding and not has_action(actor, OrgAction.VIEW_PERSON, person.org_unit):
            errors["person"] = _("Choose a person from the units you work with.")
        elif Deputy.objects.filter(person=person, maslikhat=deputy.maslikhat).exclude(pk=deputy.pk).exists():
            errors["person"] = _("This person is already a deputy of this maslikhat.")
        if deputy.term_start and deputy.term_end and deputy.term_end < deputy.term_start:
            errors["term_end"] = _("The term cannot end before it starts.")
        if deputy.faction_id and deputy.faction.maslikhat_id != deputy.maslikhat_id:
            errors["faction"] = _("The faction must be the one of the deputy's maslikhat.")
        if deputy.faction_role and not deputy.faction_id:
            errors["faction_role"] = _("A role in a faction needs a faction.")
        elif deputy.faction_role == FactionRole.LEADER:
            leader = (
                Deputy.objects.filter(faction_id=deputy.faction_id, faction_role=FactionRole.LEADER)
                .exclude(pk=deputy.pk)
                .select_related("person")
                .first()
            )
            if leader is not None:
                errors["faction_role"] = _("The faction already has a leader: %(name)s. Change their role first.") % {
                    "name": leader.person
                }
        return errors

    return check


def _save_deputy(deputy: Deputy) -> None:
    try:
        with transaction.atomic():
            deputy.save()
    except IntegrityError as exc:
        if deputy.faction_role == FactionRole.LEADER:
            raise ValidationError({"faction_role": [_("The faction already has a leader.")]}) from exc
        raise ValidationError({"person": [_("This person is already a deputy of this maslikhat.")]}) from exc


def _default_role(fields: Mapping[str, Any]) -> dict[str, Any]:
    # A deputy placed in the faction without a role is an ordinary member of it.
    result = dict(fields)
    if result.get("faction") and not result.get("faction_role"):
        result["faction_role"] = FactionRole.MEMBER
    if "faction" in result and not result.get("faction"):
        result["faction_role"] = ""
    return result


@transaction.atomic
def deputy_create(*, actor: Any, maslikhat: Maslikhat, person: Person, **fields: Any) -> Deputy:
    """Record a deputy's mandate: constituency, term and place in the party faction.

    The faction must be this maslikhat's; a faction has one leader.
    """
    require(actor, OrgAction.CHANGE_DEPUTY, maslikhat.org_unit)
    deputy = Deputy(maslikhat=maslikhat, person=person)
    names = assign(deputy, _default_role(fields), DEPUTY_FIELDS)
    validate(deputy, _deputy_checks(deputy, actor), exclude=["person", "maslikhat"])
    _save_deputy(deputy)
    record(
        actor=actor,
        verb=StructureVerb.DEPUTY_ADDED,
        target=deputy,
        changes=_created(deputy, ["person", "maslikhat", *names]),
    )
    return deputy


@transaction.atomic
def deputy_create_with_person(
    *, actor: Any, maslikhat: Maslikhat, person_fields: Mapping[str, Any], iin: str = "", **fields: Any
) -> Deputy:
    """Register a new person (kept by the maslikhat's branch) and record their mandate at once."""
    from amanat.org.services.people import person_create

    require(actor, OrgAction.CHANGE_DEPUTY, maslikhat.org_unit)
    if not has_action(actor, OrgAction.CHANGE_PERSON, maslikhat.org_unit):
        raise ValidationError({"person": [_("You may not add people here: choose an existing person.")]})
    person = person_create(actor=actor, org_unit=maslikhat.org_unit, iin=iin, **person_fields)
    return deputy_create(actor=actor, maslikhat=maslikhat, person=person, **fields)


@transaction.atomic
def deputy_update(*, actor: Any, deputy: Deputy, changes: Mapping[str, Any]) -> Deputy:
    """Change a deputy's constituency, term, faction or role in it."""
    require(actor, OrgAction.CHANGE_DEPUTY, deputy.maslikhat.org_unit)
    deputy = Deputy.objects.select_for_update().select_related("person", "maslikhat").get(pk=deputy.pk)
    changes = _default_role(changes)
    names = [f for f in DEPUTY_FIELDS if f in changes]
    before = snapshot(deputy, names)
    assign(deputy, changes, DEPUTY_FIELDS)
    validate(deputy, _deputy_checks(deputy, actor), exclude=["person", "maslikhat"])
    _save_deputy(deputy)
    changed = diff(before, snapshot(deputy, names))
    if changed:
        record(actor=actor, verb=StructureVerb.DEPUTY_CHANGED, target=deputy, changes=changed)
    return deputy


from amanat.org.services.structure_bodies import (  # noqa: E402 - they use the helpers above
    official_appoint,
    official_appoint_with_person,
    official_end,
    official_update,
    statebody_create,
    statebody_update,
)

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
