"""One election through every phase, as its people would run it, then checked by an outsider.

Census, credentials (made as amanat-credentials makes them), the trustees' key ceremony and the
freeze go through the administration's services; members cast through the API (one votes twice,
the second ballot replaces the first); the sweep's steps close the vote; the commission computes
the tally on its page; trustees upload decryption shares through the API — a bad one is refused
first — and the third valid share publishes the result. Then an observer downloads the board over
HTTP and runs the standalone verifier: it agrees with the published result, and a single changed
byte in the download makes it fail, saying where.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from amanat.elections.choices import Phase
from amanat.elections.models import Ballot, Election
from amanat.elections.services.elections import open_voting
from amanat.elections.services.voting import close_voting
from amanat.elections.tests.factories import ready_election, system_user, user_of

pytestmark = pytest.mark.django_db

# Who votes for which candidate (by position on the ballot); voter 1 changes their mind later.
VOTES = [0, 1, 1, 2, 1, 0, 2, 1]
REVOTE = (1, 2)


def _one_hot(i: int, k: int) -> list[int]:
    return [1 if j == i else 0 for j in range(k)]


def test_an_election_from_census_to_a_verified_result(tree, tmp_path: Path, client) -> None:
    from votecrypto.ballot import make_ballot
    from votecrypto.tally import decryption_share
    from votecrypto.verify import verify_board

    prepared = ready_election(tree.makat, voters=len(VOTES) - 3, candidates=3, trustees=5, threshold=3)
    election = prepared.election
    assert election.phase == Phase.FROZEN
    assert election.census_count == len(VOTES)
    Election.objects.filter(pk=election.pk).update(voting_opens_at=election.voting_opens_at.replace(year=2020))
    election.refresh_from_db()
    open_voting(election)
    election.refresh_from_db()
    assert election.phase == Phase.VOTING

    manifest = json.loads(election.manifest)
    k = len(manifest["candidates"])
    api = APIClient()
    url = f"/api/v1/elections/{election.uuid}/ballots/"

    def cast(voter: int, choice: int) -> dict:
        credential, _public = prepared.credentials[voter]
        ballot, _r = make_ballot(manifest, election.manifest_hash, credential, _one_hot(choice, k))
        api.force_authenticate(user_of(prepared.voters[voter]))
        answer = api.post(url, {"ballot": ballot}, format="json")
        assert answer.status_code == 201, answer.content
        return answer.json()

    for voter, choice in enumerate(VOTES):
        cast(voter, choice)
    voter, choice = REVOTE
    cast(voter, choice)
    expected = [0] * k
    for i, c in enumerate(VOTES):
        expected[choice if i == voter else c] += 1
    assert Ballot.objects.filter(election=election).count() == len(VOTES) + 1
    assert Ballot.objects.filter(election=election, replaced=False).count() == len(VOTES)

    close_voting(election)
    election.refresh_from_db()
    assert election.phase == Phase.CLOSED

    client.force_login(system_user())
    page = client.post(reverse("elections:manage-tally", args=[election.pk]), follow=True)
    assert page.status_code == 200
    election.refresh_from_db()
    assert election.phase == Phase.TALLIED

    tally = api.get(f"/api/v1/elections/{election.uuid}/tally/").json()["tally"]
    h_e = bytes.fromhex(election.manifest_hash)
    trustees = {t.index: t for t in election.trustees.all()}
    shares_url = f"/api/v1/elections/{election.uuid}/shares/"

    bad = decryption_share(h_e, 2, prepared.ceremony.secrets[2], tally)
    bad["total"][0]["s"], bad["total"][1]["s"] = bad["total"][1]["s"], bad["total"][0]["s"]
    api.force_authenticate(trustees[2].user)
    refused = api.post(shares_url, bad, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["share"]

    for index in (1, 3, 5):
        api.force_authenticate(trustees[index].user)
        accepted = api.post(
            shares_url, decryption_share(h_e, index, prepared.ceremony.secrets[index], tally), format="json"
        )
        assert accepted.status_code == 201, accepted.content
    election.refresh_from_db()
    assert election.phase == Phase.PUBLISHED
    assert election.result["counts"] == expected
    assert election.result["counted"] == len(VOTES)

    client.logout()
    results = client.get(reverse("elections:results", args=[election.uuid]))
    assert results.status_code == 200
    protocol = client.get(reverse("elections:protocol", args=[election.uuid]))
    assert protocol.content.startswith(b"%PDF-")

    download = client.get(reverse("elections:board-download", args=[election.uuid]))
    assert download.status_code == 200
    raw = b"".join(download.streaming_content) if download.streaming else download.content
    data = json.loads(raw)

    report = verify_board(data)
    assert report.problems == [], report.problems
    assert report.result["counts"] == election.result["counts"]
    assert report.result["counted"] == election.result["counted"]

    board_file = tmp_path / "board.json"
    board_file.write_bytes(raw)
    outside = subprocess.run(  # noqa: S603 - our own interpreter and the project's verifier
        [sys.executable, "-m", "votecrypto.verify", str(board_file)], capture_output=True, text=True, check=False
    )
    assert outside.returncode == 0, outside.stdout + outside.stderr

    tampered = copy.deepcopy(data)
    ballot_entry = next(e for e in tampered["entries"] if e["type"] == "ballot")
    first = ballot_entry["payload"]["ballot"]["choices"][0]
    first["a"], first["b"] = first["b"], first["a"]
    problems = verify_board(tampered).problems
    assert problems
    assert any(str(ballot_entry["seq"]) in p.where for p in problems), problems

    board_file.write_text(json.dumps(tampered))
    outside = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "votecrypto.verify", str(board_file)], capture_output=True, text=True, check=False
    )
    assert outside.returncode == 1
