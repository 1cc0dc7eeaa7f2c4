"""Writes for maslikhats, their party factions and deputies (import them from `structure`).

A maslikhat is kept by a party branch (its scope); a maslikhat has one party faction; a faction
has one leader and only this maslikhat's deputies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from amanat.audit.services import diff, record, snapshot
from amanat.core.permissions import has_action, require
from amanat.org.choices import FactionRole, MaslikhatLevel, OrgUnitKind, TerritoryKind
from amanat.org.models import Deputy, Faction, Maslikhat, OrgUnit, Person
from amanat.org.permissions import OrgAction
from amanat.org.services.structure_base import StructureVerb, assign, created_changes, save_or_explain, validate

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
    record(
        actor=actor, verb=StructureVerb.MASLIKHAT_CREATED, target=maslikhat, changes=created_changes(maslikhat, names)
    )
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
    record(actor=actor, verb=StructureVerb.FACTION_CREATED, target=faction, changes=created_changes(faction, names))
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
        changes=created_changes(deputy, ["person", "maslikhat", *names]),
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
