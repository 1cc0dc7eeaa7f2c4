"""Writes of a campaign: add, change and remove it, choose its nominee, move it through its
statuses.

`akim.manage` on the branch running the campaign is needed for each. The okrug must be a rural
okrug, village or settlement in the branch's territory; registration opens before it closes and
closes before election day. The nominee is an active member of the branch (its subtree), chosen
either by a published internal vote of kind "akim nominee" held in the branch — then the nominee
is that vote's winner — or by a dated decision of a party body. Refusals are field errors and
change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amanat.akim.choices import CampaignStatus, ChosenBy, DecisionBody
from amanat.akim.models import AkimCampaign, CampaignTransition
from amanat.akim.permissions import AkimAction
from amanat.akim.selectors import internal_vote_winner
from amanat.akim.workflow import allowed
from amanat.audit import services as audit
from amanat.core.permissions import has_action
from amanat.documents.models import Document
from amanat.elections.choices import ElectionKind
from amanat.elections.models import Election
from amanat.org.choices import MemberStatus, OrgUnitKind, TerritoryKind
from amanat.org.models import Member, OrgUnit

S = CampaignStatus
OKRUG_KINDS = (TerritoryKind.RURAL_OKRUG, TerritoryKind.SETTLEMENT)
BRANCH_KINDS = (OrgUnitKind.REGIONAL, OrgUnitKind.CITY, OrgUnitKind.DISTRICT)
CAMPAIGN_FIELDS = (
    *("org_unit", "okrug", "election_date", "registration_opens_on", "registration_closes_on", "is_public"),
    *("nominee_bio_kk", "nominee_bio_ru", "nominee_bio_en"),
)
BIO_FIELDS = ("nominee_bio_kk", "nominee_bio_ru", "nominee_bio_en")
NOMINEE_FIELDS = (
    *("nominee", "chosen_by", "election", "decision_on", "decision_body", "decision_number"),
    *("decision_document", *BIO_FIELDS),
)


# Dates outside these years are typing mistakes (and would overflow date arithmetic).
YEARS = (2000, 2100)


def out_of_range(value: dt.date | None) -> bool:
    return value is not None and not YEARS[0] <= value.year <= YEARS[1]


def range_error() -> str:
    return _("Give a date between %(first)s and %(last)s.") % {"first": YEARS[0], "last": YEARS[1]}


def need_manage(actor: Any, unit: OrgUnit | None) -> None:
    if unit is None or not has_action(actor, AkimAction.MANAGE, unit):
        raise PermissionDenied


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _campaign_errors(values: Mapping[str, Any], *, pk: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unit, okrug, day = values.get("org_unit"), values.get("okrug"), values.get("election_date")
    if unit is None:
        errors["org_unit"] = [_("Choose the branch running the campaign.")]
    elif unit.kind not in BRANCH_KINDS:
        errors["org_unit"] = [_("A campaign is run by a district, city or regional branch.")]
    if okrug is None:
        errors["okrug"] = [_("Choose the rural okrug.")]
    elif okrug.kind not in OKRUG_KINDS:
        errors["okrug"] = [_("Akims are elected in rural okrugs, villages and settlements: choose one of them.")]
    elif unit is not None and unit.territory_id and not okrug.path.startswith(unit.territory.path):
        errors["okrug"] = [_("The okrug lies outside the branch's territory.")]
    if day is None:
        errors["election_date"] = [_("Give the election day.")]
    opens, closes = values.get("registration_opens_on"), values.get("registration_closes_on")
    wild = [
        n for n in ("election_date", "registration_opens_on", "registration_closes_on") if out_of_range(values.get(n))
    ]
    if wild:
        return errors | {name: [range_error()] for name in wild}
    if opens and closes and closes < opens:
        errors["registration_closes_on"] = [_("Registration cannot close before it opens.")]
    elif day and closes and closes >= day:
        errors["registration_closes_on"] = [_("Registration must close before election day.")]
    elif day and opens and opens >= day:
        errors["registration_opens_on"] = [_("Registration must open before election day.")]
    if okrug is not None and day is not None and "okrug" not in errors:
        taken = AkimCampaign.objects.filter(okrug=okrug, election_date=day).exclude(pk=pk)
        if taken.exists():
            errors["okrug"] = [_("There is already a campaign in this okrug on this election day.")]
    return errors


def _record_transition(campaign: AkimCampaign, *, to: str, actor: Any, note: str = "") -> None:
    before = campaign.status
    CampaignTransition.objects.create(
        campaign=campaign, from_status=before, to_status=to, actor=actor if getattr(actor, "pk", None) else None,
        note=note, at=timezone.now(),
    )  # fmt: skip
    campaign.status = to
    campaign.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor, verb="akim.campaign_transition", target=campaign, data={"from": before, "to": to, "note": note}
    )


def _locked(campaign: AkimCampaign) -> AkimCampaign:
    return AkimCampaign.objects.select_for_update().select_related("org_unit", "okrug").get(pk=campaign.pk)


@transaction.atomic
def campaign_create(*, actor: Any, values: Mapping[str, Any]) -> AkimCampaign:
    """Add the party's campaign in a rural okrug, run by a branch the actor manages."""
    values = {name: values[name] for name in CAMPAIGN_FIELDS if name in values}
    need_manage(actor, values.get("org_unit"))
    if errors := _campaign_errors(values, pk=None):
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            campaign = AkimCampaign.objects.create(created_by=actor if getattr(actor, "pk", None) else None, **values)
    except IntegrityError:  # another request added the same okrug and day a moment ago
        raise ValidationError(
            {"okrug": [_("There is already a campaign in this okrug on this election day.")]}
        ) from None
    audit.record(
        actor=actor,
        verb="akim.campaign_created",
        target=campaign,
        data={"okrug": campaign.okrug_id, "election_date": campaign.election_date},
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor: Any, campaign: AkimCampaign, values: Mapping[str, Any]) -> AkimCampaign:
    """Change the okrug, dates, branch or public text of a campaign that has no result yet."""
    campaign = _locked(campaign)
    need_manage(actor, campaign.org_unit)
    values = {name: values[name] for name in CAMPAIGN_FIELDS if name in values}
    if values.get("org_unit") is not None and values["org_unit"] != campaign.org_unit:
        need_manage(actor, values["org_unit"])
    if campaign.status in (S.RESULT, S.WITHDRAWN):
        raise ValidationError({"status": [_("The campaign is over: it can no longer be changed.")]})
    merged = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS} | values
    errors = _campaign_errors(merged, pk=campaign.pk)
    day = merged.get("election_date")
    if day and campaign.decision_on and campaign.decision_on > day:
        errors.setdefault("election_date", []).append(_("The party's decision on the nominee is dated after this day."))
    if day and campaign.registered_on and campaign.registered_on >= day:
        errors.setdefault("election_date", []).append(_("The nominee was registered after this day."))
    if campaign.nominee_id and merged.get("org_unit") and merged["org_unit"] != campaign.org_unit:
        nominee_unit = campaign.nominee.org_unit
        if not nominee_unit.path.startswith(merged["org_unit"].path):
            errors["org_unit"] = [_("The nominee is not a member of this branch.")]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(campaign, values)
    for name, value in values.items():
        setattr(campaign, name, value)
    campaign.save()
    if changes := audit.diff(before, audit.snapshot(campaign, values)):
        audit.record(actor=actor, verb="akim.campaign_updated", target=campaign, changes=changes)
    return campaign


