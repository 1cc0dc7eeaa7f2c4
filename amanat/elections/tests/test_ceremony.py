"""The trustees' key ceremony: every upload is verified before it reaches the board; a complaint
restarts the ceremony; the election key is the sum of the dealers' first commitments."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.audit.models import AuditEvent
from amanat.elections.choices import Phase, TrusteeStatus
from amanat.elections.models import BoardEntry, Election
from amanat.elections.services import ceremony
from amanat.elections.services.elections import election_update, trustee_add
from amanat.elections.tests.factories import (
    make_election,
    make_user,
    name_trustees,
    phase,
    ready_election,
    run_key_ceremony,
    system_user,
    to_nominations,
)
from votecrypto import dkg
from votecrypto.testkit import run_ceremony

pytestmark = pytest.mark.django_db


def board_types(election: Election) -> list[str]:
    return list(BoardEntry.objects.filter(election=election).values_list("type", flat=True))


def setup(tree: Any, n: int = 3, t: int = 2) -> tuple[Election, list[Any], Any]:
    election = make_election(tree.makat, threshold=t)
    trustees = name_trustees(election, n)
    to_nominations(election)
    return election, trustees, run_ceremony(str(election.uuid), n, t)


def register_all(trustees: list[Any], kit: Any) -> None:
    for t, reg in zip(trustees, kit.registrations, strict=True):
        ceremony.trustee_register(actor=t.user, trustee=t, raw=json.dumps(reg))


def deal_all(trustees: list[Any], kit: Any) -> None:
    for t, deal in zip(trustees, kit.deals, strict=True):
        ceremony.trustee_deal(actor=t.user, trustee=t, raw=deal)


def test_full_ceremony_makes_the_election_key(tree: Any) -> None:
    election, trustees, kit = setup(tree)
    assert ceremony.step(election) == ceremony.Step.REGISTER
    register_all(trustees, kit)
    assert ceremony.step(election) == ceremony.Step.DEAL
    deal_all(trustees, kit)
    assert ceremony.step(election) == ceremony.Step.CHECK
    for t, check in zip(trustees, kit.checks, strict=True):
        ceremony.trustee_check(actor=t.user, trustee=t, raw=check)
    election.refresh_from_db()
    assert election.public_key == kit.public_key.hex()
    assert ceremony.step(election) == ceremony.Step.DONE
    assert board_types(election) == ["created"] + ["trustee"] * 3 + ["deal"] * 3 + ["check"] * 3 + ["election_key"]
    key_entry = json.loads(BoardEntry.objects.get(election=election, type="election_key").payload)
    assert key_entry["verification_keys"] == {str(j): kit.verification_keys[j].hex() for j in (1, 2, 3)}
    trustee_entry = json.loads(BoardEntry.objects.filter(election=election, type="trustee").first().payload)
    assert trustee_entry["threshold"] == 2 and trustee_entry["trustees"] == 3
    assert AuditEvent.objects.filter(verb="elections.key_ceremony").count() == 10


def test_a_registration_with_a_bad_proof_is_refused(tree: Any) -> None:
    election, trustees, kit = setup(tree)
    reg = copy.deepcopy(kit.registrations[0])
    reg["pok"]["s"] = reg["pok"]["c"]
    with pytest.raises(ValidationError) as exc:
        ceremony.trustee_register(actor=trustees[0].user, trustee=trustees[0], raw=reg)
    assert "does not verify" in exc.value.message_dict["file"][0]
    trustees[0].refresh_from_db()
    assert trustees[0].status == TrusteeStatus.NAMED and not trustees[0].public
    assert board_types(election) == ["created"]


@pytest.mark.parametrize("raw", ["{", "[]", json.dumps({"index": 2})])
def test_garbage_and_another_trustees_file_are_refused(tree: Any, raw: str) -> None:
    election, trustees, _kit = setup(tree)
    with pytest.raises(ValidationError) as exc:
        ceremony.trustee_register(actor=trustees[0].user, trustee=trustees[0], raw=raw)
    assert "file" in exc.value.message_dict
    assert board_types(election) == ["created"]


def test_only_the_trustee_uploads_their_own_files(tree: Any) -> None:
    _election, trustees, kit = setup(tree)
    with pytest.raises(PermissionDenied):
        ceremony.trustee_register(actor=trustees[1].user, trustee=trustees[0], raw=kit.registrations[0])


def test_too_few_trustees_for_the_threshold(tree: Any) -> None:
    election = make_election(tree.makat, threshold=3)
    trustees = name_trustees(election, 2)
    to_nominations(election)
    kit = run_ceremony(str(election.uuid), 2, 2)
    with pytest.raises(ValidationError) as exc:
        ceremony.trustee_register(actor=trustees[0].user, trustee=trustees[0], raw=kit.registrations[0])
    assert "needs 3 trustees" in exc.value.messages[0]


def test_deals_wait_for_all_registrations_and_a_bad_deal_is_refused(tree: Any) -> None:
    election, trustees, kit = setup(tree)
    ceremony.trustee_register(actor=trustees[0].user, trustee=trustees[0], raw=kit.registrations[0])
    with pytest.raises(ValidationError) as exc:
        ceremony.trustee_deal(actor=trustees[0].user, trustee=trustees[0], raw=kit.deals[0])
    assert exc.value.code == "phase"
    for t, reg in list(zip(trustees, kit.registrations, strict=True))[1:]:
        ceremony.trustee_register(actor=t.user, trustee=t, raw=reg)
    bad_proof = copy.deepcopy(kit.deals[0])
    bad_proof["pok"]["s"] = bad_proof["pok"]["c"]
    missing_share = copy.deepcopy(kit.deals[0])
    missing_share["shares"] = missing_share["shares"][:-1]
    for bad in (bad_proof, missing_share):
        with pytest.raises(ValidationError) as exc:
            ceremony.trustee_deal(actor=trustees[0].user, trustee=trustees[0], raw=bad)
        assert "does not verify" in exc.value.message_dict["file"][0]
    assert "deal" not in board_types(election)


def test_threshold_and_trustees_are_fixed_once_the_ceremony_begins(tree: Any) -> None:
    election, trustees, kit = setup(tree)
    ceremony.trustee_register(actor=trustees[0].user, trustee=trustees[0], raw=kit.registrations[0])
    with pytest.raises(ValidationError) as exc:
        election_update(actor=system_user(), election=election, values={"threshold": 3})
    assert exc.value.code == "phase"
    with pytest.raises(ValidationError):
        trustee_add(actor=system_user(), election=election, user=make_user(), name="Late")
    assert election.trustees.count() == 3


def test_a_bad_check_is_refused(tree: Any) -> None:
    election, trustees, kit = setup(tree)
    register_all(trustees, kit)
    deal_all(trustees, kit)
    bad = copy.deepcopy(kit.checks[0])
    bad["verification_key"] = kit.checks[1]["verification_key"]
    with pytest.raises(ValidationError):
        ceremony.trustee_check(actor=trustees[0].user, trustee=trustees[0], raw=bad)
    assert "check" not in board_types(election)


def test_a_complaint_restarts_the_ceremony(tree: Any) -> None:
    election, trustees, kit = setup(tree)
    register_all(trustees, kit)
    deal_all(trustees, kit)
    ceremony.trustee_check(actor=trustees[0].user, trustee=trustees[0], raw=kit.checks[0])
    ceremony.trustee_check(actor=trustees[1].user, trustee=trustees[1], raw={"index": 2, "against": 3})
    assert board_types(election)[-1] == "complaint"
    for t in election.trustees.all():
        assert (t.status, t.public, t.deal, t.shares_check, t.verification_key) == (
            TrusteeStatus.NAMED,
            "",
            None,
            None,
            "",
        )
    assert ceremony.step(election) == ceremony.Step.REGISTER
    assert AuditEvent.objects.filter(verb="elections.key_ceremony", data__restarted=True).exists()
    # they begin again, with fresh keys, and finish
    run_key_ceremony(election)
    election.refresh_from_db()
    assert election.public_key


def test_a_complaint_against_nobody_is_refused(tree: Any) -> None:
    election, trustees, kit = setup(tree)
    register_all(trustees, kit)
    deal_all(trustees, kit)
    with pytest.raises(ValidationError):
        ceremony.trustee_check(actor=trustees[0].user, trustee=trustees[0], raw={"index": 1, "against": 1})
    assert "complaint" not in board_types(election)


def test_ceremony_is_refused_in_draft(tree: Any) -> None:
    election = make_election(tree.makat, threshold=1)
    (trustee,) = name_trustees(election, 1)
    kit = run_ceremony(str(election.uuid), 1, 1)
    assert ceremony.trustee_step(trustee) is None
    with pytest.raises(ValidationError) as exc:
        ceremony.trustee_register(actor=trustee.user, trustee=trustee, raw=kit.registrations[0])
    assert exc.value.code == "phase"


def test_ceremony_is_refused_after_the_freeze(tree: Any) -> None:
    election, trustees, kit = setup(tree)
    Election.objects.filter(pk=election.pk).update(phase=Phase.FROZEN)
    with pytest.raises(ValidationError) as exc:
        ceremony.trustee_register(actor=trustees[0].user, trustee=trustees[0], raw=kit.registrations[0])
    assert exc.value.code == "phase"


def test_verified_registration_matches_the_crypto_core(tree: Any) -> None:
    election, _trustees, kit = setup(tree)
    assert dkg.verify_registration(dkg.ceremony_context(str(election.uuid)), kit.registrations[0])


def test_ready_election_is_frozen_with_a_manifest_per_the_protocol(tree: Any) -> None:
    prepared = ready_election(tree.makat, voters=2, candidates=2)
    election = prepared.election
    assert phase(election) == Phase.FROZEN
    manifest = json.loads(election.manifest)
    assert manifest["election"] == str(election.uuid)
    assert [c["id"] for c in manifest["candidates"]] == [c.pk for c in prepared.candidates]
    assert manifest["census"] == {"hash": election.census_hash, "count": 4}
    assert manifest["credentials"]["count"] == 4
    assert manifest["public_key"] == prepared.ceremony.public_key.hex()
    assert manifest["opens_at"].endswith("+05:00")
    assert [t["index"] for t in manifest["trustees"]] == [1, 2, 3]
    entry = BoardEntry.objects.get(election=election, type="manifest")
    assert json.loads(entry.payload)["hash"] == election.manifest_hash
    assert election.checkpoints.filter(seq=entry.seq).exists()


def test_ready_poll_opens(tree: Any) -> None:
    prepared = ready_election(tree.makat, poll=True, open=True)
    assert phase(prepared.election) == Phase.VOTING
    assert len(json.loads(prepared.election.manifest)["candidates"]) == 3


def test_the_verifier_accepts_a_board_whose_ceremony_restarted(client: Any, tree: Any) -> None:
    from django.urls import reverse

    from amanat.elections.services.elections import freeze
    from amanat.elections.tests.factories import add_candidate, make_member, publish_credentials, to_preparation
    from votecrypto.verify import verify_board

    election = make_election(tree.makat)
    make_member(tree.makat)
    trustees = name_trustees(election, 3)
    to_nominations(election)
    add_candidate(election)
    add_candidate(election)
    to_preparation(election)
    kit = run_ceremony(str(election.uuid), 3, 2)
    register_all(trustees, kit)
    deal_all(trustees, kit)
    ceremony.trustee_check(actor=trustees[0].user, trustee=trustees[0], raw={"index": 1, "against": 2})
    run_key_ceremony(election)
    publish_credentials(election)
    freeze(actor=system_user(), election=election)
    response = client.get(reverse("elections:board-download", args=[election.uuid]))
    data = json.loads(b"".join(response.streaming_content))
    assert [(p.where, p.what) for p in verify_board(data).problems] == []
