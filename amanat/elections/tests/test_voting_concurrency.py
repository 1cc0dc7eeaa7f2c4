"""Ballots arriving at once: the board stays one chain and one credential counts one ballot."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from amanat.appeals.tests.test_concurrency import in_threads
from amanat.elections.models import Ballot, BoardEntry, Credential
from amanat.elections.services.board import entry_json
from amanat.elections.services.voting import cast_ballot
from amanat.elections.tests.voting_kit import voting_election
from votecrypto.board import verify_chain


def chain(election) -> list:
    return [entry_json(e) for e in BoardEntry.objects.filter(election=election).order_by("seq")]


@pytest.mark.django_db(transaction=True)
def test_two_ballots_at_once_under_one_credential_leave_exactly_one_counted(tree, make_user):
    kit = voting_election(tree, make_user, voters=1, spare=0)
    voter = kit.voters[0]
    ballots = [kit.ballot(voter, [1, 0, 0]), kit.ballot(voter, [0, 1, 0])]
    results = in_threads(2, lambda i: cast_ballot(kit.election, voter.user, ballots[i]))
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(replaced for _ballot, replaced in results) == [False, True]
    assert Ballot.objects.filter(election=kit.election).count() == 2
    assert Ballot.objects.filter(election=kit.election, replaced=False).count() == 1
    assert Credential.objects.get(public=voter.public).ballots_cast == 2
    assert verify_chain(chain(kit.election)) == []


@pytest.mark.django_db(transaction=True)
def test_two_members_at_once_with_one_credential_only_one_gets_it(tree, make_user):
    kit = voting_election(tree, make_user, voters=2, spare=0)
    shared = kit.voters[0]
    ballots = [kit.ballot(shared, [1, 0, 0]), kit.ballot(shared, [0, 1, 0])]
    users = [kit.voters[0].user, kit.voters[1].user]
    results = in_threads(2, lambda i: cast_ballot(kit.election, users[i], ballots[i]))
    refusals = [r for r in results if isinstance(r, ValidationError)]
    accepted = [r for r in results if not isinstance(r, Exception)]
    assert len(accepted) == 1 and len(refusals) == 1, results
    assert refusals[0].code in ("credential_taken", "other_credential")
    assert Ballot.objects.filter(election=kit.election).count() == 1
    assert verify_chain(chain(kit.election)) == []


@pytest.mark.django_db(transaction=True)
def test_many_voters_at_once_keep_one_linear_chain(tree, make_user):
    kit = voting_election(tree, make_user, voters=6, spare=0)
    ballots = [kit.ballot(v, [int(i % 3 == k) for k in range(3)]) for i, v in enumerate(kit.voters)]
    results = in_threads(6, lambda i: cast_ballot(kit.election, kit.voters[i].user, ballots[i]))
    assert all(not isinstance(r, Exception) for r in results), results
    seqs = sorted(b.board_seq for b, _ in results)
    assert len(set(seqs)) == 6
    assert verify_chain(chain(kit.election)) == []
