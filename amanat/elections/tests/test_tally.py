"""The tally service: aggregation of the counted ballots, the trustees' shares, the result."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.audit.models import AuditEvent
from amanat.elections.choices import Phase
from amanat.elections.models import DecryptionShare
from amanat.elections.services.tally import accept_share, compute_tally, turnout, winners
from amanat.elections.tests.tally_kit import board_types, closed_election, payload_of, share_of
from amanat.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _votes(tree, makat=0, inder=0, city=0, choice=0):  # type: ignore[no-untyped-def]
    """(unit, selections) for that many voters of each district, all for candidate `choice`."""
    counts = ((tree.makat, makat), (tree.inder, inder), (tree.city, city))
    return [(unit, _one_hot(choice)) for unit, n in counts for _ in range(n)]


def _one_hot(i: int, k: int = 3) -> list[int]:
    return [1 if j == i else 0 for j in range(k)]


def test_tally_sums_only_the_last_ballot_of_each_credential(tree, make_user):
    votes = [(tree.makat, _one_hot(0)), (tree.makat, _one_hot(1)), (tree.inder, _one_hot(1)), (tree.city, _one_hot(2))]
    kit = closed_election(tree.regional, make_user, votes, revotes=[(0, _one_hot(2))], census_extra=4)
    election = kit.election

    entry = compute_tally(election, actor=kit.chair)

    assert election.phase == Phase.TALLIED
    tally = json.loads(entry.payload)
    assert tally["counted"] == 4  # five ballots on the board, one replaced
    assert len(tally["total"]) == 3
    assert board_types(election)[-1] == "tally"
    assert election.checkpoints.filter(seq=entry.seq).exists()
    assert AuditEvent.objects.filter(verb="elections.tallied").count() == 1


def test_a_second_tally_changes_nothing(tree, make_user):
    kit = closed_election(tree.regional, make_user, _votes(tree, makat=2))
    first = compute_tally(kit.election)
    size = kit.election.board.count()

    again = compute_tally(kit.election)

    assert again.pk == first.pk
    assert kit.election.board.count() == size


def test_an_election_still_voting_is_not_tallied(tree, make_user):
    kit = closed_election(tree.regional, make_user, _votes(tree, makat=2), close=False)
    size = kit.election.board.count()

    with pytest.raises(ValidationError) as refused:
        compute_tally(kit.election)

    assert refused.value.code == "phase"
    assert kit.election.board.count() == size
    kit.election.refresh_from_db()
    assert kit.election.phase == Phase.VOTING


def test_three_of_five_shares_publish_the_result(tree, make_user):
    votes = [(tree.makat, _one_hot(i)) for i in (0, 1, 1, 2, 1)]
    kit = closed_election(tree.regional, make_user, votes, census_extra=3)
    election = kit.election
    compute_tally(election)
    first, second, fifth = kit.trustees[0], kit.trustees[1], kit.trustees[4]

    accept_share(election, first, share_of(kit, 1), actor=first.user)
    accept_share(election, fifth, share_of(kit, 5), actor=fifth.user)
    assert election.phase == Phase.TALLIED and election.result is None
    accept_share(election, second, share_of(kit, 2), actor=second.user)

    election.refresh_from_db()
    assert election.phase == Phase.PUBLISHED
    result = payload_of(election, "result")
    assert result == {"counts": [1, 3, 1], "units": {}, "counted": 5, "census": 8, "turnout": "62.50"}
    assert election.result["elected"] == [kit.candidates[1].pk]
    assert [c["percent"] for c in election.result["candidates"]] == ["20.00", "60.00", "20.00"]
    assert board_types(election)[-4:] == ["share", "share", "share", "result"]
    assert election.checkpoints.order_by("-seq").first().seq == election.board.order_by("-seq").first().seq
    assert AuditEvent.objects.filter(verb="elections.result_published").exists()


def test_the_commission_is_told_when_the_result_is_out(tree, make_user, django_capture_on_commit_callbacks):
    kit = closed_election(tree.regional, make_user, _votes(tree, makat=3), threshold=1, trustees=1)
    compute_tally(kit.election)
    trustee = kit.trustees[0]

    with django_capture_on_commit_callbacks(execute=True):
        accept_share(kit.election, trustee, share_of(kit, 1), actor=trustee.user)

    assert Notification.objects.filter(user=kit.chair, kind="elections.result").count() == 1


def test_a_share_with_a_bad_proof_is_refused_and_nothing_is_stored(tree, make_user):
    kit = closed_election(tree.regional, make_user, _votes(tree, makat=3))
    compute_tally(kit.election)
    trustee = kit.trustees[0]
    size = kit.election.board.count()
    forged = copy.deepcopy(share_of(kit, 1))
    forged["total"][0]["s"] = forged["total"][1]["s"]

    with pytest.raises(ValidationError) as refused:
        accept_share(kit.election, trustee, forged, actor=trustee.user)

    assert refused.value.message_dict["share"]
    assert not DecryptionShare.objects.exists()
    assert kit.election.board.count() == size


def test_another_trustees_share_is_not_mine(tree, make_user):
    kit = closed_election(tree.regional, make_user, _votes(tree, makat=3))
    compute_tally(kit.election)
    trustee = kit.trustees[0]

    with pytest.raises(ValidationError) as refused:
        accept_share(kit.election, trustee, share_of(kit, 2), actor=trustee.user)

    assert refused.value.error_dict["share"][0].code == "index"
    assert not DecryptionShare.objects.exists()


def test_a_share_made_under_another_key_fails_its_proof(tree, make_user):
    kit = closed_election(tree.regional, make_user, _votes(tree, makat=3))
    compute_tally(kit.election)
    trustee = kit.trustees[0]
    other = share_of(kit, 2)
    other["index"] = 1

    with pytest.raises(ValidationError) as refused:
        accept_share(kit.election, trustee, other, actor=trustee.user)

    assert refused.value.error_dict["share"][0].code == "proof"


@pytest.mark.parametrize("payload", [None, [], {"index": 1}, {"index": 1, "total": "x", "units": {}}])
def test_malformed_shares_are_refused(tree, make_user, payload):
    kit = closed_election(tree.regional, make_user, _votes(tree, makat=2))
    compute_tally(kit.election)
    trustee = kit.trustees[0]

    with pytest.raises(ValidationError) as refused:
        accept_share(kit.election, trustee, payload, actor=trustee.user)

    assert "share" in refused.value.message_dict
    assert not DecryptionShare.objects.exists()


def test_a_second_share_from_the_same_trustee_is_a_conflict(tree, make_user):
    kit = closed_election(tree.regional, make_user, _votes(tree, makat=2))
    compute_tally(kit.election)
    trustee = kit.trustees[0]
    accept_share(kit.election, trustee, share_of(kit, 1), actor=trustee.user)
    size = kit.election.board.count()

    with pytest.raises(ValidationError) as refused:
        accept_share(kit.election, trustee, share_of(kit, 1), actor=trustee.user)

    assert refused.value.code == "conflict"
    assert kit.election.board.count() == size


def test_only_the_trustee_themselves_may_give_their_share(tree, make_user):
    kit = closed_election(tree.regional, make_user, _votes(tree, makat=2))
    compute_tally(kit.election)

    with pytest.raises(PermissionDenied):
        accept_share(kit.election, kit.trustees[0], share_of(kit, 1), actor=kit.trustees[1].user)


def test_shares_are_refused_before_the_tally(tree, make_user):
    kit = closed_election(tree.regional, make_user, _votes(tree, makat=2))
    trustee = kit.trustees[0]

    with pytest.raises(ValidationError) as refused:
        accept_share(kit.election, trustee, {"index": 1, "total": [], "units": {}}, actor=trustee.user)

    assert refused.value.code == "conflict"


def test_units_with_enough_voters_get_their_own_result_and_small_ones_are_pooled(tree, make_user):
    votes = _votes(tree, makat=3, choice=0) + _votes(tree, inder=1, choice=1) + _votes(tree, city=1, choice=2)
    kit = closed_election(tree.regional, make_user, votes, min_unit_voters=2, threshold=1, trustees=1)
    compute_tally(kit.election)
    accept_share(kit.election, kit.trustees[0], share_of(kit, 1), actor=kit.trustees[0].user)

    result = payload_of(kit.election, "result")
    assert result["units"] == {str(tree.makat.pk): [3, 0, 0], "other": [0, 1, 1]}


def test_no_unit_results_when_the_pool_of_small_units_is_itself_too_small(tree, make_user):
    votes = _votes(tree, makat=3) + _votes(tree, inder=2) + _votes(tree, city=1)
    kit = closed_election(tree.regional, make_user, votes, min_unit_voters=2, threshold=1, trustees=1)
    compute_tally(kit.election)
    accept_share(kit.election, kit.trustees[0], share_of(kit, 1), actor=kit.trustees[0].user)

    assert payload_of(kit.election, "result")["units"] == {}
    assert payload_of(kit.election, "result")["counts"] == [6, 0, 0]


def test_seats_go_to_the_most_votes_and_a_tie_for_the_last_seat_is_flagged():
    assert winners([5, 9, 2], 1) == ([1], [])
    assert winners([5, 9, 5, 1], 2) == ([1], [0, 2])
    assert winners([4, 4], 2) == ([0, 1], [])
    assert winners([3, 0, 0], 2) == ([0], [])


def test_turnout_has_two_decimals_rounded_half_up():
    assert turnout(1, 3) == "33.33"
    assert turnout(2, 3) == "66.67"
    assert turnout(1, 8) == "12.50"
    assert turnout(0, 0) == "0.00"
    assert turnout(7, 7) == "100.00"


def test_only_the_shares_own_fields_go_on_the_board(tree, make_user):
    kit = closed_election(tree.regional, make_user, _votes(tree, makat=2))
    compute_tally(kit.election)
    trustee = kit.trustees[0]
    share = {**share_of(kit, 1), "note": "<script>alert(1)</script>"}

    accept_share(kit.election, trustee, share, actor=trustee.user)

    assert set(payload_of(kit.election, "share")) == {"index", "total", "units"}
