"""Writes about a council recommendation's life: drafted at a session, voted by the members
present, adopted or not by majority, sent to the addressee with a response deadline in working
days, answered (accepted, partly, rejected — with reasons), followed up, implemented or not, and
assessed by the council.

Every stage change goes through `_move`, which checks the transition table (`workflow.py`) and
records who, when and why (a `RecommendationEvent` and an audit event). Each write checks
`councils.manage` on the council's branch and refuses bad input with field errors, changing
nothing.

The adoption rule is a setting, `COUNCIL_ADOPTION_RULE`:
- "present" (default): adopted when more than half of the members present voted for;
- "cast": adopted when more voted for than against (abstentions do not count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from amanat.audit import services as audit
from amanat.core.calendar import add_working_days
from amanat.councils.choices import Assessment, RecommendationStatus, ResponseKind, VoteChoice
from amanat.councils.models import (
    CouncilMember,
    CouncilSession,
    ProgressNote,
    Recommendation,
    RecommendationEvent,
    Vote,
)
from amanat.councils.services.councils import Errors, blank, need_manage, raise_errors, session_day
from amanat.councils.workflow import can_move

S = RecommendationStatus
DEFAULT_RESPONSE_DAYS = 15
RULE_PRESENT = "present"
RULE_CAST = "cast"
FOLLOW_UP = (S.SENT, S.ANSWERED, S.IMPLEMENTED, S.NOT_IMPLEMENTED)


def adoption_rule() -> str:
    rule = getattr(settings, "COUNCIL_ADOPTION_RULE", RULE_PRESENT)
    return rule if rule in (RULE_PRESENT, RULE_CAST) else RULE_PRESENT


def is_adopted(*, votes_for: int, votes_against: int, present: int, rule: str | None = None) -> bool:
    """The majority rule, pure: by those present, or by the votes cast for and against."""
    if (rule or adoption_rule()) == RULE_CAST:
        return votes_for > votes_against
    return present > 0 and 2 * votes_for > present


def response_deadline(sent_on: dt.date, days: int) -> dt.date:
    """The last day for the addressee's response: `days` working days after it was sent."""
    return add_working_days(sent_on, days)


def _locked(rec: Recommendation) -> Recommendation:
    return (
        Recommendation.objects.select_for_update()
        .select_related("council__org_unit", "session", "addressee_body")
        .get(pk=rec.pk)
    )


def _move(rec: Recommendation, to: str, *, actor: Any, note: str = "", fields: tuple[str, ...] = ()) -> None:
    """Take the recommendation to the next stage (the table allows it), saving `fields` with it."""
    if not can_move(rec.status, to):
        raise ValidationError({"__all__": [_("This step is not possible at the recommendation's current stage.")]})
    before, rec.status = rec.status, to
    rec.save(update_fields=["status", *fields, "updated_at"])
    RecommendationEvent.objects.create(recommendation=rec, from_status=before, to_status=to, actor=actor, note=note)
    audit.record(
        actor=actor,
        verb="councils.recommendation_transition",
        target=rec,
        org_unit=rec.council.org_unit,
        changes={"status": [before, to]},
        data={"note": note} if note else {},
    )


def _refresh(original: Recommendation, rec: Recommendation) -> Recommendation:
    """Copy the saved state onto the caller's object, so it reads what was written."""
    for field in rec._meta.concrete_fields:
        setattr(original, field.attname, getattr(rec, field.attname))
    return rec


