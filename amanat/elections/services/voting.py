"""Casting ballots and closing the vote (protocol §5, §8).

A ballot is accepted only while the election is in `voting` and the clock is inside its window,
from a member of the frozen census, under a credential on the published list, when every proof
and the signature verify. The first ballot binds the credential to the member who cast it; from
then on that credential belongs to that member and the member to that credential. A later ballot
replaces the earlier one: both stay on the board, only the last counts. Sending the same ballot
again (same tracker) gives the same answer and adds nothing.

Proofs are verified before the election's row is locked (they take milliseconds); everything that
depends on the board's state is checked again under the lock, so two casts at once under one
credential end with exactly one counted ballot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.audit.services import record
from amanat.elections.choices import Phase
from amanat.elections.models import Ballot, BoardEntry, CensusEntry, Credential, Election
from amanat.elections.services import board
from votecrypto.ballot import BallotError, ciphertext_blob, tracker, verify_ballot
from votecrypto.encoding import cjson
from votecrypto.group import Point

# What the voter reads for each refusal, by code. The ballot's own codes come from votecrypto.
MESSAGES = {
    "not_voting": _("Voting in this election is not open."),
    "not_open": _("Voting has not opened yet."),
    "closed": _("Voting has closed."),
    "not_in_census": _("You are not on the list of voters of this election."),
    "unknown_credential": _("This credential is not on the election's list. Check it and try again."),
    "credential_taken": _("This credential has already been used by another member."),
    "other_credential": _("You have already voted with another credential. Use the same credential to vote again."),
    "json": _("The ballot could not be read."),
    "shape": _("The ballot is malformed."),
    "election": _("This ballot was made for another election."),
    "manifest": _("This ballot was made for other rules of the election. Reload the page and vote again."),
    "credential": _("This credential is not on the election's list. Check it and try again."),
    "point": _("The ballot contains an invalid encryption."),
    "proof": _("A proof in the ballot does not verify."),
    "sum_proof": _("The number of choices in the ballot is not allowed."),
    "signature": _("The ballot's signature does not match its credential."),
}

# Codes that mean "not now" rather than "not this ballot" (the API answers them 409).
TIMING = frozenset({"not_voting", "not_open", "closed"})


def refusal(code: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code)


@dataclass(frozen=True)
class Rules:
    """What a ballot is checked against, read from the frozen manifest."""

    election: str
    manifest_hash: str
    public_key: Point
    candidates: int
    min_choices: int
    max_choices: int


@lru_cache(maxsize=64)
def _rules(manifest_hash: str, manifest: str) -> Rules:
    data = json.loads(manifest)
    return Rules(
        election=data["election"],
        manifest_hash=manifest_hash,
        public_key=Point.from_hex(data["public_key"]),
        candidates=len(data["candidates"]),
        min_choices=data["min_choices"],
        max_choices=data["max_choices"],
    )


def rules(election: Election) -> Rules:
    return _rules(election.manifest_hash, election.manifest)


def _check_open(election: Election) -> None:
    if election.phase != Phase.VOTING:
        if election.phase == Phase.FROZEN:
            raise refusal("not_open")
        if election.phase in (Phase.CLOSED, Phase.TALLIED, Phase.PUBLISHED):
            raise refusal("closed")
        raise refusal("not_voting")
    now = timezone.now()
    if now < election.voting_opens_at:
        raise refusal("not_open")
    if now >= election.voting_closes_at:
        raise refusal("closed")


def census_entry(election: Election, user: Any) -> CensusEntry | None:
    """The user's line in the election's census (None when the user is not a voter in it)."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    return (
        CensusEntry.objects.filter(election=election, member__person_id=person_id, member__deleted_at__isnull=True)
        .select_related("member", "tally_unit")
        .first()
    )


def _answer_for(existing: Ballot, entry: CensusEntry) -> tuple[Ballot, bool]:
    """The answer to a ballot already on the board: the same as when it was first cast."""
    if existing.credential.voter_id != entry.member_id:
        raise refusal("credential_taken")
    replaced = Ballot.objects.filter(credential=existing.credential, board_seq__lt=existing.board_seq).exists()
    existing.repeat = True  # the views answer 200 instead of 201
    return existing, replaced


