"""The staff tally page, the trustee's share upload and the tally/shares API."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from amanat.elections.choices import Phase
from amanat.elections.models import DecryptionShare
from amanat.elections.services.tally import compute_tally
from amanat.elections.tests.tally_kit import closed_election, share_of
from conftest import scope_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(tree, make_user):  # type: ignore[no-untyped-def]
    votes = [(tree.makat_p1, [1, 0, 0]), (tree.makat_p1, [0, 1, 0]), (tree.makat, [0, 1, 0])]
    return closed_election(tree.makat, make_user, votes, census_extra=1)


def _file(share: object) -> SimpleUploadedFile:
    return SimpleUploadedFile("share.json", json.dumps(share).encode(), content_type="application/json")


def test_the_tally_page_is_seen_in_scope_only(client, make_user, tree, kit):
    url = reverse("elections:manage-tally", args=[kit.election.pk])
    scope_matrix(client, make_user, tree, url=url, role="auditor")


def test_the_commission_computes_the_tally_from_the_page(client, make_user, tree, kit):
    client.force_login(make_user("election_commission", tree.makat))
    url = reverse("elections:manage-tally", args=[kit.election.pk])
    page = client.get(url)
    assert "Compute the tally now" in page.text

    response = client.post(url, follow=True)

    kit.election.refresh_from_db()
    assert kit.election.phase == Phase.TALLIED
    assert "The encrypted tally is on the board" in response.text
    assert "3 counted ballots were summed" in response.text


def test_a_viewer_cannot_compute_the_tally(client, make_user, tree, kit):
    client.force_login(make_user("auditor", tree.makat))
    url = reverse("elections:manage-tally", args=[kit.election.pk])
    assert "Compute the tally now" not in client.get(url).text

    assert client.post(url).status_code == 404
    kit.election.refresh_from_db()
    assert kit.election.phase == Phase.CLOSED


def test_computing_an_election_still_voting_says_why(client, make_user, tree):
    votes = [(tree.makat, [1, 0, 0])]
    kit = closed_election(tree.makat, make_user, votes, close=False)
    client.force_login(make_user("election_commission", tree.makat))

    response = client.post(reverse("elections:manage-tally", args=[kit.election.pk]), follow=True)

    assert "Only a closed election can be tallied" in response.text
    assert not kit.election.board.filter(type="tally").exists()


def test_a_trustee_uploads_the_share_file(client, kit):
    compute_tally(kit.election)
    trustee = kit.trustees[2]
    client.force_login(trustee.user)
    url = reverse("elections:share-upload", args=[kit.election.pk])
    page = client.get(url)
    assert "amanat-trustee decrypt --key trustee-3.key --board board.json --out share.json" in page.text

    response = client.post(url, {"share": _file(share_of(kit, 3))}, follow=True)

    assert "Your share is accepted" in response.text
    assert DecryptionShare.objects.filter(trustee=trustee).exists()


def test_a_forged_share_file_is_refused_on_the_page(client, kit):
    compute_tally(kit.election)
    trustee = kit.trustees[0]
    client.force_login(trustee.user)
    forged = copy.deepcopy(share_of(kit, 1))
    forged["total"][0]["c"] = forged["total"][1]["c"]
    url = reverse("elections:share-upload", args=[kit.election.pk])

    response = client.post(url, {"share": _file(forged)})
    assert response.status_code == 200
    assert "do not hold" in response.text
    response = client.post(url, {"share": SimpleUploadedFile("share.json", b"\xff not json")})
    assert "The file is not JSON" in response.text
    assert not DecryptionShare.objects.exists()


def test_the_share_page_is_for_the_elections_trustees_only(client, make_user, tree, kit):
    client.force_login(make_user("election_commission", tree.makat))
    assert client.get(reverse("elections:share-upload", args=[kit.election.pk])).status_code == 404


def test_the_last_share_through_the_page_publishes_the_result(client, kit):
    compute_tally(kit.election)
    url = reverse("elections:share-upload", args=[kit.election.pk])
    for index in (1, 2, 4):
        client.force_login(kit.trustees[index - 1].user)
        response = client.post(url, {"share": _file(share_of(kit, index))}, follow=True)

    assert "the result is published" in response.text
    kit.election.refresh_from_db()
    assert kit.election.phase == Phase.PUBLISHED


# --- API -------------------------------------------------------------------------------------


def test_api_share_accepted_then_a_second_is_a_conflict(kit):
    compute_tally(kit.election)
    api = APIClient()
    trustee = kit.trustees[0]
    api.force_authenticate(trustee.user)
    url = f"/api/v1/elections/{kit.election.uuid}/shares/"

    first = api.post(url, share_of(kit, 1), format="json")
    again = api.post(url, share_of(kit, 1), format="json")

    assert first.status_code == 201, first.content
    assert first.json() == {"index": 1, "phase": "tallied", "shares": 1, "threshold": 3}
    assert again.status_code == 409
    assert again.json()["detail"] == "Your decryption share is already accepted."


def test_api_bad_share_is_400_with_the_field_and_nothing_stored(kit):
    compute_tally(kit.election)
    api = APIClient()
    api.force_authenticate(kit.trustees[0].user)
    forged = copy.deepcopy(share_of(kit, 1))
    forged["total"][2]["d"] = forged["total"][0]["d"]

    response = api.post(f"/api/v1/elections/{kit.election.uuid}/shares/", forged, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["share"]
    assert not DecryptionShare.objects.exists()


def test_api_shares_from_anyone_but_a_trustee_are_404(make_user, tree, kit):
    compute_tally(kit.election)
    api = APIClient()
    url = f"/api/v1/elections/{kit.election.uuid}/shares/"
    assert api.post(url, share_of(kit, 1), format="json").status_code == 401
    api.force_authenticate(make_user("election_commission", tree.makat))
    assert api.post(url, share_of(kit, 1), format="json").status_code == 404


def test_api_reads_the_tally_and_then_the_result(kit):
    api = APIClient()
    url = f"/api/v1/elections/{kit.election.uuid}/tally/"
    assert api.get(url).json()["tally"] is None
    compute_tally(kit.election)
    for index in (1, 2, 3):
        api.force_authenticate(kit.trustees[index - 1].user)
        api.post(f"/api/v1/elections/{kit.election.uuid}/shares/", share_of(kit, index), format="json")
    api.force_authenticate(None)

    data = api.get(url).json()

    assert data["phase"] == "published"
    assert data["tally"]["counted"] == 3
    assert [s["index"] for s in data["shares"]] == [1, 2, 3]
    assert data["result"]["counts"] == [1, 2, 0]
    assert data["result"]["turnout"] == "75.00"
