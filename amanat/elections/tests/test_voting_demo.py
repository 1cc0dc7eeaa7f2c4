"""The demo elections: loaded through the real services, verifiable, and loaded only once."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from amanat.accounts.models import User
from amanat.demo.elections import DEMO_CREDENTIALS, VOTER, load_elections
from amanat.elections.choices import Phase
from amanat.elections.models import Ballot, Credential, Election
from votecrypto.verify import verify_board


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The small demo with its elections (`amanat demo-data` loads them), loaded once for this module
    and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo_data", "--base-members", "300", "--members", "0", stdout=StringIO())
        yield Election.objects.count()
        transaction.set_rollback(True)
    cache.clear()


@pytest.fixture
def demo(loaded, db):
    assert loaded == 3
    return {e.title_en: e for e in Election.objects.all()}


def test_the_demo_has_a_published_primary_that_the_verifier_accepts(demo, client):
    primary = next(e for e in demo.values() if e.phase == Phase.PUBLISHED)
    expected = min(60, primary.census_count)
    assert primary.result["counted"] == Ballot.objects.filter(election=primary, replaced=False).count() == expected
    response = client.get(reverse("elections:board-download", args=[primary.uuid]))
    board = json.loads(b"".join(response.streaming_content))
    report = verify_board(board)
    assert report.problems == [], report.problems
    assert client.get(reverse("elections:board", args=[primary.uuid])).status_code == 200


def test_the_demo_member_can_vote_in_the_open_poll_with_the_printed_credential(demo, client):
    from votecrypto.ballot import make_ballot

    poll = next(e for e in demo.values() if e.phase == Phase.VOTING)
    user = User.objects.get(email=VOTER)
    client.force_login(user)
    assert client.get(reverse("elections:booth", args=[poll.uuid])).status_code == 200
    ballot, _r = make_ballot(json.loads(poll.manifest), poll.manifest_hash, DEMO_CREDENTIALS[VOTER], [1, 0, 0])
    response = client.post(
        reverse("elections:cast", args=[poll.uuid]), data={"ballot": ballot}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert Credential.objects.get(election=poll, voter__person=user.person).ballots_cast == 1


def test_the_demo_has_a_primary_in_nominations_and_loads_only_once(demo):
    assert any(e.phase == Phase.NOMINATIONS and e.candidates.count() == 4 for e in demo.values())
    assert load_elections() == 0
    assert Election.objects.count() == 3


def test_the_journey_commands_open_a_poll_and_publish_its_verified_result(demo, client, tmp_path):
    keys = tmp_path / "keys.json"
    out = StringIO()
    call_command("elections_demo_open", "--keys", str(keys), "--others", "5", stdout=out)
    opened = json.loads(out.getvalue())
    assert opened["credential"] == DEMO_CREDENTIALS[VOTER]
    assert oct(keys.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(CommandError, match="not overwriting"):
        call_command("elections_demo_open", "--keys", str(keys), stdout=StringIO())
    out = StringIO()
    call_command("elections_demo_finish", opened["uuid"], "--keys", str(keys), stdout=out)
    result = json.loads(out.getvalue())
    assert result["counted"] == 5
    response = client.get(reverse("elections:board-download", args=[opened["uuid"]]))
    report = verify_board(json.loads(b"".join(response.streaming_content)))
    assert report.problems == [] and report.result["counts"] == result["counts"]