def cast_ballot(election: Election, user: Any, ballot: Any) -> tuple[Ballot, bool]:
    """Put the user's ballot on the board; answer (the Ballot, whether it replaced an earlier one).

    Refusals raise ValidationError with one of the codes of MESSAGES; nothing is stored then.
    """
    _check_open(election)
    entry = census_entry(election, user)
    if entry is None:
        raise refusal("not_in_census")
    if not isinstance(ballot, dict):
        raise refusal("shape")
    try:
        code = tracker(ballot)
    except (TypeError, ValueError) as exc:
        raise refusal("json") from exc
    existing = Ballot.objects.filter(election=election, tracker=code).select_related("credential").first()
    if existing is not None:
        return _answer_for(existing, entry)
    public = ballot.get("credential")
    if not isinstance(public, str) or not Credential.objects.filter(election=election, public=public).exists():
        # A foreign election's ballot names a credential of that election: say so when we can.
        if ballot.get("election") not in (None, str(election.uuid)):
            raise refusal("election")
        raise refusal("unknown_credential")
    r = rules(election)
    try:
        verify_ballot(
            ballot,
            election=r.election,
            manifest_hash=r.manifest_hash,
            public_key=r.public_key,
            candidates=r.candidates,
            min_choices=r.min_choices,
            max_choices=r.max_choices,
        )
    except BallotError as exc:
        raise refusal(exc.code if exc.code in MESSAGES else "shape") from exc
    return _store(election, entry, ballot, code, public)


def _store(election: Election, entry: CensusEntry, ballot: dict, code: str, public: str) -> tuple[Ballot, bool]:
    with transaction.atomic():
        election = board.locked(election)
        _check_open(election)
        existing = Ballot.objects.filter(election=election, tracker=code).select_related("credential").first()
        if existing is not None:
            return _answer_for(existing, entry)
        credential = Credential.objects.select_for_update().get(election=election, public=public)
        if credential.voter_id is not None and credential.voter_id != entry.member_id:
            raise refusal("credential_taken")
        if credential.voter_id is None and Credential.objects.filter(election=election, voter=entry.member).exists():
            raise refusal("other_credential")
        previous = Ballot.objects.filter(credential=credential, replaced=False).first()
        if previous is not None:
            previous.replaced = True
            previous.save(update_fields=["replaced"])
        unit = credential.tally_unit_id or entry.tally_unit_id
        posted = board.append(election, "ballot", {"ballot": ballot, "unit": str(unit)})
        now = timezone.now()
        cast = Ballot.objects.create(
            election=election,
            credential=credential,
            tracker=code,
            body=cjson(ballot).decode(),
            ciphertexts=ciphertext_blob(ballot),
            tally_unit_id=unit,
            board_seq=posted.seq,
            cast_at=now,
        )
        cast.repeat = False
        if credential.voter_id is None:
            credential.voter = entry.member
            credential.tally_unit_id = unit
            credential.first_cast_at = now
        credential.last_cast_at = now
        credential.ballots_cast += 1
        credential.save(update_fields=["voter", "tally_unit", "first_cast_at", "last_cast_at", "ballots_cast"])
    return cast, previous is not None


def close_voting(election: Election, *, actor: Any = None) -> BoardEntry | None:
    """Close the vote: board `close` with the number of counted ballots, a checkpoint, phase closed.

    Closing an election already closed does nothing (the sweep may run twice); any other phase is
    refused with code "phase".
    """
    with transaction.atomic():
        election = board.locked(election)
        if election.phase in (Phase.CLOSED, Phase.TALLIED, Phase.PUBLISHED):
            return None
        if election.phase != Phase.VOTING:
            raise ValidationError(_("Only an election in the voting phase can be closed."), code="phase")
        counted = Ballot.objects.filter(election=election, replaced=False).count()
        entry = board.append(election, "close", {"ballots": counted}, checkpoint=True)
        election.phase = Phase.CLOSED
        election.save(update_fields=["phase", "updated_at"])
        if actor is not None:
            record(
                actor=actor,
                verb="elections.phase_changed",
                target=election,
                org_unit=election.unit,
                data={"phase": Phase.CLOSED, "ballots": counted},
            )
    return entry


def counted_ballots(election: Election) -> int:
    return Ballot.objects.filter(election=election, replaced=False).count()


def replaced_by(ballot: Ballot) -> Ballot | None:
    """The ballot that replaced this one (the next under the same credential), if any."""
    return (
        Ballot.objects.filter(credential_id=ballot.credential_id, board_seq__gt=ballot.board_seq)
        .order_by("board_seq")
        .first()
    )
