"""Writes for people, party members, positions and member imports.

Every function checks the actor's permission on the unit concerned, runs in a transaction and
records one audit event. Bad input raises ValidationError keyed by field, so that forms and the
API show it next to the right field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amanat.audit.services import diff, record, register_verbs, snapshot
from amanat.core import crypto
from amanat.core.permissions import has_action, require
from amanat.org import importing
from amanat.org.choices import MemberStatus, OrgUnitKind, PositionKind
from amanat.org.models import Member, MemberImport, OrgUnit, Person, Position
from amanat.org.permissions import OrgAction
from amanat.org.workflow import MemberTransition, transition_to


class PeopleVerb(models.TextChoices):
    PERSON_CREATED = "org.person_created", _("Person added")
    PERSON_CHANGED = "org.person_changed", _("Person's details changed")
    PERSON_DELETED = "org.person_deleted", _("Person deleted")
    IIN_VIEWED = "org.iin_viewed", _("Full IIN viewed")
    MEMBER_ADMITTED = "org.member_admitted", _("Admitted to the party")
    MEMBER_READMITTED = "org.member_readmitted", _("Admitted to the party again")
    MEMBER_SUSPENDED = "org.member_suspended", _("Membership suspended")
    MEMBER_REINSTATED = "org.member_reinstated", _("Membership reinstated")
    MEMBER_LEFT = "org.member_left", _("Membership ended")
    MEMBER_TRANSFERRED = "org.member_transferred", _("Transferred to another primary organisation")
    POSITION_APPOINTED = "org.position_appointed", _("Appointed to a position")
    POSITION_ENDED = "org.position_ended", _("Term in a position ended")
    MEMBERS_IMPORTED = "org.members_imported", _("Members imported from a file")


register_verbs({v.value: v.label for v in PeopleVerb})

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


# --- member imports --------------------------------------------------------------------------
#
# upload ─▶ pending ─▶ validating ─▶ ready ──confirm──▶ committing ─▶ done
#                                 └▶ invalid (errors by row and column; nothing written)
# Files above importing.sync_max_rows() rows are checked and written by background tasks.


def _forget_file(job: MemberImport) -> None:
    # The file holds IINs: once the import is over it is not kept.
    if job.file:
        name, storage = job.file.name, job.file.storage
        job.file = ""
        transaction.on_commit(lambda: storage.delete(name))


def _fail(job: MemberImport, message: str, status: str = MemberImport.Status.FAILED) -> MemberImport:
    job.status = status
    job.message = message[:500]
    job.finished_at = timezone.now()
    _forget_file(job)
    job.save()
    return job


@transaction.atomic
def member_import_start(*, actor: Any, org_unit: OrgUnit, upload: UploadedFile) -> MemberImport:
    """Take an uploaded file for import into org_unit's subtree and check it (now or in the background).

    A file that cannot be read raises importing.ImportFileError and nothing is stored.
    """
    require(actor, OrgAction.IMPORT_MEMBERS, org_unit)
    importing.check_size(upload.size or 0)
    data = upload.read()
    rows = importing.count_rows(data, upload.name or "")
    job = MemberImport(
        file_name=(upload.name or "members")[:255],
        uploaded_by=actor,
        org_unit=org_unit,
        rows_total=rows,
        background=rows > importing.sync_max_rows(),
    )
    job.file.save(job.file_name, ContentFile(data), save=False)
    job.save()
    if job.background:
        from amanat.org.tasks import validate_member_import

        transaction.on_commit(lambda: validate_member_import.enqueue(import_id=job.pk))
        return job
    return member_import_validate(import_id=job.pk)


def member_import_validate(*, import_id: int) -> MemberImport:
    """Check every row of an uploaded file (no writes but the job's progress). Safe to run twice."""
    job = MemberImport.objects.select_related("org_unit", "uploaded_by").get(pk=import_id)
    if job.status not in {MemberImport.Status.PENDING, MemberImport.Status.VALIDATING}:
        return job
    with translation.override(job.uploaded_by.language):
        MemberImport.objects.filter(pk=job.pk).update(status=MemberImport.Status.VALIDATING, rows_done=0)
        try:
            table = importing.read_table(job.file.read(), job.file_name)
        except (importing.ImportFileError, OSError, ValueError) as exc:
            return _fail(job, getattr(exc, "message", None) or gettext("The file could not be read."))
        finally:
            job.file.close()
        if not has_action(job.uploaded_by, OrgAction.IMPORT_MEMBERS, job.org_unit):
            return _fail(job, gettext("You may no longer import members into this unit."))
        MemberImport.objects.filter(pk=job.pk).update(rows_total=len(table.rows))

        def progress(done: int) -> None:
            MemberImport.objects.filter(pk=job.pk).update(rows_done=done)

        result = importing.check_rows(table, actor=job.uploaded_by, scope_unit=job.org_unit, progress=progress)
        units = OrgUnit.objects.in_bulk({r.unit_id for r in result.valid[: importing.PREVIEW_ROWS]})
        job.preview = importing.preview_rows(result.valid, units)
    job.status = MemberImport.Status.INVALID if result.error_count else MemberImport.Status.READY
    job.rows_total = job.rows_done = result.total
    job.rows_valid = len(result.valid)
    job.error_count = result.error_count
    job.errors = result.errors
    if result.error_count:
        job.finished_at = timezone.now()
        _forget_file(job)
    job.save()
    return job


@transaction.atomic
def member_import_confirm(*, actor: Any, job: MemberImport) -> MemberImport:
    """The uploader's "import" from the preview: write every row, or nothing. A second click does nothing."""
    require(actor, OrgAction.IMPORT_MEMBERS, job.org_unit)
    job = MemberImport.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=job.pk)
    if job.status in {MemberImport.Status.COMMITTING, MemberImport.Status.DONE}:
        return job
    if job.status != MemberImport.Status.READY:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    job.status = MemberImport.Status.COMMITTING
    job.confirmed_by = actor
    job.rows_done = 0
    job.save(update_fields=["status", "confirmed_by", "rows_done", "updated_at"])
    if job.background:
        from amanat.org.tasks import commit_member_import

        transaction.on_commit(lambda: commit_member_import.enqueue(import_id=job.pk))
        return job
    return member_import_commit(import_id=job.pk)


