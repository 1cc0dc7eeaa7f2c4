"""Ballots: valid ones verify, decrypt to the selections and audit; each refusal has its code."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from votecrypto.ballot import (
    BallotError,
    audit_ballot,
    ballot_hash,
    ciphertext_blob,
    make_ballot,
    tracker,
    verify_ballot,
)
from votecrypto.credentials import credential_secret, public_credential, sign
from votecrypto.elgamal import Ciphertext, decrypt_point, dlog, encrypt
from votecrypto.encoding import cjson, sha256_hex
from votecrypto.group import G, base_mul, random_scalar
from votecrypto.proofs import prove_range
from votecrypto.testkit import make_credentials

ELECTION = "5d0e8a41-2f3b-4c6d-9e7f-1a2b3c4d5e6f"
X = random_scalar()
Y = base_mul(X)
FAST = settings(max_examples=15, deadline=None)


def manifest(candidates: int, low: int, high: int, election: str = ELECTION) -> dict[str, Any]:
    return {
        "version": 1,
        "election": election,
        "candidates": [{"id": i + 1, "name": {"en": f"C{i}"}} for i in range(candidates)],
        "min_choices": low,
        "max_choices": high,
        "public_key": Y.hex(),
    }


SINGLE = manifest(5, 1, 1)
SINGLE_HASH = sha256_hex(cjson(SINGLE))
CREDENTIALS = make_credentials(ELECTION, 3)
PUBLIC = {public for _, public in CREDENTIALS}


def rules(m: dict[str, Any] = SINGLE, **changes: Any) -> dict[str, Any]:
    values = {
        "election": m["election"],
        "manifest_hash": sha256_hex(cjson(m)),
        "public_key": Y,
        "candidates": len(m["candidates"]),
        "min_choices": m["min_choices"],
        "max_choices": m["max_choices"],
        "credentials": PUBLIC,
    }
    return values | changes


def resign(ballot: dict[str, Any], credential: str = CREDENTIALS[0][0]) -> dict[str, Any]:
    ballot["signature"] = sign(credential_secret(ELECTION, credential), ballot_hash(ballot))
    return ballot


def code_of(ballot: object, m: dict[str, Any] = SINGLE, **changes: Any) -> str:
    """The code verify_ballot refuses the ballot with, under the rules of manifest m."""
    with pytest.raises(BallotError) as caught:
        verify_ballot(ballot, **rules(m, **changes))
    return caught.value.code


@pytest.fixture(scope="module")
def valid() -> dict[str, Any]:
    ballot, _ = make_ballot(SINGLE, SINGLE_HASH, CREDENTIALS[0][0], [0, 0, 1, 0, 0])
    return ballot


def test_a_ballot_verifies_decrypts_and_audits(valid: dict[str, Any]) -> None:
    verify_ballot(valid, **rules())
    verify_ballot(json.dumps(valid), **rules())
    verify_ballot(valid, **rules(credentials=None))
    assert [dlog(decrypt_point(X, Ciphertext.from_json(ct)), 1) for ct in valid["choices"]] == [0, 0, 1, 0, 0]
    assert valid["credential"] == CREDENTIALS[0][1]


def test_the_audit_reveals_exactly_the_selections() -> None:
    ballot, randomness = make_ballot(SINGLE, SINGLE_HASH, CREDENTIALS[1][0], [0, 1, 0, 0, 0])
    assert audit_ballot(ballot, randomness, [0, 1, 0, 0, 0], Y)
    assert not audit_ballot(ballot, randomness, [1, 0, 0, 0, 0], Y)
    assert not audit_ballot(ballot, randomness[::-1], [0, 1, 0, 0, 0], Y)
    assert not audit_ballot(ballot, randomness[:4], [0, 1, 0, 0], Y)
    assert not audit_ballot({}, randomness, [0, 1, 0, 0, 0], Y)


@FAST
@given(st.integers(min_value=1, max_value=4), st.data())
def test_approval_ballots_within_the_rules_verify(candidates: int, data: st.DataObject) -> None:
    low = data.draw(st.integers(min_value=0, max_value=candidates))
    high = data.draw(st.integers(min_value=low, max_value=candidates))
    selections = data.draw(st.lists(st.sampled_from([0, 1]), min_size=candidates, max_size=candidates))
    m = manifest(candidates, low, high)
    if not low <= sum(selections) <= high:
        with pytest.raises(ValueError):
            make_ballot(m, sha256_hex(cjson(m)), CREDENTIALS[0][0], selections)
        return
    ballot, _ = make_ballot(m, sha256_hex(cjson(m)), CREDENTIALS[0][0], selections)
    verify_ballot(ballot, **rules(m))
    assert len(ballot["sum_proof"]) == high - low + 1
    assert [dlog(decrypt_point(X, Ciphertext.from_json(ct)), 1) for ct in ballot["choices"]] == selections


def test_make_ballot_refuses_bad_selections_and_a_wrong_manifest_hash() -> None:
    for selections in ([0, 0, 0, 0, 0], [1, 1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 2, 0, 0]):
        with pytest.raises(ValueError):
            make_ballot(SINGLE, SINGLE_HASH, CREDENTIALS[0][0], selections)
    with pytest.raises(ValueError):
        make_ballot(SINGLE, "00" * 32, CREDENTIALS[0][0], [1, 0, 0, 0, 0])
    with pytest.raises(ValueError):
        make_ballot(SINGLE, SINGLE_HASH, "not a credential", [1, 0, 0, 0, 0])


def test_the_tracker_is_the_hash_without_the_signature(valid: dict[str, Any]) -> None:
    body = {k: v for k, v in valid.items() if k != "signature"}
    assert tracker(valid) == hashlib.sha256(cjson(body)).hexdigest()
    assert tracker({**valid, "signature": "00" * 64}) == tracker(valid)
    assert tracker({**valid, "credential": "00" * 32}) != tracker(valid)


def test_the_blob_holds_the_ciphertexts_in_order(valid: dict[str, Any]) -> None:
    blob = ciphertext_blob(valid)
    assert len(blob) == 66 * 5
    assert [Ciphertext.from_bytes(blob[i : i + 66]).to_json() for i in range(0, len(blob), 66)] == valid["choices"]


def test_refused_not_json() -> None:
    assert code_of("{not json") == "json"
    assert code_of(b"\xff") == "json"


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b.pop("sum_proof"),
        lambda b: b.update(extra=1),
        lambda b: b["choices"].pop(),
        lambda b: b["proofs"].pop(),
        lambda b: b["proofs"][0].pop(),
        lambda b: b["sum_proof"].append(b["sum_proof"][0]),
        lambda b: b["choices"][0].update(a=b["choices"][0]["a"].upper()),
        lambda b: b["choices"][0].update(a="00"),
        lambda b: b["choices"][0].update(c="00"),
        lambda b: b["proofs"][1][0].update(c=b["proofs"][1][0]["c"][:-1]),
        lambda b: b.update(credential=b["credential"][:-2]),
        lambda b: b.update(signature=b["signature"].upper()),
        lambda b: b.update(manifest=None),
        lambda b: b.update(election=5),
        lambda b: b.update(choices={}),
    ],
)
def test_refused_shape(valid: dict[str, Any], change: Any) -> None:
    ballot = copy.deepcopy(valid)
    change(ballot)
    assert code_of(ballot) == "shape"


def test_refused_shape_when_not_an_object() -> None:
    assert code_of([]) == "shape"
    assert code_of("[1, 2]") == "shape"


def test_refused_a_ballot_copied_from_another_election() -> None:
    other = manifest(5, 1, 1, election="7c1d2e3f-0000-4000-8000-000000000000")
    ballot, _ = make_ballot(other, sha256_hex(cjson(other)), CREDENTIALS[0][0], [1, 0, 0, 0, 0])
    assert code_of(ballot) == "election"
    assert code_of(ballot, credentials=None, m=other | {"election": ELECTION}) == "election"
    assert ballot["credential"] not in PUBLIC  # the same member's key differs between elections
    relabelled = {
        **copy.deepcopy(ballot),
        "election": ELECTION,
        "manifest": SINGLE_HASH,
        "credential": CREDENTIALS[0][1],
    }
    assert code_of(resign(relabelled)) == "proof"  # the proofs are bound to the other manifest


def test_refused_another_manifest(valid: dict[str, Any]) -> None:
    assert code_of(valid, manifest_hash="ab" * 32) == "manifest"


def test_refused_a_credential_not_on_the_list() -> None:
    stranger = make_credentials(ELECTION, 1)[0][0]
    ballot, _ = make_ballot(SINGLE, SINGLE_HASH, stranger, [1, 0, 0, 0, 0])
    assert code_of(ballot) == "credential"


def test_refused_points_off_the_curve(valid: dict[str, Any]) -> None:
    ballot = copy.deepcopy(valid)
    ballot["choices"][2]["b"] = "02" + "ff" * 32
    assert code_of(ballot) == "point"


def test_refused_a_changed_ciphertext_even_when_re_signed(valid: dict[str, Any]) -> None:
    ballot = copy.deepcopy(valid)
    ct, _ = encrypt(Y, 1)
    ballot["choices"][0] = ct.to_json()
    assert code_of(resign(ballot)) == "proof"
    swapped = copy.deepcopy(valid)
    swapped["proofs"][0], swapped["proofs"][2] = swapped["proofs"][2], swapped["proofs"][0]
    assert code_of(resign(swapped)) == "proof"


def test_refused_a_ballot_under_another_key(valid: dict[str, Any]) -> None:
    assert code_of(valid, public_key=Y + G) == "proof"


def test_refused_a_ballot_that_chooses_too_many() -> None:
    """Each candidate's proof holds (0 or 1) but two are chosen in a single-choice election."""
    secret = credential_secret(ELECTION, CREDENTIALS[0][0])
    cred = bytes.fromhex(public_credential(secret))
    h_e = bytes.fromhex(SINGLE_HASH)
    selections = [1, 1, 0, 0, 0]
    encrypted = [encrypt(Y, m) for m in selections]
    total = sum((ct for ct, _ in encrypted[1:]), encrypted[0][0])
    ballot = {
        "election": ELECTION,
        "manifest": SINGLE_HASH,
        "credential": cred.hex(),
        "choices": [ct.to_json() for ct, _ in encrypted],
        "proofs": [
            prove_range(h_e, cred, Y, ct, r, m, [0, 1]) for (ct, r), m in zip(encrypted, selections, strict=True)
        ],
        "sum_proof": prove_range(h_e, cred, Y, total, sum(r for _, r in encrypted), 1, [1]),  # a lie
    }
    assert code_of(resign(ballot)) == "sum_proof"


def test_refused_a_bad_signature(valid: dict[str, Any]) -> None:
    ballot = copy.deepcopy(valid)
    ballot["signature"] = ("1" if ballot["signature"][0] != "1" else "2") + ballot["signature"][1:]
    assert code_of(ballot) == "signature"
    assert code_of(resign(copy.deepcopy(valid), CREDENTIALS[1][0])) == "signature"  # signed by another voter
