"""Pedersen distributed key generation, t of n (protocol §6).

Each trustee registers a key for receiving shares (with a proof of knowledge), deals a random
polynomial of degree t − 1 (commitments, a proof for the constant term, one AES-GCM-encrypted
share per trustee), then checks the shares it received against the commitments: either it
publishes its verification key Y_j (with a proof) or a complaint against a dealer.
"""

# ruff: noqa: N803, N806 - the protocol's names (Y, Y_j, A, D, K, S, …) are kept so the code reads like the spec

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from votecrypto.encoding import hash32, small
from votecrypto.group import IDENTITY, N, Point, base_mul, random_scalar, scalar_bytes, scalar_hex, sum_points
from votecrypto.proofs import prove_pok, verify_pok

__all__ = [
    "ceremony_context",
    "deal",
    "election_key",
    "receive",
    "register",
    "verification_key",
    "verify_check",
    "verify_deal",
    "verify_registration",
]

CEREMONY, SHARE = "amanat/v1/ceremony", "amanat/v1/share"
NONCE = bytes(12)  # each share key is used once
_HEX = frozenset("0123456789abcdef")


def ceremony_context(election: str) -> bytes:
    return hash32(CEREMONY, election)


def register(ctx: bytes, index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A trustee's key pair for receiving shares: (private {"index", "secret"}, public {"index", "public", "pok"})."""
    secret = random_scalar()
    public = {"index": index, "public": base_mul(secret).hex(), "pok": prove_pok(ctx, index, secret)}
    return {"index": index, "secret": scalar_hex(secret)}, public


def _is_index(value: object) -> bool:
    return type(value) is int and value >= 1


def verify_registration(ctx: bytes, reg: object) -> bool:
    try:
        if type(reg) is not dict or reg.keys() != {"index", "public", "pok"} or not _is_index(reg["index"]):
            return False
        return verify_pok(ctx, reg["index"], Point.from_hex(reg["public"]), reg["pok"])
    except (TypeError, ValueError):
        return False


def _share_key(ctx: bytes, dealer: int, recipient: int, K: Point, S: Point) -> bytes:
    return hash32(SHARE, ctx, small(dealer), small(recipient), K.to_bytes(), S.to_bytes())


def _evaluate(coefficients: list[int], x: int) -> int:
    value = 0
    for a in reversed(coefficients):
        value = (value * x + a) % N
    return value


def deal(ctx: bytes, index: int, threshold: int, recipients: dict[int, str]) -> dict[str, Any]:
    """Trustee `index` deals: recipients maps every trustee's index (itself included) to its
    registered public key (hex)."""
    if threshold < 1 or threshold > len(recipients):
        raise ValueError("the threshold is between 1 and the number of trustees")
    coefficients = [random_scalar() for _ in range(threshold)]
    shares = []
    for j in sorted(recipients):
        E_j = Point.from_hex(recipients[j])
        k = random_scalar()
        K, S = base_mul(k), k * E_j
        key = _share_key(ctx, index, j, K, S)
        ct = AESGCM(key).encrypt(NONCE, scalar_bytes(_evaluate(coefficients, j)), ctx)
        shares.append({"to": j, "K": K.hex(), "ct": ct.hex()})
    return {
        "index": index,
        "commitments": [base_mul(a).hex() for a in coefficients],
        "pok": prove_pok(ctx, index, coefficients[0]),
        "shares": shares,
    }


def _commitments(deal_: dict[str, Any]) -> list[Point]:
    return [Point.from_hex(c) for c in deal_["commitments"]]


def verify_deal(ctx: bytes, deal: object, threshold: int, indices: object) -> bool:
    """Shape, t non-identity commitments, the proof for the constant term, one share per trustee."""
    try:
        if type(deal) is not dict or deal.keys() != {"index", "commitments", "pok", "shares"}:
            return False
        if (
            not _is_index(deal["index"])
            or type(deal["commitments"]) is not list
            or len(deal["commitments"]) != threshold
        ):
            return False
        commitments = _commitments(deal)
        if any(c.is_identity for c in commitments) or not verify_pok(ctx, deal["index"], commitments[0], deal["pok"]):
            return False
        shares = deal["shares"]
        if type(shares) is not list or [s.get("to") if type(s) is dict else None for s in shares] != sorted(indices):
            return False
        for share in shares:
            ct = share.get("ct")
            if share.keys() != {"to", "K", "ct"} or type(ct) is not str or len(ct) != 96 or not _HEX.issuperset(ct):
                return False
            if Point.from_hex(share["K"]).is_identity:
                return False
        return True
    except (AttributeError, TypeError, ValueError):
        return False


def _expected(commitments: list[Point], j: int) -> Point:
    """Σ_k j^k·C_k."""
    return sum_points((pow(j, k, N) * c) for k, c in enumerate(commitments))


def _open_share(ctx: bytes, index: int, secret: int, deal_: object, threshold: int) -> int | None:
    """The dealer's share for `index`, if the deal holds together, the share decrypts and it matches
    the commitments; None otherwise."""
    try:
        commitments = _commitments(deal_)
        if len(commitments) != threshold or not verify_pok(ctx, deal_["index"], commitments[0], deal_["pok"]):
            return None
        share = next(s for s in deal_["shares"] if s["to"] == index)
        K = Point.from_hex(share["K"])
        if K.is_identity:
            return None
        key = _share_key(ctx, deal_["index"], index, K, secret * K)
        plain = AESGCM(key).decrypt(NONCE, bytes.fromhex(share["ct"]), ctx)
        value = int.from_bytes(plain, "big")
        if len(plain) != 32 or value >= N or base_mul(value) != _expected(commitments, index):
            return None
        return value
    except (InvalidTag, KeyError, OverflowError, StopIteration, TypeError, ValueError):
        return None


def receive(
    ctx: bytes, index: int, secret: int, deals: list[dict], threshold: int
) -> tuple[int | None, dict[str, Any]]:
    """(x_j, check JSON) when every dealer's share checks out; (None, complaint JSON) for the first,
    in dealer order, that does not."""
    x = 0
    for deal_ in sorted(deals, key=lambda d: d["index"]):
        value = _open_share(ctx, index, secret, deal_, threshold)
        if value is None:
            return None, {"index": index, "against": deal_["index"]}
        x = (x + value) % N
    return x, {"index": index, "verification_key": base_mul(x).hex(), "pok": prove_pok(ctx, index, x)}


def election_key(deals: list[dict]) -> Point:
    """Y = Σ_i C_i0."""
    return sum_points(Point.from_hex(d["commitments"][0]) for d in deals)


def verification_key(deals: list[dict], j: int, threshold: int) -> Point:
    """Y_j = Σ_i Σ_k j^k·C_ik, summing the commitments over the dealers first."""
    per_power = [sum_points(Point.from_hex(d["commitments"][k]) for d in deals) for k in range(threshold)]
    return _expected(per_power, j) if deals else IDENTITY


def verify_check(ctx: bytes, check: object, deals: list[dict], threshold: int) -> bool:
    """The proof on Y_j holds and Y_j is the key the commitments give for trustee j."""
    try:
        if (
            type(check) is not dict
            or check.keys() != {"index", "verification_key", "pok"}
            or not _is_index(check["index"])
        ):
            return False
        Y_j = Point.from_hex(check["verification_key"])
        return verify_pok(ctx, check["index"], Y_j, check["pok"]) and Y_j == verification_key(
            deals, check["index"], threshold
        )
    except (KeyError, IndexError, TypeError, ValueError):
        return False
