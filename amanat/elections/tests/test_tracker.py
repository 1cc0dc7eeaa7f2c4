"""The public tracker lookup: is my ballot on the board, is it the one that counts, which signed
checkpoint covers it. No login; bad input is explained; the lookups are rate-limited."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from amanat.elections.models import Checkpoint
from amanat.elections.services.voting import cast_ballot, close_voting
from amanat.elections.tests.voting_kit import Kit, voting_election


@pytest.fixture
def kit(tree, make_user) -> Kit:
    return voting_election(tree, make_user)


def lookup(client, tracker: str):
    return client.get(reverse("elections:tracker"), {"tracker": tracker})


def test_the_page_without_a_tracker_shows_the_form(client, db):
    response = client.get(reverse("elections:tracker"))
    assert response.status_code == 200
    assert 'name="tracker"' in response.content.decode()


def test_a_cast_ballot_is_found_with_its_entry_and_checkpoint(client, kit):
    voter = kit.voters[0]
    ballot, _ = cast_ballot(kit.election, voter.user, kit.ballot(voter, [1, 0, 0]))
    response = lookup(client, ballot.tracker)
    assert response.status_code == 200
    found = response.context["found"]
    assert found["election"] == kit.election and found["seq"] == ballot.board_seq
    assert found["replaced"] is False
    assert found["checkpoint"] is None  # not covered until the next checkpoint
    page = response.content.decode()
    assert "This ballot is on the board." in page and found["hash"] in page
    close_voting(kit.election)
    covered = lookup(client, ballot.tracker).context["found"]["checkpoint"]
    assert covered == Checkpoint.objects.filter(election=kit.election).order_by("-seq").first()


def test_a_replaced_ballot_is_found_and_shown_as_replaced(client, kit):
    voter = kit.voters[0]
    first, _ = cast_ballot(kit.election, voter.user, kit.ballot(voter, [1, 0, 0]))
    second, _ = cast_ballot(kit.election, voter.user, kit.ballot(voter, [0, 1, 0]))
    found = lookup(client, first.tracker).context["found"]
    assert found["replaced"] is True and found["replaced_by_seq"] == second.board_seq
    assert lookup(client, second.tracker).context["found"]["replaced"] is False


def test_a_tracker_typed_with_spaces_and_capitals_is_found(client, kit):
    voter = kit.voters[0]
    ballot, _ = cast_ballot(kit.election, voter.user, kit.ballot(voter, [1, 0, 0]))
    spaced = " ".join(ballot.tracker[i : i + 8] for i in range(0, 64, 8)).upper()
    assert lookup(client, spaced).context["found"]["seq"] == ballot.board_seq


def test_an_unknown_tracker_is_reported_missing(client, kit):
    response = lookup(client, "ab" * 32)
    assert response.status_code == 200 and response.context["found"] is None
    assert "No ballot with this tracker" in response.content.decode()


@pytest.mark.parametrize("bad", ["", "xyz", "ab" * 31, "g" * 64, "<script>"])
def test_bad_input_is_explained(client, db, bad):
    response = lookup(client, bad)
    assert response.status_code == 400
    assert "64 characters" in response.content.decode()


@override_settings(ELECTIONS_TRACKER_LOOKUPS_PER_HOUR=3)
def test_lookups_are_limited_per_address(client, kit):
    for _ in range(3):
        assert lookup(client, "ab" * 32).status_code == 200
    limited = lookup(client, "ab" * 32)
    assert limited.status_code == 429
    assert "Too many look-ups" in limited.content.decode()


def test_the_api_answers_a_tracker_lookup(kit):
    voter = kit.voters[0]
    ballot, _ = cast_ballot(kit.election, voter.user, kit.ballot(voter, [1, 0, 0]))
    api = APIClient()
    response = api.get(f"/api/v1/elections/trackers/{ballot.tracker}/")
    assert response.status_code == 200
    body = response.json()
    assert body["election"] == str(kit.election.uuid) and body["seq"] == ballot.board_seq
    assert body["replaced"] is False
    missing = api.get(f"/api/v1/elections/trackers/{'cd' * 32}/")
    assert missing.status_code == 404 and missing.json()["detail"]
    bad = api.get("/api/v1/elections/trackers/nonsense/")
    assert bad.status_code == 400 and "tracker" in bad.json()["errors"]
