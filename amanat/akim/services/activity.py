"""Writes of what happens in a campaign: its events (meetings with voters), the other candidates
in the okrug, and the outcome of each round.

`akim.manage` on the campaign's branch is needed. An event ends after it starts, takes place no
later than election day (unless a second round is under way), and has its attendance recorded
only once it has begun. An outcome is entered from election day on, by a campaign that is
campaigning (or, to correct it, has its result): the nominee's votes never exceed the votes cast,
the turnout is a percentage, a second round comes only after a first one that called for it, and a
final outcome (won or lost) moves the campaign to its result. Refusals are field errors and change
nothing.
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

from amanat.akim.choices import FINAL_OUTCOMES, CampaignStatus, NominatedBy, Outcome
from amanat.akim.models import AkimCampaign, CampaignEvent, CampaignOutcome, OtherCandidate
from amanat.akim.services.campaigns import _locked, _record_transition, need_manage, out_of_range, range_error
from amanat.audit import services as audit

S = CampaignStatus
EVENT_FIELDS = ("kind", "title_kk", "title_ru", "title_en", "starts_at", "ends_at", "place", "attendance")
MAX_PEOPLE = 1_000_000


def _no_longer_open(campaign: AkimCampaign) -> None:
    if campaign.status == S.WITHDRAWN:
        raise ValidationError({"status": [_("The campaign was withdrawn: it can no longer be changed.")]})


def _event_errors(campaign: AkimCampaign, values: Mapping[str, Any], now: dt.datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    start, end = values.get("starts_at"), values.get("ends_at")
    if start is None:
        errors["starts_at"] = [_("Give the start date and time.")]
    elif out_of_range(start):
        errors["starts_at"], start = [range_error()], None
    if end is None:
        errors["ends_at"] = [_("Give the end date and time.")]
    elif out_of_range(end):
        errors["ends_at"], end = [range_error()], None
    if start and end and end <= start:
        errors["ends_at"] = [_("The event cannot end before it starts.")]
    if start and "starts_at" not in errors:
        pending = [o for o in campaign.outcomes.all() if o.outcome == Outcome.SECOND_ROUND]
        if not pending and timezone.localtime(start).date() > campaign.election_date:
            errors["starts_at"] = [_("Campaign events take place no later than election day.")]
    if not (values.get("place") or "").strip():
        errors["place"] = [_("Say where the event takes place.")]
    if values.get("kind") is None:
        errors["kind"] = [_("Choose the kind of event.")]
    attendance = values.get("attendance")
    if attendance is not None:
        if attendance < 0 or attendance > MAX_PEOPLE:
            errors["attendance"] = [_("Give the number of people who came.")]
        elif start and start > now:
            errors["attendance"] = [_("Attendance is recorded once the event has begun.")]
    return errors


@transaction.atomic
def event_create(
    *, actor: Any, campaign: AkimCampaign, values: Mapping[str, Any], now: dt.datetime | None = None
) -> CampaignEvent:
    """Add a meeting with voters (or another event) to the campaign."""
    campaign = _locked(campaign)
    need_manage(actor, campaign.org_unit)
    _no_longer_open(campaign)
    values = {name: values[name] for name in EVENT_FIELDS if name in values}
    if errors := _event_errors(campaign, values, now or timezone.now()):
        raise ValidationError(errors)
    event = CampaignEvent.objects.create(campaign=campaign, **values)
    audit.record(
        actor=actor,
        verb="akim.event_created",
        target=event,
        data={"campaign": campaign.pk, "starts_at": event.starts_at},
    )
    return event


@transaction.atomic
def event_update(
    *, actor: Any, event: CampaignEvent, values: Mapping[str, Any], now: dt.datetime | None = None
) -> CampaignEvent:
    """Change an event's time or place, or record how many people came."""
    event = CampaignEvent.objects.select_for_update().select_related("campaign__org_unit").get(pk=event.pk)
    campaign = event.campaign
    need_manage(actor, campaign.org_unit)
    _no_longer_open(campaign)
    values = {name: values[name] for name in EVENT_FIELDS if name in values}
    merged = {name: getattr(event, name) for name in EVENT_FIELDS} | values
    if errors := _event_errors(campaign, merged, now or timezone.now()):
        raise ValidationError(errors)
    before = audit.snapshot(event, values)
    for name, value in values.items():
        setattr(event, name, value)
    event.save()
    if changes := audit.diff(before, audit.snapshot(event, values)):
        audit.record(actor=actor, verb="akim.event_updated", target=event, changes=changes)
    return event


