"""Zero-knowledge proofs with strong Fiat–Shamir (protocol §4, §6, §7).

- range: a CDS disjunction that a ciphertext encrypts one of the values V;
- pok: a Schnorr proof of knowledge of a discrete logarithm (trustee keys, DKG coefficients);
- decryption: a Chaum–Pedersen proof that D = x_j·A for the x_j behind Y_j = x_j·G.

Verifiers recompute the commitments from (c, s) and compare the hash; they never raise on a
malformed proof, they return False. `rng` (a zero-argument callable returning scalars) replaces
`secrets` for deterministic test vectors; the order in which provers draw is documented per function
because the browser booth reproduces it.
"""

# ruff: noqa: N803, N806 - the protocol's names (Y, Y_j, A, D, K, S, …) are kept so the code reads like the spec

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from votecrypto.elgamal import Ciphertext
from votecrypto.encoding import hash_scalar, small
from votecrypto.group import IDENTITY, N, Point, base_mul, random_scalar, scalar_from_hex, scalar_hex

__all__ = ["prove_decryption", "prove_pok", "prove_range", "verify_decryption", "verify_pok", "verify_range"]

Rng = Callable[[], int]
RANGE, POK, DECRYPT = "amanat/v1/range", "amanat/v1/pok", "amanat/v1/decrypt"
_ZERO = "0" * 64


@lru_cache(maxsize=256)
def _minus_vg(v: int) -> Point:
    return base_mul(-v)


def _shifted(b: Point, v: int) -> Point:
    """b − v·G."""
    return b if v == 0 else b + _minus_vg(v)


def _range_challenge(
    h_e: bytes, cred: bytes, Y: Point, ct: Ciphertext, values: Sequence[int], commitments: list[Point]
) -> int:
    return hash_scalar(
        RANGE,
        h_e,
        cred,
        Y.to_bytes(),
        ct.a.to_bytes(),
        ct.b.to_bytes(),
        small(len(values)),
        *[small(v) for v in values],
        *[p.to_bytes() for p in commitments],
    )


def prove_range(
    h_e: bytes, cred: bytes, Y: Point, ct: Ciphertext, r: int, value: int, values: Sequence[int], rng: Rng | None = None
) -> list[dict[str, str]]:
    """Prove that ct = Enc(value; r) with value in `values`.

    Draws, walking `values` in order: w for the true value, then c_v, s_v for each other value.
    """
    draw = rng or random_scalar
    if value not in values:
        raise ValueError("the value is not among the allowed values")
    commitments: list[Point] = []
    simulated: dict[int, tuple[int, int]] = {}
    w = 0
    for v in values:
        if v == value:
            w = draw() % N
            commitments += [base_mul(w), w * Y]
        else:
            c_v, s_v = draw() % N, draw() % N
            simulated[v] = (c_v, s_v)
            commitments += [base_mul(s_v) + (-c_v) * ct.a, s_v * Y + (-c_v) * _shifted(ct.b, v)]
    c = _range_challenge(h_e, cred, Y, ct, values, commitments)
    c_true = (c - sum(c_v for c_v, _ in simulated.values())) % N
    s_true = (w + c_true * r) % N
    return [
        {"c": scalar_hex(c_true), "s": scalar_hex(s_true)}
        if v == value
        else {"c": scalar_hex(simulated[v][0]), "s": scalar_hex(simulated[v][1])}
        for v in values
    ]


def verify_range(h_e: bytes, cred: bytes, Y: Point, ct: Ciphertext, proof: object, values: Sequence[int]) -> bool:
    """True when `proof` shows that ct encrypts one of `values`; False for anything else."""
    try:
        if not isinstance(proof, list) or len(proof) != len(values) or not values:
            return False
        commitments: list[Point] = []
        total = 0
        for v, item in zip(values, proof, strict=True):
            if not isinstance(item, dict) or len(item) != 2:
                return False
            c_v, s_v = scalar_from_hex(item["c"]), scalar_from_hex(item["s"])
            total += c_v
            minus_c = N - c_v
            commitments.append(base_mul(s_v) + minus_c * ct.a)
            commitments.append(s_v * Y + minus_c * _shifted(ct.b, v))
        return total % N == _range_challenge(h_e, cred, Y, ct, values, commitments)
    except (KeyError, OverflowError, TypeError, ValueError):
        return False


def _pok_challenge(ctx: bytes, index: int, public: Point, R: Point) -> int:
    return hash_scalar(POK, ctx, small(index), public.to_bytes(), R.to_bytes())


def prove_pok(ctx: bytes, index: int, secret: int, rng: Rng | None = None) -> dict[str, str]:
    """Schnorr proof of knowledge of `secret` behind secret·G, bound to ctx and index. Draws w."""
    w = (rng or random_scalar)() % N
    c = _pok_challenge(ctx, index, base_mul(secret), base_mul(w))
    return {"c": scalar_hex(c), "s": scalar_hex(w + c * secret)}


def verify_pok(ctx: bytes, index: int, public: Point, pok: object) -> bool:
    try:
        if not isinstance(pok, dict) or len(pok) != 2 or public.is_identity:
            return False
        c, s = scalar_from_hex(pok["c"]), scalar_from_hex(pok["s"])
        return c == _pok_challenge(ctx, index, public, base_mul(s) + (N - c) * public)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


def _decrypt_challenge(h_e: bytes, index: int, Y_j: Point, A: Point, D: Point, U: Point, W: Point) -> int:
    return hash_scalar(
        DECRYPT, h_e, small(index), Y_j.to_bytes(), A.to_bytes(), D.to_bytes(), U.to_bytes(), W.to_bytes()
    )


def prove_decryption(h_e: bytes, index: int, x: int, Y_j: Point, A: Point, rng: Rng | None = None) -> dict[str, str]:
    """D = x·A with a Chaum–Pedersen proof; for A the identity, D the identity and c = s = 0. Draws w."""
    if A.is_identity:
        return {"d": IDENTITY.hex(), "c": _ZERO, "s": _ZERO}
    w = (rng or random_scalar)() % N
    D = x * A
    c = _decrypt_challenge(h_e, index, Y_j, A, D, base_mul(w), w * A)
    return {"d": D.hex(), "c": scalar_hex(c), "s": scalar_hex(w + c * x)}


def verify_decryption(h_e: bytes, index: int, Y_j: Point, A: Point, share: object) -> bool:
    try:
        if not isinstance(share, dict) or set(share) != {"d", "c", "s"}:
            return False
        D = Point.from_hex(share["d"])
        c, s = scalar_from_hex(share["c"]), scalar_from_hex(share["s"])
        if A.is_identity:
            return D.is_identity and c == 0 and s == 0
        U = base_mul(s) + (N - c) * Y_j
        W = s * A + (N - c) * D
        return c == _decrypt_challenge(h_e, index, Y_j, A, D, U, W)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
