"""Reads of the elections module: what staff see in their scope, what the public sees, and a
member's own ballots and duties.

Staff see an election when its unit is in their scope for `elections.view`; the public sees every
election past its draft (not cancelled) and only public fields: candidates registered or standing,
never a document, a phone or a reason a member gave privately.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from amanat.core.permissions import get_visible_or_404
from amanat.elections.choices import CandidateStatus, CommissionRole, Phase
from amanat.elections.models import Candidate, CensusEntry, CommissionMember, Election, Trustee
from amanat.elections.permissions import ElectionAction

MAX_ID = 2**31 - 1
PUBLIC_PHASES = [p for p in Phase.values if p not in (Phase.DRAFT, Phase.CANCELLED)]
PUBLIC_CANDIDATES = (CandidateStatus.ACCEPTED, CandidateStatus.VALIDATED)


def clean_pk(pk: Any) -> int:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < value <= MAX_ID:
        raise Http404
    return value


def elections_for(user: Any, action: str = ElectionAction.VIEW) -> QuerySet[Election]:
    return Election.objects.visible_to(user, action).select_related("unit")


def election_get(user: Any, pk: Any, action: str = ElectionAction.VIEW) -> Election:
    """An election in the user's scope, or one whose commission the user sits on (404 otherwise)."""
    pk = clean_pk(pk)
    election = elections_for(user, action).filter(pk=pk).first()
    if election is None and getattr(user, "is_authenticated", False):
        election = Election.objects.select_related("unit").filter(pk=pk, commission__user=user).first()
    if election is None:
        raise Http404
    return election


def election_list(user: Any) -> QuerySet[Election]:
    return elections_for(user).annotate(
        n_candidates=Count("candidates", filter=Q(candidates__status=CandidateStatus.VALIDATED), distinct=True)
    )


def candidate_get(user: Any, pk: Any, action: str = ElectionAction.VIEW) -> Candidate:
    return get_visible_or_404(
        Candidate.objects.select_related("election__unit", "member__person", "nominating_unit"),
        user,
        action,
        pk=clean_pk(pk),
    )


def candidates_of(election: Election) -> list[Candidate]:
    return list(
        election.candidates.select_related("member__person", "nominating_unit")
        .prefetch_related("documents")
        .order_by("position", "pk")
    )


# --- public -----------------------------------------------------------------------------------


def public_elections() -> QuerySet[Election]:
    return Election.objects.filter(phase__in=PUBLIC_PHASES).select_related("unit")


def public_election(uuid: Any) -> Election:
    election = public_elections().filter(uuid=uuid).first()
    if election is None:
        raise Http404
    return election


def public_candidates(election: Election) -> list[Candidate]:
    """Who stands: once frozen, the ballot; before, the nominations accepted or registered."""
    statuses = (CandidateStatus.VALIDATED,) if election.manifest else PUBLIC_CANDIDATES
    return list(
        election.candidates.filter(status__in=statuses).select_related("member__person").order_by("position", "pk")
    )


def public_candidate(election: Election, pk: Any) -> Candidate:
    candidate = election.candidates.filter(pk=clean_pk(pk), status__in=PUBLIC_CANDIDATES).select_related(
        "member__person"
    )
    found = candidate.first()
    if found is None:
        raise Http404
    return found


# --- a member's own page --------------------------------------------------------------------


@dataclass
class MyElections:
    voter: list[Election] = field(default_factory=list)
    nominations: list[Candidate] = field(default_factory=list)
    trustee: list[Trustee] = field(default_factory=list)
    secretary: list[Election] = field(default_factory=list)
    commission: list[CommissionMember] = field(default_factory=list)
    can_stand: list[Election] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.voter or self.nominations or self.trustee or self.commission or self.can_stand)


def my_elections(user: Any) -> MyElections:
    """The elections in which the user votes, stands, holds a key share or sits on the commission."""
    from amanat.elections.services.census import eligible_members

    mine = MyElections()
    person_id = getattr(user, "person_id", None)
    if person_id:
        voter_ids = CensusEntry.objects.filter(member__person_id=person_id).values("election_id")
        mine.voter = list(
            Election.objects.filter(pk__in=voter_ids)
            .exclude(phase=Phase.CANCELLED)
            .select_related("unit")
            .order_by("-voting_opens_at")
        )
        mine.nominations = list(
            Candidate.objects.filter(member__person_id=person_id)
            .select_related("election__unit")
            .order_by("-election__voting_opens_at", "pk")
        )
        standing = {c.election_id for c in mine.nominations if c.status in ("proposed", "accepted", "validated")}
        for election in Election.objects.filter(phase=Phase.NOMINATIONS).exclude(kind="poll").select_related("unit"):
            if election.pk not in standing and eligible_members(election).filter(person_id=person_id).exists():
                mine.can_stand.append(election)
    mine.trustee = list(
        Trustee.objects.filter(user=user).exclude(election__phase=Phase.CANCELLED).select_related("election")
    )
    mine.commission = list(
        CommissionMember.objects.filter(user=user).exclude(election__phase=Phase.CANCELLED).select_related("election")
    )
    mine.secretary = [seat.election for seat in mine.commission if seat.role == CommissionRole.SECRETARY]
    return mine


def trustee_get(user: Any, pk: Any) -> Trustee:
    """The user's own trustee seat in election pk (404 otherwise)."""
    trustee = Trustee.objects.filter(election_id=clean_pk(pk), user=user).select_related("election__unit").first()
    if trustee is None:
        raise Http404
    return trustee


def secretary_election(user: Any, pk: Any) -> Election:
    """An election whose commission's secretary the user is (404 otherwise)."""
    seat = (
        CommissionMember.objects.filter(election_id=clean_pk(pk), user=user, role=CommissionRole.SECRETARY)
        .select_related("election__unit")
        .first()
    )
    if seat is None:
        raise Http404
    return seat.election


def own_candidate(user: Any, pk: Any) -> Candidate:
    """A nomination of the user themselves (404 otherwise)."""
    person_id = getattr(user, "person_id", None)
    candidate = (
        Candidate.objects.filter(pk=clean_pk(pk), member__person_id=person_id)
        .select_related("election__unit", "member__person")
        .first()
        if person_id
        else None
    )
    if candidate is None:
        raise Http404
    return candidate
