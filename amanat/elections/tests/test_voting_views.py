"""The booth page and its cast endpoint, and the API that casts the same way."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from amanat.accounts.models import ApiToken
from amanat.elections.choices import Phase
from amanat.elections.models import Ballot, BoardEntry
from amanat.elections.services.voting import cast_ballot
from amanat.elections.tests.voting_kit import Kit, make_credentials, voting_election


@pytest.fixture
def kit(tree, make_user) -> Kit:
    return voting_election(tree, make_user)


def post_ballot(client: Client, kit: Kit, ballot: dict, **extra) -> object:
    return client.post(
        reverse("elections:cast", args=[kit.election.uuid]),
        data=json.dumps({"ballot": ballot}),
        content_type="application/json",
        **extra,
    )


def test_the_booth_shows_a_voter_the_ballot_in_manifest_order(client, kit):
    voter = kit.voters[0]
    client.force_login(voter.user)
    response = client.get(reverse("elections:booth", args=[kit.election.uuid]))
    assert response.status_code == 200
    context = response.context
    assert [c.pk for c in context["candidates"]] == [c["id"] for c in kit.manifest["candidates"]]
    assert context["manifest"] == kit.manifest
    assert context["manifest_hash"] == kit.election.manifest_hash
    assert (context["min_choices"], context["max_choices"]) == (1, 1)
    assert context["cast_url"] == reverse("elections:cast", args=[kit.election.uuid])
    assert context["tracker_lookup_url"] == reverse("elections:tracker")
    assert context["already_voted"] is False
    cast_ballot(kit.election, voter.user, kit.ballot(voter, [1, 0, 0]))
    assert client.get(reverse("elections:booth", args=[kit.election.uuid])).context["already_voted"] is True


def test_the_booth_tells_a_member_outside_the_census_why_they_cannot_vote(client, kit, make_user):
    client.force_login(make_user())
    response = client.get(reverse("elections:booth", args=[kit.election.uuid]))
    assert response.status_code == 403
    assert "not on the list of voters" in response.content.decode()


def test_the_booth_says_when_voting_is_not_open(client, kit):
    kit.election.phase = Phase.CLOSED
    kit.election.save()
    client.force_login(kit.voters[0].user)
    response = client.get(reverse("elections:booth", args=[kit.election.uuid]))
    assert response.status_code == 409
    assert "has closed" in response.content.decode()


def test_the_booth_needs_a_login(client, kit):
    response = client.get(reverse("elections:booth", args=[kit.election.uuid]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_draft_election_has_no_booth(client, kit):
    kit.election.phase = Phase.DRAFT
    kit.election.save()
    client.force_login(kit.voters[0].user)
    assert client.get(reverse("elections:booth", args=[kit.election.uuid])).status_code == 404
    missing = post_ballot(client, kit, kit.ballot(kit.voters[0], [1, 0, 0]))
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_casting_from_the_booth_answers_with_the_tracker(kit):
    voter = kit.voters[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(voter.user)
    client.get(reverse("elections:booth", args=[kit.election.uuid]))
    token = client.cookies["csrftoken"].value
    made = kit.ballot(voter, [0, 0, 1])
    response = post_ballot(client, kit, made, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    body = response.json()
    stored = Ballot.objects.get(election=kit.election)
    assert body["tracker"] == stored.tracker and body["replaced"] is False
    assert body["tracker_url"] == f"{reverse('elections:tracker')}?tracker={stored.tracker}"
    again = post_ballot(client, kit, made, HTTP_X_CSRFTOKEN=token)
    assert again.status_code == 200 and again.json()["tracker"] == stored.tracker
    revote = post_ballot(client, kit, kit.ballot(voter, [1, 0, 0]), HTTP_X_CSRFTOKEN=token)
    assert revote.status_code == 201 and revote.json()["replaced"] is True


def test_casting_without_the_csrf_token_is_refused(kit):
    voter = kit.voters[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(voter.user)
    response = post_ballot(client, kit, kit.ballot(voter, [1, 0, 0]))
    assert response.status_code == 403
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_refused_ballot_is_explained_in_the_voters_language(client, kit, language):
    voter = kit.voters[0]
    voter.user.language = language
    voter.user.save()
    client.force_login(voter.user)
    stranger = make_credentials(str(kit.election.uuid), 1)[0][0]
    response = post_ballot(client, kit, kit.ballot(stranger, [1, 0, 0]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_credential" and body["detail"]
    assert not Ballot.objects.exists()


def test_the_cast_endpoint_answers_each_refusal_with_its_status(client, kit, make_user):
    voter = kit.voters[0]
    client.force_login(voter.user)
    bad = post_ballot(client, kit, {**kit.ballot(voter, [1, 0, 0]), "proofs": []})
    assert (bad.status_code, bad.json()["code"]) == (400, "shape")
    unreadable = client.post(
        reverse("elections:cast", args=[kit.election.uuid]), data="{", content_type="application/json"
    )
    assert (unreadable.status_code, unreadable.json()["code"]) == (400, "json")
    client.force_login(make_user())
    outsider = post_ballot(client, kit, kit.ballot(kit.spare[0][0], [1, 0, 0]))
    assert (outsider.status_code, outsider.json()["code"]) == (403, "not_in_census")
    kit.election.phase = Phase.CLOSED
    kit.election.save()
    client.force_login(voter.user)
    late = post_ballot(client, kit, kit.ballot(voter, [1, 0, 0]))
    assert (late.status_code, late.json()["code"]) == (409, "closed")
    client.logout()
    anonymous = post_ballot(client, kit, kit.ballot(voter, [1, 0, 0]))
    assert anonymous.status_code == 401
    assert not Ballot.objects.exists()


# --- the API -----------------------------------------------------------------------------------


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user=user, name="voting")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def api_url(kit: Kit) -> str:
    return f"/api/v1/elections/{kit.election.uuid}/ballots/"


def test_a_member_casts_through_the_api_with_a_token(kit):
    voter = kit.voters[0]
    api = APIClient()
    made = kit.ballot(voter, [0, 1, 0])
    response = api.post(api_url(kit), {"ballot": made}, format="json", **bearer(voter.user))
    assert response.status_code == 201, response.content
    assert response.json()["tracker"] == Ballot.objects.get().tracker
    again = api.post(api_url(kit), {"ballot": made}, format="json", **bearer(voter.user))
    assert again.status_code == 200
    assert BoardEntry.objects.filter(election=kit.election, type="ballot").count() == 1


def test_the_api_refuses_with_a_code_and_a_message(kit, make_user):
    voter = kit.voters[0]
    api = APIClient()
    headers = bearer(voter.user)
    missing = api.post(api_url(kit), {"vote": 1}, format="json", **headers)
    assert missing.status_code == 400 and "ballot" in missing.json()["errors"]
    made = kit.ballot(voter, [1, 0, 0])
    made["signature"] = "00" * 64
    forged = api.post(api_url(kit), {"ballot": made}, format="json", **headers)
    assert forged.status_code == 400
    assert forged.json()["code"] == "signature" and forged.json()["detail"]
    outsider = api.post(
        api_url(kit), {"ballot": kit.ballot(kit.spare[0][0], [1, 0, 0])}, format="json", **bearer(make_user())
    )
    assert outsider.status_code == 403 and outsider.json()["code"] == "not_in_census"
    kit.election.phase = Phase.FROZEN
    kit.election.save()
    early = api.post(api_url(kit), {"ballot": kit.ballot(voter, [1, 0, 0])}, format="json", **headers)
    assert early.status_code == 409 and early.json()["code"] == "not_open"
    assert api.post(api_url(kit), {"ballot": made}, format="json").status_code == 401
    assert not Ballot.objects.exists()


def test_the_api_knows_no_draft_election(kit):
    kit.election.phase = Phase.DRAFT
    kit.election.save()
    voter = kit.voters[0]
    response = APIClient().post(
        api_url(kit), {"ballot": kit.ballot(voter, [1, 0, 0])}, format="json", **bearer(voter.user)
    )
    assert response.status_code == 404