def _today_or(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


def _date_errors(name: str, day: dt.date, *, not_before: dt.date | None, before_text: str) -> Errors:
    if day > timezone.localdate():
        return {name: [_("The date cannot be in the future.")]}
    if not_before is not None and day < not_before:
        return {name: [before_text]}
    return {}


# Draft


def _draft_errors(values: Mapping[str, Any]) -> Errors:
    errors: Errors = {}
    if blank(values.get("text")):
        errors["text"] = [_("Write the recommendation.")]
    body, official = values.get("addressee_body"), values.get("addressee_official")
    if body is None:
        errors["addressee_body"] = [_("Choose the state body it is addressed to.")]
    elif official is not None and official.body_id != body.pk:
        errors["addressee_official"] = [_("The official must hold a post in the addressee body.")]
    days = values.get("response_days")
    if days is None or int(days) <= 0:
        errors["response_days"] = [_("The term must be at least one working day.")]
    return errors


@transaction.atomic
def recommendation_draft(
    *,
    actor: Any,
    session: CouncilSession,
    text: str,
    addressee_body: Any,
    addressee_official: Any = None,
    response_days: int | None = DEFAULT_RESPONSE_DAYS,
) -> Recommendation:
    """Put a recommendation before the session, to be voted on."""
    values = {
        "text": (text or "").strip(), "addressee_body": addressee_body, "addressee_official": addressee_official,
        "response_days": response_days,
    }  # fmt: skip
    raise_errors(_draft_errors(values))
    need_manage(actor, session.council.org_unit)
    rec = Recommendation.objects.create(council=session.council, session=session, **values)
    RecommendationEvent.objects.create(recommendation=rec, from_status="", to_status=S.DRAFT, actor=actor)
    audit.record(
        actor=actor,
        verb="councils.recommendation_drafted",
        target=rec,
        org_unit=session.council.org_unit,
        data={"session": session.pk, "addressee": addressee_body.pk},
    )
    return rec


# Votes and the decision


@transaction.atomic
def votes_record(*, actor: Any, recommendation: Recommendation, votes: Mapping[CouncilMember, str]) -> list[Vote]:
    """Record the votes of members present at the session: all of them or none.

    Refused (nothing recorded): a member whose term has ended (or not begun) on the session's day,
    a member not marked present, a member of another council, a second vote by the same member,
    a vote on a recommendation already decided.
    """
    rec = _locked(recommendation)
    need_manage(actor, rec.council.org_unit)
    session = rec.session
    day = session_day(session)
    present = set(session.attendees.values_list("pk", flat=True))
    already = set(rec.votes.values_list("member_id", flat=True))
    errors: list[str] = []
    if rec.status != S.DRAFT:
        errors.append(_("The vote on this recommendation is over."))
    if not votes:
        errors.append(_("Record at least one member's vote."))
    for member, choice in votes.items():
        name = {"name": member.full_name}
        if member.council_id != rec.council_id:
            errors.append(_("%(name)s is not a member of this council.") % name)
        elif not member.serves_on(day):
            if member.term_end is not None and member.term_end < day:
                errors.append(
                    _("%(name)s's term on the council ended on %(day)s: they cannot vote.")
                    % {**name, "day": f"{member.term_end:%d.%m.%Y}"}
                )
            else:
                errors.append(_("%(name)s's term on the council had not begun: they cannot vote.") % name)
        elif member.pk not in present:
            errors.append(_("%(name)s is not marked present at the session: they cannot vote.") % name)
        if member.pk in already:
            errors.append(_("%(name)s has already voted on this recommendation.") % name)
        if choice not in VoteChoice.values:
            errors.append(_("Choose for, against or abstain for %(name)s.") % name)
    if errors:
        raise ValidationError({"votes": errors})
    try:
        with transaction.atomic():
            made = Vote.objects.bulk_create(
                [Vote(recommendation=rec, member=m, choice=c, recorded_by=actor) for m, c in votes.items()]
            )
    except IntegrityError as exc:  # two clerks at once: the database keeps one vote per member
        raise ValidationError({"votes": [_("A member has already voted on this recommendation.")]}) from exc
    audit.record(
        actor=actor,
        verb="councils.votes_recorded",
        target=rec,
        org_unit=rec.council.org_unit,
        data={"votes": {str(m.pk): c for m, c in votes.items()}},
    )
    return made


@transaction.atomic
def recommendation_decide(*, actor: Any, recommendation: Recommendation, note: str = "") -> Recommendation:
    """Count the votes and take the decision: adopted by majority (the rule is a setting) or not."""
    rec = _locked(recommendation)
    need_manage(actor, rec.council.org_unit)
    tally = rec.votes.aggregate(
        yes=Count("pk", filter=Q(choice=VoteChoice.FOR)),
        no=Count("pk", filter=Q(choice=VoteChoice.AGAINST)),
        abstain=Count("pk", filter=Q(choice=VoteChoice.ABSTAIN)),
    )
    if rec.status == S.DRAFT and not any(tally.values()):
        raise ValidationError({"__all__": [_("Record the members' votes first.")]})
    present = rec.session.attendees.count()
    rec.votes_for, rec.votes_against, rec.votes_abstain, rec.present = (
        tally["yes"], tally["no"], tally["abstain"], present,
    )  # fmt: skip
    rec.decided_on = session_day(rec.session)
    adopted = is_adopted(votes_for=rec.votes_for, votes_against=rec.votes_against, present=present)
    _move(
        rec,
        S.ADOPTED if adopted else S.NOT_ADOPTED,
        actor=actor,
        note=note,
        fields=("votes_for", "votes_against", "votes_abstain", "present", "decided_on"),
    )
    return _refresh(recommendation, rec)


# Sending and the response


@transaction.atomic
def recommendation_send(
    *, actor: Any, recommendation: Recommendation, sent_on: dt.date | None = None, note: str = ""
) -> Recommendation:
    """Send an adopted recommendation; the response is due `response_days` working days later."""
    rec = _locked(recommendation)
    need_manage(actor, rec.council.org_unit)
    sent_on = _today_or(sent_on)
    raise_errors(
        _date_errors(
            "sent_on",
            sent_on,
            not_before=rec.decided_on,
            before_text=_("It cannot be sent before it was adopted."),
        )
    )
    rec.sent_on = sent_on
    rec.response_deadline = response_deadline(sent_on, rec.response_days)
    _move(rec, S.SENT, actor=actor, note=note, fields=("sent_on", "response_deadline"))
    return _refresh(recommendation, rec)


@transaction.atomic
def recommendation_respond(
    *,
    actor: Any,
    recommendation: Recommendation,
    kind: str,
    text: str = "",
    reasons: str = "",
    received_on: dt.date | None = None,
) -> Recommendation:
    """Record the addressee's response. A rejection (or a partial acceptance) needs its reasons."""
    rec = _locked(recommendation)
    need_manage(actor, rec.council.org_unit)
    received_on = _today_or(received_on)
    errors: Errors = {}
    if kind not in ResponseKind.values:
        errors["kind"] = [_("Choose whether the recommendation was accepted, partly accepted or rejected.")]
    elif kind != ResponseKind.ACCEPTED and blank(reasons):
        errors["reasons"] = [_("Give the reasons the addressee gave for rejecting it (in whole or in part).")]
    errors |= _date_errors(
        "received_on",
        received_on,
        not_before=rec.sent_on,
        before_text=_("The response cannot come before the recommendation was sent."),
    )
    raise_errors(errors)
    rec.response_kind, rec.response_text = kind, (text or "").strip()
    rec.response_reasons, rec.response_on = (reasons or "").strip(), received_on
    _move(
        rec,
        S.ANSWERED,
        actor=actor,
        note=rec.response_reasons,
        fields=("response_kind", "response_text", "response_reasons", "response_on"),
    )
    return _refresh(recommendation, rec)


# Follow-up, implementation and assessment


@transaction.atomic
def progress_note_add(
    *, actor: Any, recommendation: Recommendation, text: str, noted_on: dt.date | None = None
) -> ProgressNote:
    """Note how the addressee is getting on with it (after it was sent, before the assessment)."""
    rec = _locked(recommendation)
    need_manage(actor, rec.council.org_unit)
    noted_on = _today_or(noted_on)
    errors: Errors = {}
    if blank(text):
        errors["text"] = [_("Write what has been done.")]
    if rec.status not in FOLLOW_UP:
        errors["__all__"] = [_("Progress is followed only after the recommendation was sent, until it is assessed.")]
    errors |= _date_errors(
        "noted_on",
        noted_on,
        not_before=rec.sent_on,
        before_text=_("The note cannot be dated before the recommendation was sent."),
    )
    raise_errors(errors)
    note = ProgressNote.objects.create(recommendation=rec, noted_on=noted_on, text=text.strip(), author=actor)
    audit.record(
        actor=actor,
        verb="councils.progress_noted",
        target=rec,
        org_unit=rec.council.org_unit,
        data={"note": note.pk, "on": noted_on},
    )
    return note


@transaction.atomic
def recommendation_implementation(
    *, actor: Any, recommendation: Recommendation, done: bool, note: str = "", on: dt.date | None = None
) -> Recommendation:
    """Record whether the answered recommendation was carried out; "not done" needs a note."""
    rec = _locked(recommendation)
    need_manage(actor, rec.council.org_unit)
    on = _today_or(on)
    errors: Errors = {}
    if not done and blank(note):
        errors["note"] = [_("Say what was not done.")]
    errors |= _date_errors(
        "on", on, not_before=rec.response_on, before_text=_("The date cannot be before the response.")
    )
    raise_errors(errors)
    rec.implementation_on, rec.implemented = on, bool(done)
    _move(rec, S.IMPLEMENTED if done else S.NOT_IMPLEMENTED, actor=actor, note=(note or "").strip(),
          fields=("implementation_on", "implemented"))  # fmt: skip
    return _refresh(recommendation, rec)


@transaction.atomic
def recommendation_assess(
    *, actor: Any, recommendation: Recommendation, assessment: str, note: str = "", on: dt.date | None = None
) -> Recommendation:
    """The council's own verdict on how its recommendation was dealt with."""
    rec = _locked(recommendation)
    need_manage(actor, rec.council.org_unit)
    on = _today_or(on)
    errors: Errors = {}
    if assessment not in Assessment.values:
        errors["assessment"] = [_("Choose the council's assessment.")]
    elif assessment != Assessment.SATISFIED and blank(note):
        errors["note"] = [_("Say why the council is not fully satisfied.")]
    errors |= _date_errors(
        "on", on, not_before=rec.implementation_on, before_text=_("The date cannot be before the implementation.")
    )
    raise_errors(errors)
    rec.assessment, rec.assessment_note, rec.assessed_on = assessment, (note or "").strip(), on
    _move(
        rec, S.ASSESSED, actor=actor, note=rec.assessment_note, fields=("assessment", "assessment_note", "assessed_on")
    )
    return _refresh(recommendation, rec)
