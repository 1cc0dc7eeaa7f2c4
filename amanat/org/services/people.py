"""Writes for people, party members and positions. The member-import services live in
`member_import.py`; this module re-exports them, so callers may import them from either.

Every function checks the actor's permission on the unit concerned, runs in a transaction and
records one audit event. Bad input raises ValidationError keyed by field, so that forms and the
API show it next to the right field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.audit.services import diff, record, snapshot
from amanat.core import crypto
from amanat.core.permissions import has_action, require
from amanat.org.choices import MemberStatus, OrgUnitKind, PositionKind
from amanat.org.models import Member, OrgUnit, Person, Position
from amanat.org.permissions import OrgAction
from amanat.org.services.member_import import (
    member_import_commit,
    member_import_confirm,
    member_import_start,
    member_import_validate,
)
from amanat.org.services.people_base import PeopleVerb
from amanat.org.workflow import MemberTransition, transition_to

TRANSITION_VERBS = {
    MemberTransition.SUSPEND: PeopleVerb.MEMBER_SUSPENDED,
    MemberTransition.REINSTATE: PeopleVerb.MEMBER_REINSTATED,
    MemberTransition.LEAVE: PeopleVerb.MEMBER_LEFT,
}
PERSON_FIELDS = (
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "phone",
    "email",
    "address",
    "territory",
    "org_unit",
)
DUPLICATE_IIN = _("A person with this IIN already exists.")


# --- people ----------------------------------------------------------------------------------


def person_with_iin(iin: str, *, exclude_pk: int | None = None) -> Person | None:
    """The (not deleted) person holding this IIN, if any: the keyed hash finds them."""
    found = Person.objects.filter(iin_hash=crypto.keyed_hash(iin)).select_related("org_unit")
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.first()


def _set_iin(person: Person, iin: str) -> None:
    try:
        person.set_iin(iin)
    except ValidationError as exc:
        raise ValidationError({"iin": exc.messages}) from exc
    if iin and person_with_iin(iin, exclude_pk=person.pk):
        raise ValidationError({"iin": [DUPLICATE_IIN]})


def _save_person(person: Person) -> None:
    person.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # two people saved with one IIN at the same moment
        raise ValidationError({"iin": [DUPLICATE_IIN]}) from exc


@transaction.atomic
def person_create(*, actor: Any, org_unit: OrgUnit, iin: str = "", **fields: Any) -> Person:
    """Add a person kept by org_unit. The IIN is optional, validated, and unique among people."""
    require(actor, OrgAction.CHANGE_PERSON, org_unit)
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    person = Person(org_unit=org_unit, **fields)
    _set_iin(person, (iin or "").strip())
    _save_person(person)
    record(actor=actor, verb=PeopleVerb.PERSON_CREATED, target=person, data={"has_iin": person.has_iin})
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, changes: Mapping[str, Any], iin: str | None = None) -> Person:
    """Change a person's details; iin=None keeps the IIN, "" removes it, a value replaces it."""
    require(actor, OrgAction.CHANGE_PERSON, person.org_unit)
    new_unit = changes.get("org_unit")
    if new_unit is not None and new_unit != person.org_unit:
        require(actor, OrgAction.CHANGE_PERSON, new_unit)
    fields = [f for f in PERSON_FIELDS if f in changes]
    before = {**snapshot(person, fields), "iin": person.iin_hash}
    for name in fields:
        setattr(person, name, changes[name])
    if iin is not None:
        _set_iin(person, iin.strip())
    _save_person(person)
    after = {**snapshot(person, fields), "iin": person.iin_hash}
    changed = diff(before, after, secret={"iin"})
    if changed:
        record(actor=actor, verb=PeopleVerb.PERSON_CHANGED, target=person, changes=changed)
    return person


@transaction.atomic
def person_delete(*, actor: Any, person: Person) -> None:
    """Hide a person (soft delete). A current party member must leave the party first."""
    require(actor, OrgAction.CHANGE_PERSON, person.org_unit)
    if Member.objects.filter(person=person).exclude(status=MemberStatus.LEFT).exists():
        raise ValidationError(_("This person is a party member: end the membership before deleting the person."))
    person.soft_delete(actor=actor)
    record(actor=actor, verb=PeopleVerb.PERSON_DELETED, target=person)


