"""Writes on meetings: plan, change, move through the transition table, participants and
invitations, attendance, agenda, decisions, files, soft delete.

Every service is keyword-only, atomic, checks `meetings.manage` on the meeting's unit (an invited
user answers their own invitation), writes an audit event and sends notices after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.audit import services as audit
from amanat.core import uploads
from amanat.core.permissions import require
from amanat.meetings import notifications
from amanat.meetings.choices import MeetingKind, MeetingStatus, ParticipantRole, ProtocolLanguage, Response
from amanat.meetings.models import AgendaItem, Decision, Meeting, MeetingFile, MeetingTransitionLog, Participant
from amanat.meetings.permissions import MeetingAction
from amanat.meetings.workflow import TRANSITIONS, Transition
from amanat.notifications.services import notify

MANAGE = MeetingAction.MANAGE
MAX_FILE_BYTES = 10 * 2**20
EDITABLE = (
    "kind",
    "title_kk",
    "title_ru",
    "starts_at",
    "ends_at",
    "territory",
    "address",
    "is_public",
    "description",
    "chaired_by",
    "protocol_number",
    "protocol_language",
    "protocol_notes",
)


def _check(values: dict[str, Any]) -> None:
    errors: dict[str, list[Any]] = {}
    if values.get("kind") not in MeetingKind.values:
        errors["kind"] = [_("Choose the kind of meeting.")]
    if not (values.get("title_kk") or "").strip() and not (values.get("title_ru") or "").strip():
        errors["title_ru"] = [_("Give the meeting a title in Kazakh or Russian.")]
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, dt.datetime):
        errors["starts_at"] = [_("Enter when the meeting starts.")]
    if not isinstance(ends, dt.datetime):
        errors["ends_at"] = [_("Enter when the meeting ends.")]
    if isinstance(starts, dt.datetime) and isinstance(ends, dt.datetime):
        if timezone.is_naive(starts) or timezone.is_naive(ends):
            errors["starts_at"] = [_("Enter the time with its time zone.")]
        elif ends <= starts:
            errors["ends_at"] = [_("The meeting cannot end before it starts.")]
    if values.get("protocol_language", ProtocolLanguage.KK) not in ProtocolLanguage.values:
        errors["protocol_language"] = [_("Choose Kazakh or Russian.")]
    if errors:
        raise ValidationError(errors)


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    org_unit: Any,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title_kk: str = "",
    title_ru: str = "",
    territory: Any = None,
    address: str = "",
    is_public: bool = False,
    description: str = "",
    chaired_by: str = "",
    protocol_language: str = ProtocolLanguage.KK,
) -> Meeting:
    """Plan a meeting of a unit. Refuses one that ends before it starts."""
    if org_unit is None:
        raise ValidationError({"org_unit": [_("Choose the party branch.")]})
    require(actor, MANAGE, org_unit)
    values = {
        "kind": kind,
        "title_kk": (title_kk or "").strip(),
        "title_ru": (title_ru or "").strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "protocol_language": protocol_language,
    }
    _check(values)
    type(org_unit).objects.select_for_update().filter(pk=org_unit.pk).first()  # one new meeting at a time per unit
    if repeat := Meeting.objects.filter(org_unit=org_unit, created_by=actor, **values).first():
        return repeat  # the same meeting again (a second click): it is planned already
    meeting = Meeting.objects.create(
        org_unit=org_unit,
        territory=territory if territory is not None else org_unit.territory,
        address=(address or "").strip(),
        is_public=bool(is_public),
        description=description or "",
        chaired_by=(chaired_by or "").strip(),
        created_by=actor,
        **values,
    )
    audit.record(actor=actor, verb="meetings.created", target=meeting, org_unit=org_unit, data={"kind": kind})
    return meeting


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, changes: dict[str, Any]) -> Meeting:
    """Change a meeting's details (not its status: that goes through `meeting_transition`)."""
    require(actor, MANAGE, meeting.org_unit)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    before = audit.snapshot(meeting, EDITABLE)
    for name, value in changes.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) and name != "protocol_notes" else value)
    _check(
        {
            name: getattr(meeting, name)
            for name in ("kind", "title_kk", "title_ru", "starts_at", "ends_at", "protocol_language")
        }
    )
    meeting.save(update_fields=[*changes, "updated_at"])
    after = audit.snapshot(meeting, EDITABLE)
    audit.record(
        actor=actor,
        verb="meetings.updated",
        target=meeting,
        org_unit=meeting.org_unit,
        changes=audit.diff(before, after),
    )
    return meeting


