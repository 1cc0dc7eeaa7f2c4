"""Reads of the akim campaigns module: what a user may see, the public lists, and the winner of an
internal vote that may become the nominee.

Staff see the campaigns of the branches in their scope (a grant covers the unit's subtree). The
public sees campaigns whose nominee the party has named, with the nominee's name and public
biography only: no other candidate is named and no member's data is shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from amanat.akim.choices import Outcome
from amanat.akim.models import AkimCampaign, CampaignEvent, CampaignOutcome, OtherCandidate
from amanat.akim.permissions import AkimAction
from amanat.akim.workflow import PUBLIC
from amanat.core.permissions import in_subtree
from amanat.elections.choices import CandidateStatus, ElectionKind, Phase
from amanat.elections.models import Candidate, Election

MAX_ID = 2**31 - 1
RELATED = ("org_unit", "okrug", "nominee__person")


def _pk(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_ID:
        raise Http404
    return pk


def with_details(queryset: QuerySet[AkimCampaign]) -> QuerySet[AkimCampaign]:
    """The campaign's live events, other candidates and outcomes, fetched in three queries."""
    return queryset.prefetch_related(
        Prefetch("events", queryset=CampaignEvent.objects.order_by("starts_at", "pk")),
        Prefetch("other_candidates", queryset=OtherCandidate.objects.order_by("name", "pk")),
        Prefetch("outcomes", queryset=CampaignOutcome.objects.order_by("round")),
    )


def campaigns_for(user: Any, action: str = AkimAction.VIEW) -> QuerySet[AkimCampaign]:
    """Campaigns run by branches in the user's scope."""
    return AkimCampaign.objects.visible_to(user, action).select_related(*RELATED)


def campaign_get(user: Any, pk: Any, action: str = AkimAction.VIEW) -> AkimCampaign:
    """One campaign in the user's scope; out of scope and missing both answer 404."""
    campaign = with_details(campaigns_for(user, action).select_related("election", "decision_document")).filter(
        pk=_pk(pk)
    )
    found = campaign.first()
    if found is None:
        raise Http404
    return found


def event_get(user: Any, pk: Any, action: str = AkimAction.MANAGE) -> CampaignEvent:
    event = (
        CampaignEvent.objects.visible_to(user, action)
        .select_related("campaign__org_unit", "campaign__okrug")
        .filter(pk=_pk(pk), campaign__deleted_at__isnull=True)
        .first()
    )
    if event is None:
        raise Http404
    return event


def candidate_get(user: Any, pk: Any, action: str = AkimAction.MANAGE) -> OtherCandidate:
    candidate = (
        OtherCandidate.objects.visible_to(user, action)
        .select_related("campaign__org_unit")
        .filter(pk=_pk(pk), campaign__deleted_at__isnull=True)
        .first()
    )
    if candidate is None:
        raise Http404
    return candidate


# --- the public site ------------------------------------------------------------------------


def public_campaigns() -> QuerySet[AkimCampaign]:
    """Campaigns shown on the public site: marked public, with the nominee named."""
    return AkimCampaign.objects.filter(is_public=True, status__in=PUBLIC).select_related(*RELATED)


def public_campaign_get(pk: Any) -> AkimCampaign:
    found = with_details(public_campaigns()).filter(pk=_pk(pk)).first()
    if found is None:
        raise Http404
    return found


# --- the internal vote ----------------------------------------------------------------------


@dataclass(frozen=True)
class Winner:
    election: Election
    candidate: Candidate
    votes: int


def _ballot_candidate_ids(election: Election) -> list[int]:
    """The candidates in ballot order: as the frozen manifest lists them (protocol §2), or, for an
    election without a manifest, the registered candidates in their order on the ballot."""
    if election.manifest:
        try:
            return [int(c["id"]) for c in json.loads(election.manifest)["candidates"]]
        except (ValueError, KeyError, TypeError):
            return []
    return list(
        Candidate.objects.filter(election=election, status=CandidateStatus.VALIDATED)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )


def internal_vote_winner(election: Election) -> Winner | None:
    """The member who won a published internal vote for the akim nominee; None when the result is
    not published, names no member, or ends in a tie for first place."""
    if election.kind != ElectionKind.AKIM_NOMINEE or election.phase != Phase.PUBLISHED:
        return None
    counts = (election.result or {}).get("counts") if isinstance(election.result, dict) else None
    ids = _ballot_candidate_ids(election)
    if not isinstance(counts, list) or not counts or len(counts) != len(ids):
        return None
    try:
        votes = [int(c) for c in counts]
    except (TypeError, ValueError):
        return None
    best = max(votes)
    if best <= 0 or votes.count(best) > 1:
        return None
    candidate = (
        Candidate.objects.filter(election=election, pk=ids[votes.index(best)], member__isnull=False)
        .select_related("member__person")
        .first()
    )
    if candidate is None:
        return None
    return Winner(election=election, candidate=candidate, votes=best)


def nominee_votes(campaign: AkimCampaign) -> QuerySet[Election]:
    """Internal votes for an akim nominee held in the campaign's branch (its subtree)."""
    return (
        Election.objects.filter(kind=ElectionKind.AKIM_NOMINEE)
        .filter(in_subtree("unit", campaign.org_unit))
        .order_by("-voting_opens_at", "pk")
    )


def winner_offers(campaign: AkimCampaign) -> list[Winner]:
    """Published internal votes of the campaign's branch whose winner could be taken as nominee."""
    offers = []
    for election in nominee_votes(campaign).filter(phase=Phase.PUBLISHED)[:10]:
        winner = internal_vote_winner(election)
        if winner is not None:
            offers.append(winner)
    return offers


def second_round_pending(campaign: AkimCampaign) -> bool:
    outcomes = list(campaign.outcomes.all())
    return bool(outcomes) and outcomes[-1].outcome == Outcome.SECOND_ROUND
