"""The shared test vectors: the file is what the code produces now, and every vector checks out."""

# ruff: noqa: N806 - the protocol's names (Y, Y_j, A, D) are kept

from __future__ import annotations

import json
from typing import Any

import pytest

from votecrypto.ballot import audit_ballot, ballot_hash, ciphertext_blob, make_ballot, tracker, verify_ballot
from votecrypto.credentials import credential_secret, public_credential, verify_signature
from votecrypto.encoding import cjson, hash32, hash_scalar, sha256_hex
from votecrypto.group import Point, base_mul, scalar_from_hex
from votecrypto.proofs import verify_decryption, verify_pok
from votecrypto.vectors import PATH
from votecrypto.vectors.__main__ import main
from votecrypto.vectors.generate import render

VECTORS: dict[str, Any] = json.loads(PATH.read_text(encoding="utf-8"))


def test_the_file_is_what_the_code_produces() -> None:
    """If this fails after a deliberate format change: python -m votecrypto.vectors (and tell the booth)."""
    assert PATH.read_text(encoding="utf-8") == render()
    assert main(["--check"]) == 0


def test_cjson_and_hashes() -> None:
    for case in VECTORS["cjson"]:
        assert cjson(case["input"]).decode() == case["output"]
        assert sha256_hex(case["output"].encode()) == case["sha256"]
    for case in VECTORS["hash_scalar"]:
        items = [bytes.fromhex(item) for item in case["items"]]
        assert hash32(case["domain"], *items).hex() == case["hash32"]
        assert hash_scalar(case["domain"], *items) == scalar_from_hex(case["scalar"])


def test_credentials_and_signature() -> None:
    for case in VECTORS["credentials"]:
        secret = credential_secret(case["election"], case["credential"])
        assert secret == scalar_from_hex(case["secret"])
        assert public_credential(secret) == case["public"]
    for case in VECTORS["signatures"]:
        assert case["aux"] == "00" * 32
        assert verify_signature(case["public"], bytes.fromhex(case["message"]), case["signature"])


@pytest.mark.parametrize("case", VECTORS["ballots"], ids=lambda c: c["label"])
def test_ballots_verify_and_replay_from_the_recorded_draws(case: dict[str, Any]) -> None:
    m, ballot = case["manifest"], case["ballot"]
    assert sha256_hex(cjson(m)) == case["manifest_hash"]
    public_key = Point.from_hex(m["public_key"])
    verify_ballot(
        ballot,
        election=m["election"],
        manifest_hash=case["manifest_hash"],
        public_key=public_key,
        candidates=len(m["candidates"]),
        min_choices=m["min_choices"],
        max_choices=m["max_choices"],
        credentials={ballot["credential"]},
    )
    assert tracker(ballot) == case["tracker"] == ballot_hash(ballot).hex()
    assert ciphertext_blob(ballot).hex() == case["ciphertext_blob"]
    randomness = [scalar_from_hex(r) for r in case["randomness"]]
    assert audit_ballot(ballot, randomness, case["selections"], public_key)
    draws = iter(scalar_from_hex(v) for v in case["rng"])
    replayed, _ = make_ballot(m, case["manifest_hash"], case["credential"], case["selections"], rng=lambda: next(draws))
    assert replayed == ballot
    assert next(draws, None) is None  # every recorded draw was used
    assert case["rng"][: len(randomness)] == case["randomness"]  # the encryption randomness is drawn first


def test_pok_and_decryption_vectors() -> None:
    pok = VECTORS["pok"]
    assert base_mul(scalar_from_hex(pok["secret"])).hex() == pok["public"]
    assert verify_pok(bytes.fromhex(pok["ctx"]), pok["index"], Point.from_hex(pok["public"]), pok["proof"])
    dec = VECTORS["decryption"]
    A = Point.from_hex(dec["A"])
    assert scalar_from_hex(dec["x"]) * A == Point.from_hex(dec["share"]["d"])
    assert verify_decryption(bytes.fromhex(dec["h_e"]), dec["index"], Point.from_hex(dec["Y_j"]), A, dec["share"])