@transaction.atomic
def meeting_transition(*, actor: Any, meeting: Meeting, transition: str, note: str = "") -> Meeting:
    """Move the meeting along the table (hold, sign the protocol, cancel), recording who, when, why.

    Cancelling needs a reason; signing needs the protocol's number. Invited people are told of a
    cancellation.
    """
    require(actor, MANAGE, meeting.org_unit)
    given, meeting = meeting, Meeting.objects.select_for_update().get(pk=meeting.pk)
    if transition not in TRANSITIONS:
        raise ValidationError({"transition": [_("Unknown action.")]})
    sources, target = TRANSITIONS[transition]
    if meeting.status not in sources:
        raise ValidationError({"transition": [_("This cannot be done to a meeting in its present status.")]})
    note = (note or "").strip()
    if transition == Transition.CANCEL and not note:
        raise ValidationError({"note": [_("Say why the meeting is cancelled.")]})
    if transition == Transition.SIGN and not meeting.protocol_number.strip():
        raise ValidationError({"protocol_number": [_("Give the protocol a number before signing it.")]})
    now = timezone.now()
    source = meeting.status
    meeting.status = target
    meeting.save(update_fields=["status", "updated_at"])
    given.status = target
    MeetingTransitionLog.objects.create(
        meeting=meeting, transition=transition, from_status=source, to_status=target, actor=actor, at=now, note=note
    )
    audit.record(
        actor=actor,
        verb="meetings.transition",
        target=meeting,
        org_unit=meeting.org_unit,
        data={"transition": transition, "from": source, "to": target, "note": note},
    )
    if transition == Transition.CANCEL:
        invited = [
            p.user
            for p in meeting.participants.select_related("user")
            .filter(user__isnull=False)
            .exclude(response=Response.DECLINED)
        ]
        transaction.on_commit(lambda: _tell_cancelled(meeting, invited, note))
    return meeting


def _tell_cancelled(meeting: Meeting, users: list[Any], note: str) -> None:
    notify(
        recipients=users,
        kind=notifications.CANCELLED,
        title=_("Meeting cancelled: {title}"),
        body=_("{when}. Reason: {note}"),
        url=meeting_url(meeting),
        target=meeting,
        context={
            "title": lambda: meeting.title,
            "when": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M"),
            "note": note,
        },
    )


@transaction.atomic
def participant_add(
    *,
    actor: Any,
    meeting: Meeting,
    role: str = ParticipantRole.GUEST,
    user: Any = None,
    person: Any = None,
    name: str = "",
    note: str = "",
    invite: bool = True,
) -> Participant:
    """Add a participant; a user is invited (told at once, and may accept or decline)."""
    require(actor, MANAGE, meeting.org_unit)
    name = (name or "").strip()
    if role not in ParticipantRole.values:
        raise ValidationError({"role": [_("Choose the participant's role.")]})
    if user is None and person is None and not name:
        raise ValidationError({"name": [_("Choose a user or a person, or write a name.")]})
    if user is not None and meeting.participants.filter(user=user).exists():
        raise ValidationError({"user": [_("This person is already among the participants.")]})
    invited = bool(invite and user is not None and meeting.status == MeetingStatus.PLANNED)
    participant = Participant.objects.create(
        meeting=meeting,
        role=role,
        user=user,
        person=person,
        name=name,
        note=(note or "").strip(),
        response=Response.PENDING if invited else Response.NONE,
    )
    audit.record(
        actor=actor,
        verb="meetings.participant_added",
        target=meeting,
        org_unit=meeting.org_unit,
        data={"participant": participant.pk, "role": role, "invited": invited},
    )
    if invited:
        transaction.on_commit(lambda: _tell_invited(meeting, user))
    return participant


def _tell_invited(meeting: Meeting, user: Any) -> None:
    notify(
        recipients=[user],
        kind=notifications.INVITED,
        title=_("Invitation: {title}"),
        body=_("{when}, {place}. Please accept or decline the invitation."),
        url=meeting_url(meeting),
        target=meeting,
        context={
            "title": lambda: meeting.title,
            "when": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M"),
            "place": meeting.address or (meeting.territory.name if meeting.territory_id else ""),
        },
    )


@transaction.atomic
def invitation_answer(*, actor: Any, participant: Participant, accept: bool) -> Participant:
    """The invited user accepts or declines; nobody else may answer for them."""
    if participant.user_id is None or participant.user_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if participant.meeting.status != MeetingStatus.PLANNED:
        raise ValidationError({"response": [_("The meeting is no longer planned.")]})
    participant.response = Response.ACCEPTED if accept else Response.DECLINED
    participant.responded_at = timezone.now()
    participant.save(update_fields=["response", "responded_at", "updated_at"])
    audit.record(
        actor=actor,
        verb="meetings.invitation_answered",
        target=participant.meeting,
        org_unit=participant.meeting.org_unit,
        data={"participant": participant.pk, "response": participant.response},
    )
    return participant


