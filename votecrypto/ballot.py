"""Ballots (protocol §5): made on the voter's device, verified by the server and the verifier.

A ballot holds, per candidate, an encryption of 0 or 1 with a proof that it is 0 or 1, a proof
that the number of choices is within the rules, and a BIP-340 signature by the voter's credential
over `ballot_hash` (SHA-256 of the canonical JSON without the signature); the tracker is its hex.
"""

# ruff: noqa: N806 - the protocol's names (Y, Y_j, A, D, K, S, …) are kept so the code reads like the spec

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Container, Sequence

from votecrypto.credentials import credential_secret, public_credential, sign, verify_signature
from votecrypto.elgamal import Ciphertext, encrypt
from votecrypto.encoding import cjson, sha256_hex
from votecrypto.group import N, Point, scalar_bytes, sum_points
from votecrypto.proofs import prove_range, verify_range

__all__ = ["BallotError", "audit_ballot", "ballot_hash", "ciphertext_blob", "make_ballot", "tracker", "verify_ballot"]

KEYS = frozenset({"election", "manifest", "credential", "choices", "proofs", "sum_proof", "signature"})
BINARY = (0, 1)
_HEX = frozenset("0123456789abcdef")


class BallotError(ValueError):
    """A ballot that must be refused; `code` says why (json, shape, election, manifest, credential,
    point, proof, sum_proof, signature)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def ballot_hash(ballot: dict) -> bytes:
    """SHA-256 of the canonical JSON of the ballot without its signature."""
    return hashlib.sha256(cjson({k: v for k, v in ballot.items() if k != "signature"})).digest()


def tracker(ballot: dict) -> str:
    return ballot_hash(ballot).hex()


def make_ballot(
    manifest: dict, manifest_hash: str, credential: str, selections: list[int], rng: Callable[[], int] | None = None
) -> tuple[dict, list[int]]:
    """An encrypted, proved and signed ballot, and the per-candidate randomness (for auditing).

    `selections` has one 0 or 1 per candidate, in the manifest's order. With `rng`, the draws are,
    in order: r for each candidate; each candidate's range proof (see `prove_range`); the sum
    proof; then one more scalar whose 32 bytes are the signature's auxiliary randomness.
    """
    if sha256_hex(cjson(manifest)) != manifest_hash:
        raise ValueError("the manifest hash does not match the manifest")
    count = len(manifest["candidates"])
    low, high = manifest["min_choices"], manifest["max_choices"]
    if len(selections) != count or any(s not in BINARY for s in selections) or not low <= sum(selections) <= high:
        raise ValueError("the selections break the election's rules")
    election = manifest["election"]
    Y = Point.from_hex(manifest["public_key"])
    secret = credential_secret(election, credential)
    cred_hex = public_credential(secret)
    cred, h_e = bytes.fromhex(cred_hex), bytes.fromhex(manifest_hash)
    randomness = [(rng() if rng else None) for _ in selections]
    encrypted = [encrypt(Y, m, r) for m, r in zip(selections, randomness, strict=True)]
    randomness = [r for _, r in encrypted]
    choices = [ct for ct, _ in encrypted]
    proofs = [
        prove_range(h_e, cred, Y, ct, r, m, BINARY, rng)
        for ct, r, m in zip(choices, randomness, selections, strict=True)
    ]
    total = Ciphertext(sum_points(ct.a for ct in choices), sum_points(ct.b for ct in choices))
    sum_proof = prove_range(h_e, cred, Y, total, sum(randomness) % N, sum(selections), range(low, high + 1), rng)
    ballot = {
        "election": election,
        "manifest": manifest_hash,
        "credential": cred_hex,
        "choices": [ct.to_json() for ct in choices],
        "proofs": proofs,
        "sum_proof": sum_proof,
    }
    aux = scalar_bytes(rng()) if rng else None
    ballot["signature"] = sign(secret, ballot_hash(ballot), aux)
    return ballot, randomness


def _is_hex(value: object, length: int) -> bool:
    return type(value) is str and len(value) == length and _HEX.issuperset(value)


def _is_proof(value: object, branches: int) -> bool:
    return (
        type(value) is list
        and len(value) == branches
        and all(
            type(p) is dict and p.keys() == {"c", "s"} and _is_hex(p["c"], 64) and _is_hex(p["s"], 64) for p in value
        )
    )


def _check_shape(ballot: object, candidates: int, branches: int) -> None:
    if type(ballot) is not dict or ballot.keys() != KEYS:
        raise BallotError("shape", "a ballot has exactly the keys " + ", ".join(sorted(KEYS)))
    if type(ballot["election"]) is not str or not _is_hex(ballot["manifest"], 64):
        raise BallotError("shape", "the election or manifest field is malformed")
    if not _is_hex(ballot["credential"], 64) or not _is_hex(ballot["signature"], 128):
        raise BallotError("shape", "the credential or signature field is malformed")
    choices, proofs = ballot["choices"], ballot["proofs"]
    if type(choices) is not list or len(choices) != candidates:
        raise BallotError("shape", f"a ballot has {candidates} ciphertexts")
    for ct in choices:
        if type(ct) is not dict or ct.keys() != {"a", "b"} or not _is_hex(ct["a"], 66) or not _is_hex(ct["b"], 66):
            raise BallotError("shape", "a ciphertext is {a, b}, each 66 hex characters")
    if type(proofs) is not list or len(proofs) != candidates or not all(_is_proof(p, 2) for p in proofs):
        raise BallotError("shape", f"a ballot has {candidates} proofs of two parts")
    if not _is_proof(ballot["sum_proof"], branches):
        raise BallotError("shape", f"the sum proof has {branches} parts")


def verify_ballot(
    ballot: dict | str | bytes,
    *,
    election: str,
    manifest_hash: str,
    public_key: Point,
    candidates: int,
    min_choices: int,
    max_choices: int,
    credentials: Container[str] | None = None,
) -> None:
    """Raise BallotError unless the ballot is valid for this election (protocol §5).

    Checks, in order: JSON, shape, election, manifest, credential on the list (skipped when
    `credentials` is None), points, per-candidate proofs, sum proof, signature.
    """
    if isinstance(ballot, str | bytes):
        try:
            ballot = json.loads(ballot)
        except ValueError as exc:
            raise BallotError("json", "the ballot is not JSON") from exc
    _check_shape(ballot, candidates, max_choices - min_choices + 1)
    if ballot["election"] != election:
        raise BallotError("election", "the ballot is for another election")
    if ballot["manifest"] != manifest_hash:
        raise BallotError("manifest", "the ballot is for another version of the election")
    if credentials is not None and ballot["credential"] not in credentials:
        raise BallotError("credential", "the credential is not on the published list")
    try:
        choices = [Ciphertext(Point.from_hex(ct["a"]), Point.from_hex(ct["b"])) for ct in ballot["choices"]]
    except ValueError as exc:
        raise BallotError("point", "a ciphertext is not made of points of the curve") from exc
    h_e, cred = bytes.fromhex(manifest_hash), bytes.fromhex(ballot["credential"])
    for i, (ct, proof) in enumerate(zip(choices, ballot["proofs"], strict=True)):
        if not verify_range(h_e, cred, public_key, ct, proof, BINARY):
            raise BallotError("proof", f"the proof for candidate {i + 1} fails")
    total = Ciphertext(sum_points(ct.a for ct in choices), sum_points(ct.b for ct in choices))
    if not verify_range(h_e, cred, public_key, total, ballot["sum_proof"], range(min_choices, max_choices + 1)):
        raise BallotError("sum_proof", "the proof on the number of choices fails")
    if not verify_signature(ballot["credential"], ballot_hash(ballot), ballot["signature"]):
        raise BallotError("signature", "the signature does not verify")


def ciphertext_blob(ballot: dict) -> bytes:
    """The ballot's ciphertexts as 66·k bytes (a‖b per candidate), for storage and aggregation."""
    return b"".join(bytes.fromhex(ct["a"]) + bytes.fromhex(ct["b"]) for ct in ballot["choices"])


def audit_ballot(ballot: dict, randomness: Sequence[int], selections: Sequence[int], public_key: Point) -> bool:
    """True when re-encrypting `selections` with `randomness` gives exactly the ballot's ciphertexts."""
    try:
        choices = ballot["choices"]
        if not (len(choices) == len(randomness) == len(selections)):
            return False
        return all(
            encrypt(public_key, m, r)[0].to_json() == ct
            for ct, r, m in zip(choices, randomness, selections, strict=True)
        )
    except (KeyError, TypeError, ValueError):
        return False