@transaction.atomic
def member_import_commit(*, import_id: int) -> MemberImport:
    """Check the file again (the register may have changed since the preview) and write all its
    rows in one transaction, with one audit event. Safe to run twice."""
    job = (
        MemberImport.objects.select_for_update(of=("self",))
        .select_related("org_unit", "confirmed_by")
        .get(pk=import_id)
    )
    if job.status != MemberImport.Status.COMMITTING or job.confirmed_by is None:
        return job
    actor = job.confirmed_by
    with translation.override(actor.language):
        try:
            table = importing.read_table(job.file.read(), job.file_name)
        except (importing.ImportFileError, OSError, ValueError) as exc:
            return _fail(job, getattr(exc, "message", None) or gettext("The file could not be read."))
        finally:
            job.file.close()
        if not has_action(actor, OrgAction.IMPORT_MEMBERS, job.org_unit):
            return _fail(job, gettext("You may no longer import members into this unit."))
        result = importing.check_rows(table, actor=actor, scope_unit=job.org_unit)
        if result.error_count:
            job.errors, job.error_count, job.rows_valid = result.errors, result.error_count, len(result.valid)
            return _fail(
                job, gettext("The register changed since the check: nothing was imported."), job.Status.INVALID
            )
        try:
            with transaction.atomic():
                created = importing.write_rows(result.valid)
        except IntegrityError:
            return _fail(job, gettext("Someone added the same IIN or card number meanwhile: nothing was imported."))
    record(
        actor=actor,
        verb=PeopleVerb.MEMBERS_IMPORTED,
        target=job,
        org_unit=job.org_unit,
        data={"count": created, "file_name": job.file_name},
    )
    job.status = MemberImport.Status.DONE
    job.rows_total = job.rows_done = job.rows_valid = created
    job.finished_at = timezone.now()
    _forget_file(job)
    job.save()
    return job
