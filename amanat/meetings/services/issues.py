"""Issues raised at a field meeting or a mobile reception, each registered at once as an appeal.

The appeals module's own registration (`appeal_register`) does the work: number, deadline,
routing of the executor, the coupon; the channel is the meeting's kind and the territory defaults
to the meeting's. The appeal lands in the inbox of the meeting's branch (a primary organisation's
meeting: its district branch, which runs the reception). A repeated submit of the same form (its
idempotency key) registers nothing new and returns the first issue.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import AppealType, Channel
from amanat.appeals.services.intake import Intake, appeal_register
from amanat.audit import services as audit
from amanat.core.permissions import has_action
from amanat.meetings.choices import ISSUE_KINDS, MeetingKind, MeetingStatus
from amanat.meetings.models import Meeting, RaisedIssue
from amanat.meetings.permissions import MeetingAction
from amanat.org.choices import OrgUnitKind

CHANNEL_OF_KIND = {
    MeetingKind.FIELD_MEETING: Channel.FIELD_MEETING,
    MeetingKind.MOBILE_RECEPTION: Channel.MOBILE_RECEPTION,
}
ISSUE_TYPES = [AppealType.STATEMENT, AppealType.COMPLAINT, AppealType.PROPOSAL, AppealType.REQUEST]


def appeal_unit(meeting: Meeting) -> Any:
    """The branch whose inbox receives the meeting's appeals."""
    unit = meeting.org_unit
    if unit.kind == OrgUnitKind.PRIMARY:
        parent = unit.get_parent()
        return parent or unit
    return unit


def may_record(user: Any, meeting: Meeting) -> bool:
    return meeting.kind in ISSUE_KINDS and (
        has_action(user, MeetingAction.RECORD_ISSUES, meeting.org_unit)
        or has_action(user, MeetingAction.MANAGE, meeting.org_unit)
    )


@transaction.atomic
def raised_issue_record(
    *,
    actor: Any,
    meeting: Meeting,
    text: str,
    applicant_name: str = "",
    applicant_phone: str = "",
    is_collective: bool = False,
    signatories: int = 1,
    category: Any = None,
    territory: Any = None,
    address: str = "",
    appeal_type: str = AppealType.STATEMENT,
    language: str = "ru",
    idempotency_key: str | None = None,
) -> RaisedIssue:
    """Register what a person raised at the meeting as an appeal and link it to the meeting.

    Refuses an issue with no text, an issue at a meeting that is not a field meeting or a mobile
    reception, or one at a cancelled meeting (field by field, nothing saved).
    """
    if not may_record(actor, meeting):
        raise PermissionDenied
    errors: dict[str, list[Any]] = {}
    if not (text or "").strip():
        errors["text"] = [_("Write down the issue the person raised.")]
    if meeting.status == MeetingStatus.CANCELLED:
        errors["meeting"] = [_("The meeting was cancelled: no issues can be recorded at it.")]
    if is_collective and (signatories or 0) < 2:
        errors["signatories"] = [_("A collective appeal has at least two signatories.")]
    if appeal_type not in ISSUE_TYPES:
        errors["appeal_type"] = [_("Choose a type of appeal.")]
    if errors:
        raise ValidationError(errors)
    registered = appeal_register(
        actor=actor,
        intake=Intake(
            appeal_type=appeal_type,
            channel=CHANNEL_OF_KIND[meeting.kind],
            text=text.strip(),
            language=language if language in ("kk", "ru") else "ru",
            category=category,
            territory=territory or meeting.territory,
            address=(address or meeting.address or "").strip(),
            is_collective=bool(is_collective),
            signatories=signatories if is_collective else 1,
            applicant_name=(applicant_name or "").strip(),
            applicant_phone=(applicant_phone or "").strip(),
            answer_channel="sms" if (applicant_phone or "").strip() else "in_person",
            org_unit=appeal_unit(meeting),
            received_at=None,
        ),
        idempotency_key=f"meeting-{meeting.pk}-{idempotency_key}" if idempotency_key else None,
    )
    issue, created = RaisedIssue.objects.get_or_create(
        appeal=registered.appeal, defaults={"meeting": meeting, "recorded_by": actor}
    )
    if created:
        audit.record(
            actor=actor,
            verb="meetings.issue_recorded",
            target=meeting,
            org_unit=meeting.org_unit,
            data={"appeal": registered.appeal.pk, "number": registered.appeal.number},
        )
    return issue