@transaction.atomic
def attendance_record(*, actor: Any, meeting: Meeting, count: int | None, present: Iterable[int] = ()) -> Meeting:
    """Record how many came and which of the listed participants were present."""
    require(actor, MANAGE, meeting.org_unit)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"attendance_count": [_("A cancelled meeting has no attendance.")]})
    if count is not None and count < 0:
        raise ValidationError({"attendance_count": [_("The number of people cannot be negative.")]})
    present_ids = {int(pk) for pk in present}
    known = meeting.participants.count()
    if count is not None and count < len(present_ids):
        raise ValidationError({"attendance_count": [_("Fewer people than the participants marked present.")]})
    meeting.participants.update(attended=False)
    if present_ids:
        meeting.participants.filter(pk__in=present_ids).update(attended=True)
    meeting.attendance_count = count
    meeting.save(update_fields=["attendance_count", "updated_at"])
    audit.record(
        actor=actor,
        verb="meetings.attendance_recorded",
        target=meeting,
        org_unit=meeting.org_unit,
        data={"count": count, "present": sorted(present_ids), "listed": known},
    )
    return meeting


def _next_position(queryset: Any) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def agenda_add(*, actor: Any, meeting: Meeting, text: str, speaker: str = "") -> AgendaItem:
    require(actor, MANAGE, meeting.org_unit)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the agenda item.")]})
    item = AgendaItem.objects.create(
        meeting=meeting, position=_next_position(meeting.agenda), text=text, speaker=(speaker or "").strip()
    )
    audit.record(actor=actor, verb="meetings.agenda_added", target=meeting, org_unit=meeting.org_unit)
    return item


@transaction.atomic
def decision_add(*, actor: Any, meeting: Meeting, text: str) -> Decision:
    """Record a decision; only a meeting that took place has decisions (and not after signing)."""
    require(actor, MANAGE, meeting.org_unit)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the decision.")]})
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(
            {"text": [_("Decisions are recorded after the meeting is held and before the protocol is signed.")]}
        )
    decision = Decision.objects.create(meeting=meeting, position=_next_position(meeting.decisions), text=text)
    audit.record(
        actor=actor,
        verb="meetings.decision_added",
        target=meeting,
        org_unit=meeting.org_unit,
        data={"decision": decision.pk},
    )
    return decision


@transaction.atomic
def file_add(*, actor: Any, meeting: Meeting, upload: Any) -> MeetingFile:
    require(actor, MANAGE, meeting.org_unit)
    try:
        uploads.check_upload(upload, limit=MAX_FILE_BYTES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    item = MeetingFile.objects.create(meeting=meeting, file=upload, original_name=upload.name[:255], uploaded_by=actor)
    audit.record(
        actor=actor,
        verb="meetings.file_added",
        target=meeting,
        org_unit=meeting.org_unit,
        data={"file": item.original_name},
    )
    return item


@transaction.atomic
def participant_remove(*, actor: Any, participant: Participant) -> None:
    """Take a participant added by mistake off the list (kept, hidden, audited); once the protocol
    is signed, who took part is part of the record and stays."""
    meeting = participant.meeting
    require(actor, MANAGE, meeting.org_unit)
    if meeting.status == MeetingStatus.PROTOCOL_SIGNED:
        raise ValidationError({"participant": [_("The protocol is signed: its participants stay on record.")]})
    participant.soft_delete(actor=actor)
    audit.record(
        actor=actor,
        verb="meetings.participant_removed",
        target=meeting,
        org_unit=meeting.org_unit,
        data={"participant": participant.pk, "name": participant.display_name},
    )


@transaction.atomic
def file_remove(*, actor: Any, item: MeetingFile) -> None:
    """Take a file off the meeting (kept, hidden, audited)."""
    meeting = item.meeting
    require(actor, MANAGE, meeting.org_unit)
    item.soft_delete(actor=actor)
    audit.record(
        actor=actor,
        verb="meetings.file_removed",
        target=meeting,
        org_unit=meeting.org_unit,
        data={"file": item.original_name},
    )


@transaction.atomic
def meeting_delete(*, actor: Any, meeting: Meeting) -> None:
    """Hide a planned or cancelled meeting (kept, audited); a held one has a record to keep."""
    require(actor, MANAGE, meeting.org_unit)
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.PROTOCOL_SIGNED) or meeting.issues.exists():
        raise ValidationError({"status": [_("A meeting that took place is kept; it cannot be deleted.")]})
    meeting.soft_delete(actor=actor)
    audit.record(actor=actor, verb="meetings.deleted", target=meeting, org_unit=meeting.org_unit)