@transaction.atomic
def person_reveal_iin(*, actor: Any, person: Person) -> str:
    """The person's whole IIN, for a user holding org.view_iin on their unit; every call is audited."""
    require(actor, OrgAction.VIEW_IIN, person.org_unit)
    record(actor=actor, verb=PeopleVerb.IIN_VIEWED, target=person)
    return person.reveal_iin()


# --- members ---------------------------------------------------------------------------------


def _check_membership_dates(person: Person, joined_on: dt.date) -> None:
    if joined_on > timezone.localdate():
        raise ValidationError({"joined_on": _("The date of joining cannot be in the future.")})
    if person.birth_date and joined_on < person.birth_date:
        raise ValidationError({"joined_on": _("The date of joining is before the date of birth.")})


def _check_card(card_number: str | None, *, exclude_pk: int | None = None) -> None:
    if card_number and Member.objects.filter(card_number=card_number).exclude(pk=exclude_pk).exists():
        raise ValidationError({"card_number": _("This party card number is already taken.")})


def _check_primary(org_unit: OrgUnit, field: str = "org_unit") -> None:
    if org_unit.kind != OrgUnitKind.PRIMARY:
        raise ValidationError({field: _("Members belong to primary organisations only.")})


@transaction.atomic
def member_admit(
    *,
    actor: Any,
    person: Person,
    org_unit: OrgUnit,
    joined_on: dt.date,
    card_number: str | None = None,
    youth_wing: bool = False,
) -> Member:
    """Admit a person to a primary organisation; a person who has left may be admitted again.

    The person's record is then kept by that primary organisation.
    """
    require(actor, OrgAction.CHANGE_MEMBER, org_unit)
    _check_primary(org_unit)
    card_number = (card_number or "").strip() or None
    existing = Member.objects.filter(person=person).select_related("org_unit").first()
    if existing is not None and existing.status != MemberStatus.LEFT:
        raise ValidationError(
            {"person": _("This person is already a member of %(unit)s.") % {"unit": existing.org_unit}}
        )
    _check_membership_dates(person, joined_on)
    _check_card(card_number, exclude_pk=existing.pk if existing else None)
    member = existing or Member(person=person)
    before = snapshot(member, ["org_unit", "status", "joined_on", "card_number", "youth_wing"]) if existing else {}
    member.org_unit = org_unit
    member.joined_on = joined_on
    member.card_number = card_number
    member.youth_wing = youth_wing
    member.status = MemberStatus.ACTIVE
    member.status_changed_on = joined_on
    member.status_reason = ""
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise ValidationError({"card_number": _("This party card number is already taken.")}) from exc
    if person.org_unit_id != org_unit.pk:
        person.org_unit = org_unit
        person.save(update_fields=["org_unit", "updated_at"])
    after = snapshot(member, ["org_unit", "status", "joined_on", "card_number", "youth_wing"])
    record(
        actor=actor,
        verb=PeopleVerb.MEMBER_READMITTED if existing else PeopleVerb.MEMBER_ADMITTED,
        target=member,
        changes=diff(before, after) if existing else {},
        data={"joined_on": joined_on, "card_number": card_number or ""},
    )
    return member


@transaction.atomic
def member_admit_new_person(
    *, actor: Any, person_fields: Mapping[str, Any], iin: str, org_unit: OrgUnit, **membership: Any
) -> Member:
    """Register a new person and admit them in one step (the usual way a new member arrives)."""
    require(actor, OrgAction.CHANGE_MEMBER, org_unit)
    _check_primary(org_unit)
    fields = {k: v for k, v in person_fields.items() if k in PERSON_FIELDS and k != "org_unit"}
    person = person_create(actor=actor, org_unit=org_unit, iin=iin, **fields)
    return member_admit(actor=actor, person=person, org_unit=org_unit, **membership)