@transaction.atomic
def campaign_delete(*, actor: Any, campaign: AkimCampaign) -> None:
    """Hide a campaign (kept and audited): only one still being planned, or withdrawn."""
    campaign = _locked(campaign)
    need_manage(actor, campaign.org_unit)
    if campaign.status not in (S.PLANNING, S.WITHDRAWN):
        raise ValidationError({"status": [_("Only a campaign still being planned, or withdrawn, can be removed.")]})
    campaign.soft_delete(actor=actor)
    audit.record(actor=actor, verb="akim.campaign_deleted", target=campaign)


def _nominee_errors(campaign: AkimCampaign, values: Mapping[str, Any], today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    nominee: Member | None = values.get("nominee")
    chosen_by = values.get("chosen_by")
    if nominee is None:
        errors["nominee"] = [_("Choose the nominee.")]
    elif nominee.deleted_at is not None or nominee.status != MemberStatus.ACTIVE:
        errors["nominee"] = [_("The nominee must be an active party member.")]
    elif not nominee.org_unit.path.startswith(campaign.org_unit.path):
        errors["nominee"] = [_("The nominee is not a member of the branch running the campaign.")]
    elif (
        AkimCampaign.objects.filter(nominee=nominee, election_date=campaign.election_date)
        .exclude(pk=campaign.pk)
        .exclude(status=S.WITHDRAWN)
        .exists()
    ):
        errors["nominee"] = [_("This member is already the party's nominee in another okrug on the same day.")]
    if chosen_by == ChosenBy.INTERNAL_VOTE:
        election: Election | None = values.get("election")
        if election is None:
            errors["election"] = [_("Choose the internal vote.")]
        elif election.kind != ElectionKind.AKIM_NOMINEE:
            errors["election"] = [_("This vote was not held to choose an akim nominee.")]
        elif not election.unit.path.startswith(campaign.org_unit.path):
            errors["election"] = [_("This vote was held outside the branch running the campaign.")]
        else:
            winner = internal_vote_winner(election)
            if winner is None:
                errors["election"] = [_("The vote has no published result with a single winner yet.")]
            elif nominee is not None and winner.candidate.member_id != nominee.pk:
                errors["nominee"] = [
                    _("The winner of this vote is %(name)s: only the winner can be the nominee.")
                    % {"name": winner.candidate.member.person.full_name}
                ]
    elif chosen_by == ChosenBy.DECISION:
        decided = values.get("decision_on")
        if decided is None:
            errors["decision_on"] = [_("Give the date of the decision.")]
        elif out_of_range(decided):
            errors["decision_on"] = [range_error()]
        elif decided > today:
            errors["decision_on"] = [_("The decision cannot be dated in the future.")]
        elif decided > campaign.election_date:
            errors["decision_on"] = [_("The decision must come before election day.")]
        if values.get("decision_body") not in DecisionBody.values:
            errors["decision_body"] = [_("Choose the body that decided.")]
        document: Document | None = values.get("decision_document")
        if document is not None:
            unit_path, doc_path = campaign.org_unit.path, document.org_unit.path
            if not (unit_path.startswith(doc_path) or doc_path.startswith(unit_path)):
                errors["decision_document"] = [_("The document was adopted by an unrelated branch.")]
    else:
        errors["chosen_by"] = [_("Say how the nominee was chosen: by an internal vote or by a decision.")]
    return errors


@transaction.atomic
def campaign_choose_nominee(
    *, actor: Any, campaign: AkimCampaign, values: Mapping[str, Any], note: str = "", today: dt.date | None = None
) -> AkimCampaign:
    """Name the party's nominee and how they were chosen; the campaign moves to "nominee chosen"."""
    campaign = _locked(campaign)
    need_manage(actor, campaign.org_unit)
    if campaign.status != S.PLANNING:
        raise ValidationError({"status": [_("The nominee is chosen while the campaign is being planned.")]})
    values = {name: values[name] for name in NOMINEE_FIELDS if name in values}
    if errors := _nominee_errors(campaign, values, _today(today)):
        raise ValidationError(errors)
    if values["chosen_by"] == ChosenBy.INTERNAL_VOTE:
        values |= {"decision_on": None, "decision_body": "", "decision_number": "", "decision_document": None}
    else:
        values["election"] = None
    for name in NOMINEE_FIELDS:
        if name in values:
            setattr(campaign, name, values[name] if values[name] is not None or name not in BIO_FIELDS else "")
    campaign.save()
    audit.record(
        actor=actor,
        verb="akim.nominee_chosen",
        target=campaign,
        data={
            "nominee": campaign.nominee_id,
            "chosen_by": campaign.chosen_by,
            "election": campaign.election_id,
            "decision_on": campaign.decision_on,
            "decision_number": campaign.decision_number,
        },
    )
    _record_transition(campaign, to=S.NOMINEE_CHOSEN, actor=actor, note=note)
    return campaign


@transaction.atomic
def campaign_take_winner(
    *, actor: Any, campaign: AkimCampaign, election: Election, today: dt.date | None = None
) -> AkimCampaign:
    """Take the winner of a published internal vote as the nominee, with the biography they gave
    as a candidate."""
    winner = internal_vote_winner(election)
    if winner is None:
        raise ValidationError({"election": [_("The vote has no published result with a single winner yet.")]})
    candidate = winner.candidate
    values = {
        "nominee": candidate.member,
        "chosen_by": ChosenBy.INTERNAL_VOTE,
        "election": election,
        "nominee_bio_kk": candidate.biography_kk or campaign.nominee_bio_kk,
        "nominee_bio_ru": candidate.biography_ru or campaign.nominee_bio_ru,
        "nominee_bio_en": candidate.biography_en or campaign.nominee_bio_en,
    }
    return campaign_choose_nominee(actor=actor, campaign=campaign, values=values, today=today)


@transaction.atomic
def campaign_transition(
    *,
    actor: Any,
    campaign: AkimCampaign,
    to: str,
    note: str = "",
    registered_on: dt.date | None = None,
    today: dt.date | None = None,
) -> AkimCampaign:
    """Move the campaign on: registered (with the commission's date), campaigning, back to
    planning to reconsider the nominee, or withdrawn (both with a reason)."""
    campaign = _locked(campaign)
    need_manage(actor, campaign.org_unit)
    note = (note or "").strip()
    if to == S.NOMINEE_CHOSEN:
        raise ValidationError({"to": [_("Choose the nominee on the nominee form.")]})
    if to == S.RESULT:
        raise ValidationError({"to": [_("The result comes with the outcome of the election.")]})
    if to not in S.values or not allowed(campaign.status, to):
        raise ValidationError(
            {
                "to": [
                    _("A campaign cannot go from “%(from)s” to this status.") % {"from": campaign.get_status_display()}
                ]
            }
        )
    errors: dict[str, list[str]] = {}
    if to in (S.PLANNING, S.WITHDRAWN) and not note:
        errors["note"] = [_("Give the reason.")]
    if to == S.REGISTERED:
        if registered_on is None:
            errors["registered_on"] = [_("Give the date the election commission registered the nominee.")]
        elif out_of_range(registered_on):
            errors["registered_on"] = [range_error()]
        elif registered_on > _today(today):
            errors["registered_on"] = [_("The date cannot be in the future.")]
        elif registered_on >= campaign.election_date:
            errors["registered_on"] = [_("Registration must come before election day.")]
        elif campaign.registration_opens_on and registered_on < campaign.registration_opens_on:
            errors["registered_on"] = [_("Registration had not opened yet on that day.")]
    if errors:
        raise ValidationError(errors)
    if to == S.REGISTERED:
        campaign.registered_on = registered_on
        campaign.save(update_fields=["registered_on", "updated_at"])
    _record_transition(campaign, to=to, actor=actor, note=note)
    return campaign
