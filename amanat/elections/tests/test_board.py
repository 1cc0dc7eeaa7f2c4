"""The public bulletin board: its page, its download (streamed, verifiable) and its API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from amanat.elections.choices import Phase
from amanat.elections.models import BoardEntry
from amanat.elections.services import board
from amanat.elections.services.board import checkpoint_public_key
from amanat.elections.services.voting import cast_ballot, close_voting
from amanat.elections.tests.voting_kit import Kit, voting_election
from votecrypto.board import verify_chain, verify_checkpoints


@pytest.fixture
def kit(tree, make_user) -> Kit:
    kit = voting_election(tree, make_user)
    for i, voter in enumerate(kit.voters):
        cast_ballot(kit.election, voter.user, kit.ballot(voter, [int(i == k) for k in range(3)]))
    return kit


def download(client, kit: Kit) -> dict:
    response = client.get(reverse("elections:board-download", args=[kit.election.uuid]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="board-{kit.election.uuid}.json"'
    return json.loads(b"".join(response.streaming_content))


def test_anyone_reads_the_board_page_with_hashes_and_checkpoints(client, kit):
    response = client.get(reverse("elections:board", args=[kit.election.uuid]))
    assert response.status_code == 200
    page = response.content.decode()
    last = BoardEntry.objects.filter(election=kit.election).order_by("-seq").first()
    assert last.hash in page and last.prev in page
    assert checkpoint_public_key() in page
    assert "Ballot " in page  # a ballot entry's summary names its tracker
    assert len(response.context["checkpoints"]) == 2


def test_the_board_page_filters_by_type_and_pages(client, kit):
    response = client.get(reverse("elections:board", args=[kit.election.uuid]), {"type": "ballot"})
    assert {entry.type for entry, _summary in response.context["rows"]} == {"ballot"}
    assert len(response.context["rows"]) == 3
    unknown = client.get(reverse("elections:board", args=[kit.election.uuid]), {"type": "nonsense"})
    assert unknown.status_code == 200 and unknown.context["kind"] == ""
    assert client.get(reverse("elections:board", args=[kit.election.uuid]), {"page": "999"}).status_code == 200


def test_a_draft_election_has_no_public_board(client, kit):
    kit.election.phase = Phase.DRAFT
    kit.election.save()
    assert client.get(reverse("elections:board", args=[kit.election.uuid])).status_code == 404
    assert client.get(reverse("elections:board-download", args=[kit.election.uuid])).status_code == 404


def test_the_download_is_the_protocol_format_and_its_chain_verifies(client, kit):
    close_voting(kit.election)
    data = download(client, kit)
    assert data["format"] == "amanat-board/1"
    assert data["election"] == str(kit.election.uuid)
    assert data["checkpoint_key"] == checkpoint_public_key()
    entries = data["entries"]
    assert [e["seq"] for e in entries] == list(range(BoardEntry.objects.filter(election=kit.election).count()))
    assert entries[-1]["type"] == "close"
    assert verify_chain(entries) == []
    assert verify_checkpoints(str(kit.election.uuid), data["checkpoint_key"], data["checkpoints"], entries) == []
    ballots = [e for e in entries if e["type"] == "ballot"]
    assert len(ballots) == 3 and all(set(e["payload"]) == {"ballot", "unit"} for e in ballots)


def test_a_changed_entry_in_the_download_breaks_the_chain(client, kit):
    data = download(client, kit)
    ballot = next(e for e in data["entries"] if e["type"] == "ballot")
    ballot["payload"]["unit"] = "0"
    problems = verify_chain(data["entries"])
    assert problems and str(ballot["seq"]) in problems[0].where


def test_the_download_of_a_large_board_comes_in_pieces(client, tree, make_user):
    kit = voting_election(tree, make_user, voters=1, spare=0)
    for i in range(1200):
        board.append(kit.election, "nomination", {"n": i})
    response = client.get(reverse("elections:board-download", args=[kit.election.uuid]))
    chunks = list(response.streaming_content)
    assert len(chunks) > 3
    data = json.loads(b"".join(chunks))
    assert len(data["entries"]) == BoardEntry.objects.filter(election=kit.election).count()
    assert verify_chain(data["entries"]) == []


def test_the_api_lists_board_entries_in_pages(kit):
    api = APIClient()
    response = api.get(f"/api/v1/elections/{kit.election.uuid}/board/", {"type": "ballot"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    first = body["results"][0]
    stored = BoardEntry.objects.get(election=kit.election, seq=first["seq"])
    assert first["hash"] == stored.hash and first["payload"] == json.loads(stored.payload)
    everything = api.get(f"/api/v1/elections/{kit.election.uuid}/board/", {"page_size": 2}).json()
    assert len(everything["results"]) == 2 and everything["next"]


def test_the_board_page_reads_the_same_number_of_queries_however_many_entries(client, kit, tree, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    address = reverse("elections:board", args=[kit.election.uuid])
    client.get(address)  # warm the caches (site settings)
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    for i in range(40):
        board.append(kit.election, "nomination", {"n": i})
    with CaptureQueriesContext(connection) as many:
        client.get(address)
    assert len(many) == len(few)
