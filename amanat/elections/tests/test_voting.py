"""Casting a ballot: what is accepted, what is refused (and then nothing changes), revoting,
repeats, closing the vote."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError

from amanat.elections.choices import Phase
from amanat.elections.models import Ballot, BoardEntry, Checkpoint, Credential
from amanat.elections.services.voting import cast_ballot, close_voting
from amanat.elections.tests.voting_kit import Kit, voting_election
from votecrypto.ballot import ballot_hash, tracker
from votecrypto.credentials import credential_secret, sign


@pytest.fixture
def kit(tree, make_user) -> Kit:
    return voting_election(tree, make_user)


def board_size(kit: Kit) -> int:
    return BoardEntry.objects.filter(election=kit.election).count()


def refused(kit: Kit, user, ballot, code: str) -> ValidationError:
    before = (board_size(kit), Ballot.objects.count(), list(Credential.objects.values_list("voter", "ballots_cast")))
    with pytest.raises(ValidationError) as caught:
        cast_ballot(kit.election, user, ballot)
    assert caught.value.code == code
    assert caught.value.messages[0]
    after = (board_size(kit), Ballot.objects.count(), list(Credential.objects.values_list("voter", "ballots_cast")))
    assert after == before, "a refused ballot changed something"
    return caught.value


def resign(kit: Kit, credential: str, ballot: dict) -> dict:
    ballot = dict(ballot)
    ballot.pop("signature", None)
    secret = credential_secret(str(kit.election.uuid), credential)
    ballot["signature"] = sign(secret, ballot_hash(ballot))
    return ballot


def test_first_ballot_goes_on_the_board_and_binds_the_credential(kit):
    voter = kit.voters[0]
    made = kit.ballot(voter, [0, 1, 0])
    ballot, replaced = cast_ballot(kit.election, voter.user, made)
    assert not replaced
    assert ballot.tracker == tracker(made)
    assert not ballot.replaced
    assert len(ballot.ciphertexts) == 66 * 3
    assert ballot.tally_unit.code == voter.member.org_unit.code.split("-")[0]
    entry = BoardEntry.objects.get(election=kit.election, seq=ballot.board_seq)
    assert entry.type == "ballot"
    assert json.loads(entry.payload) == {"ballot": made, "unit": str(ballot.tally_unit_id)}
    credential = Credential.objects.get(election=kit.election, public=voter.public)
    assert credential.voter == voter.member
    assert credential.tally_unit == ballot.tally_unit
    assert credential.ballots_cast == 1
    assert credential.first_cast_at == credential.last_cast_at is not None


def test_a_second_ballot_replaces_the_first_and_both_stay_on_the_board(kit):
    voter = kit.voters[0]
    first, _ = cast_ballot(kit.election, voter.user, kit.ballot(voter, [1, 0, 0]))
    second, replaced = cast_ballot(kit.election, voter.user, kit.ballot(voter, [0, 0, 1]))
    assert replaced
    first.refresh_from_db()
    assert first.replaced and not second.replaced
    assert second.board_seq > first.board_seq
    assert Ballot.objects.filter(election=kit.election, replaced=False).count() == 1
    assert BoardEntry.objects.filter(election=kit.election, type="ballot").count() == 2
    assert Credential.objects.get(public=voter.public).ballots_cast == 2


def test_sending_the_same_ballot_again_gives_the_same_answer_and_adds_nothing(kit):
    voter = kit.voters[0]
    made = kit.ballot(voter, [0, 1, 0])
    first, _ = cast_ballot(kit.election, voter.user, made)
    entries = board_size(kit)
    again, replaced = cast_ballot(kit.election, voter.user, copy.deepcopy(made))
    assert again.pk == first.pk and not replaced and again.repeat
    assert board_size(kit) == entries
    assert Credential.objects.get(public=voter.public).ballots_cast == 1


def test_a_repeat_of_a_revote_still_says_it_replaced_the_first(kit):
    voter = kit.voters[0]
    cast_ballot(kit.election, voter.user, kit.ballot(voter, [1, 0, 0]))
    revote = kit.ballot(voter, [0, 1, 0])
    cast_ballot(kit.election, voter.user, revote)
    _ballot, replaced = cast_ballot(kit.election, voter.user, revote)
    assert replaced


def test_a_credential_not_on_the_list_is_refused(kit, tree, make_user):
    from amanat.elections.tests.voting_kit import make_credentials

    stranger, _public = make_credentials(str(kit.election.uuid), 1)[0]
    refused(kit, kit.voters[0].user, kit.ballot(stranger, [1, 0, 0]), "unknown_credential")


def test_a_credential_bound_to_another_member_is_refused(kit):
    owner, other = kit.voters[0], kit.voters[1]
    cast_ballot(kit.election, owner.user, kit.ballot(owner, [1, 0, 0]))
    refused(kit, other.user, kit.ballot(owner, [0, 1, 0]), "credential_taken")


def test_someone_else_resending_a_cast_ballot_is_refused(kit):
    owner, other = kit.voters[0], kit.voters[1]
    made = kit.ballot(owner, [1, 0, 0])
    cast_ballot(kit.election, owner.user, made)
    refused(kit, other.user, made, "credential_taken")


def test_a_member_who_voted_cannot_switch_to_another_credential(kit):
    voter = kit.voters[0]
    cast_ballot(kit.election, voter.user, kit.ballot(voter, [1, 0, 0]))
    spare_credential, _public = kit.spare[0]
    refused(kit, voter.user, kit.ballot(spare_credential, [0, 1, 0]), "other_credential")


def test_a_user_outside_the_census_is_refused(kit, make_user):
    spare_credential, _public = kit.spare[0]
    refused(kit, make_user(), kit.ballot(spare_credential, [1, 0, 0]), "not_in_census")


def test_a_failing_proof_is_refused(kit):
    voter = kit.voters[0]
    made = kit.ballot(voter, [1, 0, 0])
    made["proofs"][1][0]["s"] = made["proofs"][1][1]["s"]
    refused(kit, voter.user, resign(kit, voter.credential, made), "proof")


def test_a_ballot_with_two_choices_in_a_single_choice_election_is_refused(kit):
    voter = kit.voters[0]
    good = kit.ballot(voter, [1, 0, 0])
    # Swap in the encryption of a 1 (with its valid 0/1 proof) from another ballot: every
    # per-candidate proof holds, the sum of choices is 2.
    other = kit.ballot(voter, [0, 1, 0])
    good["choices"][1], good["proofs"][1] = other["choices"][1], other["proofs"][1]
    refused(kit, voter.user, resign(kit, voter.credential, good), "sum_proof")


def test_a_wrong_signature_is_refused(kit):
    voter = kit.voters[0]
    made = kit.ballot(voter, [1, 0, 0])
    made["signature"] = kit.ballot(voter, [0, 1, 0])["signature"]
    refused(kit, voter.user, made, "signature")


def test_a_malformed_ballot_is_refused(kit):
    voter = kit.voters[0]
    made = kit.ballot(voter, [1, 0, 0])
    del made["sum_proof"]
    refused(kit, voter.user, made, "shape")
    refused(kit, voter.user, ["not", "a", "ballot"], "shape")
    refused(kit, voter.user, {**kit.ballot(voter, [1, 0, 0]), "choices": [{"a": 1.5}]}, "shape")
    refused(kit, voter.user, {**kit.ballot(voter, [1, 0, 0]), "choices": [{"a": float("nan")}]}, "json")


def test_a_ballot_copied_from_another_election_is_refused(kit, tree, make_user):
    other = voting_election(tree, make_user, voters=1, spare=0)
    foreign = other.ballot(other.voters[0], [1, 0, 0])
    refused(kit, kit.voters[0].user, foreign, "election")


def test_a_ballot_for_other_rules_is_refused(kit):
    voter = kit.voters[0]
    made = kit.ballot(voter, [1, 0, 0])
    made["manifest"] = "0" * 64
    refused(kit, voter.user, resign(kit, voter.credential, made), "manifest")


def test_no_ballot_before_opening_or_after_closing(kit):
    voter = kit.voters[0]
    made = kit.ballot(voter, [1, 0, 0])
    with time_machine.travel(kit.election.voting_opens_at - dt.timedelta(minutes=1)):
        refused(kit, voter.user, made, "not_open")
    with time_machine.travel(kit.election.voting_closes_at):
        refused(kit, voter.user, made, "closed")


def test_no_ballot_while_frozen_or_after_the_close(kit):
    voter = kit.voters[0]
    made = kit.ballot(voter, [1, 0, 0])
    kit.election.phase = Phase.FROZEN
    kit.election.save()
    refused(kit, voter.user, made, "not_open")
    kit.election.phase = Phase.VOTING
    kit.election.save()
    close_voting(kit.election)
    kit.election.refresh_from_db()
    refused(kit, voter.user, made, "closed")


def test_closing_counts_the_last_ballots_and_signs_a_checkpoint(kit, make_user):
    first, second = kit.voters[0], kit.voters[1]
    cast_ballot(kit.election, first.user, kit.ballot(first, [1, 0, 0]))
    cast_ballot(kit.election, first.user, kit.ballot(first, [0, 1, 0]))
    cast_ballot(kit.election, second.user, kit.ballot(second, [0, 0, 1]))
    actor = make_user("election_commission", kit.election.unit)
    entry = close_voting(kit.election, actor=actor)
    kit.election.refresh_from_db()
    assert kit.election.phase == Phase.CLOSED
    assert entry.type == "close" and json.loads(entry.payload) == {"ballots": 2}
    assert Checkpoint.objects.filter(election=kit.election, seq=entry.seq).exists()
    assert close_voting(kit.election) is None  # a second close does nothing
    assert BoardEntry.objects.filter(election=kit.election, type="close").count() == 1


def test_only_an_election_in_voting_can_be_closed(kit):
    kit.election.phase = Phase.FROZEN
    kit.election.save()
    with pytest.raises(ValidationError) as caught:
        close_voting(kit.election)
    assert caught.value.code == "phase"
    assert not BoardEntry.objects.filter(election=kit.election, type="close").exists()