@transaction.atomic
def event_delete(*, actor: Any, event: CampaignEvent) -> None:
    """Hide an event (kept and audited)."""
    event = CampaignEvent.objects.select_for_update().select_related("campaign__org_unit").get(pk=event.pk)
    need_manage(actor, event.campaign.org_unit)
    _no_longer_open(event.campaign)
    event.soft_delete(actor=actor)
    audit.record(actor=actor, verb="akim.event_deleted", target=event)


@transaction.atomic
def candidate_create(
    *, actor: Any, campaign: AkimCampaign, name: str, nominated_by: str, nominator: str = ""
) -> OtherCandidate:
    """Add another candidate registered in the okrug (as the election commission published)."""
    campaign = _locked(campaign)
    need_manage(actor, campaign.org_unit)
    _no_longer_open(campaign)
    name, nominator = (name or "").strip(), (nominator or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the candidate's full name.")]
    elif name.casefold() in {n.casefold() for n in campaign.other_candidates.values_list("name", flat=True)}:
        # compared in Python: SQLite folds the case of Latin letters only
        errors["name"] = [_("This candidate is already listed.")]
    if nominated_by not in NominatedBy.values:
        errors["nominated_by"] = [_("Say who nominated the candidate.")]
    elif nominated_by != NominatedBy.SELF and not nominator:
        errors["nominator"] = [_("Name the party or association that nominated the candidate.")]
    if errors:
        raise ValidationError(errors)
    if nominated_by == NominatedBy.SELF:
        nominator = ""
    candidate = OtherCandidate.objects.create(
        campaign=campaign, name=name, nominated_by=nominated_by, nominator=nominator
    )
    audit.record(actor=actor, verb="akim.candidate_created", target=candidate, data={"campaign": campaign.pk})
    return candidate


@transaction.atomic
def candidate_delete(*, actor: Any, candidate: OtherCandidate) -> None:
    """Remove another candidate from the list (kept and audited)."""
    candidate = OtherCandidate.objects.select_for_update().select_related("campaign__org_unit").get(pk=candidate.pk)
    need_manage(actor, candidate.campaign.org_unit)
    _no_longer_open(candidate.campaign)
    candidate.soft_delete(actor=actor)
    audit.record(actor=actor, verb="akim.candidate_deleted", target=candidate)


def _count(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= 10 * MAX_PEOPLE and str(number) == str(value).strip() else None


def _outcome_errors(
    campaign: AkimCampaign, values: Mapping[str, Any], existing: CampaignOutcome | None, today: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    round_ = values.get("round")
    outcome = values.get("outcome")
    outcomes = {o.round: o for o in campaign.outcomes.all()}
    if round_ not in (1, 2):
        errors["round"] = [_("The round is 1 or 2.")]
    elif round_ == 2 and (1 not in outcomes or outcomes[1].outcome != Outcome.SECOND_ROUND):
        errors["round"] = [_("A second round follows only a first round that called for it.")]
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    elif round_ == 2 and outcome == Outcome.SECOND_ROUND:
        errors["outcome"] = [_("A second round ends with a win or a loss.")]
    elif existing is not None and (existing.outcome in FINAL_OUTCOMES) != (outcome in FINAL_OUTCOMES):
        errors["outcome"] = [_("A correction cannot turn a final result into a second round or back.")]
    votes_for, votes_total = _count(values.get("votes_for_nominee")), _count(values.get("votes_total"))
    if votes_for is None:
        errors["votes_for_nominee"] = [_("Give the votes for the nominee as a whole number.")]
    if votes_total is None or votes_total == 0:
        errors["votes_total"] = [_("Give the number of votes cast as a whole number.")]
    if votes_for is not None and votes_total and votes_for > votes_total:
        errors["votes_for_nominee"] = [_("The nominee cannot have more votes than were cast.")]
    turnout = values.get("turnout")
    if turnout not in (None, ""):
        try:
            share = Decimal(str(turnout))
        except InvalidOperation:
            share = None
        if share is None or not share.is_finite() or not 0 <= share <= 100:
            errors["turnout"] = [_("The turnout is a percentage from 0 to 100.")]
        elif share.as_tuple().exponent < -2:  # type: ignore[operator]
            errors["turnout"] = [_("Give the turnout with at most two decimals.")]
    decided = values.get("decided_on")
    if decided is None:
        errors["decided_on"] = [_("Give the date of the result.")]
    elif out_of_range(decided):
        errors["decided_on"] = [range_error()]
    elif decided > today:
        errors["decided_on"] = [_("The date cannot be in the future.")]
    elif decided < campaign.election_date:
        errors["decided_on"] = [_("The result cannot come before election day.")]
    elif round_ == 2 and 1 in outcomes and decided <= outcomes[1].decided_on:
        errors["decided_on"] = [_("The second round comes after the first.")]
    if not (values.get("source") or "").strip():
        errors["source"] = [_("Say where the result comes from (the election commission's decision or page).")]
    return errors


@transaction.atomic
def outcome_save(
    *, actor: Any, campaign: AkimCampaign, values: Mapping[str, Any], today: dt.date | None = None
) -> CampaignOutcome:
    """Record (or correct) the outcome of a round for the nominee; a win or a loss gives the
    campaign its result, a second round keeps it campaigning."""
    campaign = _locked(campaign)
    need_manage(actor, campaign.org_unit)
    today = today or timezone.localdate()
    round_ = values.get("round") or 1
    existing = CampaignOutcome.objects.select_for_update().filter(campaign=campaign, round=round_).first()
    if campaign.status not in (S.CAMPAIGNING, S.RESULT) or (campaign.status == S.RESULT and existing is None):
        raise ValidationError({"status": [_("The outcome is recorded once the nominee is campaigning.")]})
    if campaign.election_date > today:
        raise ValidationError({"decided_on": [_("The election has not taken place yet.")]})
    values = dict(values) | {"round": round_}
    if errors := _outcome_errors(campaign, values, existing, today):
        raise ValidationError(errors)
    turnout = values.get("turnout")
    fields = {
        "outcome": values["outcome"],
        "votes_for_nominee": int(values["votes_for_nominee"]),
        "votes_total": int(values["votes_total"]),
        "turnout": Decimal(str(turnout)) if turnout not in (None, "") else None,
        "decided_on": values["decided_on"],
        "source": values["source"].strip(),
    }
    if existing is None:
        result = CampaignOutcome.objects.create(campaign=campaign, round=round_, entered_by=actor, **fields)
        changes = {}
    else:
        before = audit.snapshot(existing, fields)
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.entered_by = actor
        existing.save()
        result = existing
        changes = audit.diff(before, audit.snapshot(existing, fields))
    audit.record(
        actor=actor, verb="akim.outcome_saved", target=result, data={"campaign": campaign.pk, "round": round_},
        changes=changes,
    )  # fmt: skip
    if result.outcome in FINAL_OUTCOMES and campaign.status == S.CAMPAIGNING:
        _record_transition(campaign, to=S.RESULT, actor=actor)
    return result