@transaction.atomic
def member_transition(*, actor: Any, member: Member, to: str, on: dt.date, reason: str = "") -> Member:
    """Change a membership's status through a named transition (workflow.MEMBER_TRANSITIONS)."""
    require(actor, OrgAction.CHANGE_MEMBER, member.org_unit)
    name = transition_to(member.status, to)
    if name is None:
        raise ValidationError(
            {
                "to": _("A member whose status is “%(from)s” cannot be moved to “%(to)s”.")
                % {"from": member.get_status_display(), "to": MemberStatus(to).label if to in MemberStatus else to}
            }
        )
    reason = (reason or "").strip()
    if name != MemberTransition.REINSTATE and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if on > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if on < member.joined_on:
        raise ValidationError({"date": _("The date cannot be before the member joined.")})
    before = snapshot(member, ["status"])
    member.status = to
    member.status_changed_on = on
    member.status_reason = reason[:500]
    member.save(update_fields=["status", "status_changed_on", "status_reason", "updated_at"])
    record(
        actor=actor,
        verb=TRANSITION_VERBS[name],
        target=member,
        changes=diff(before, snapshot(member, ["status"])),
        data={"date": on, "reason": reason},
    )
    return member


@transaction.atomic
def member_transfer(*, actor: Any, member: Member, to_unit: OrgUnit, on: dt.date, reason: str = "") -> Member:
    """Move a member to another primary organisation; the actor needs both units in scope."""
    require(actor, OrgAction.CHANGE_MEMBER, member.org_unit)
    if not has_action(actor, OrgAction.CHANGE_MEMBER, to_unit):
        raise ValidationError({"to_unit": _("Choose a primary organisation within your scope.")})
    _check_primary(to_unit, "to_unit")
    if to_unit.pk == member.org_unit_id:
        raise ValidationError({"to_unit": _("The member is already in this primary organisation.")})
    if member.status == MemberStatus.LEFT:
        raise ValidationError(_("A person who has left the party cannot be transferred."))
    if on > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    before = snapshot(member, ["org_unit"])
    member.org_unit = to_unit
    member.save(update_fields=["org_unit", "updated_at"])
    person = member.person
    person.org_unit = to_unit
    person.save(update_fields=["org_unit", "updated_at"])
    record(
        actor=actor,
        verb=PeopleVerb.MEMBER_TRANSFERRED,
        target=member,
        changes=diff(before, snapshot(member, ["org_unit"])),
        data={"date": on, "reason": (reason or "").strip()},
    )
    return member


# --- positions -------------------------------------------------------------------------------


@transaction.atomic
def position_appoint(
    *,
    actor: Any,
    person: Person,
    org_unit: OrgUnit,
    kind: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    note: str = "",
) -> Position:
    """Appoint a person to a post in a party body of org_unit, for a term."""
    require(actor, OrgAction.CHANGE_POSITION, org_unit)
    if kind not in PositionKind.values:
        raise ValidationError({"kind": _("Choose a position from the list.")})
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": _("The end of the term cannot be before its start.")})
    position = Position.objects.create(
        person=person, org_unit=org_unit, kind=kind, started_on=started_on, ended_on=ended_on, note=note.strip()
    )
    record(
        actor=actor,
        verb=PeopleVerb.POSITION_APPOINTED,
        target=position,
        data={"person": person.pk, "kind": kind, "started_on": started_on},
    )
    return position


@transaction.atomic
def position_end(*, actor: Any, position: Position, ended_on: dt.date) -> Position:
    """Close a term in a position."""
    require(actor, OrgAction.CHANGE_POSITION, position.org_unit)
    if position.ended_on is not None and position.ended_on <= timezone.localdate():
        raise ValidationError(_("This term has already ended."))
    if ended_on < position.started_on:
        raise ValidationError({"ended_on": _("The end of the term cannot be before its start.")})
    before = snapshot(position, ["ended_on"])
    position.ended_on = ended_on
    position.save(update_fields=["ended_on", "updated_at"])
    record(
        actor=actor,
        verb=PeopleVerb.POSITION_ENDED,
        target=position,
        changes=diff(before, snapshot(position, ["ended_on"])),
    )
    return position


__all__ = [
    "DUPLICATE_IIN",
    "PERSON_FIELDS",
    "TRANSITION_VERBS",
    "PeopleVerb",
    "member_admit",
    "member_admit_new_person",
    "member_import_commit",
    "member_import_confirm",
    "member_import_start",
    "member_import_validate",
    "member_transfer",
    "member_transition",
    "person_create",
    "person_delete",
    "person_reveal_iin",
    "person_update",
    "person_with_iin",
    "position_appoint",
    "position_end",
]
