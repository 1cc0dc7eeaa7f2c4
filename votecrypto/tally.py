"""Homomorphic tally and threshold decryption (protocol §7).

Aggregation parses each ballot's stored ciphertexts (`ciphertext_blob`, 66 bytes per candidate)
straight into libsecp256k1's point structures and sums thousands of points per library call;
parsing (a square root per point) is the cost, about 6 µs a point on this machine.
"""

# ruff: noqa: N803, N806 - the protocol's names (Y, Y_j, A, D, K, S, …) are kept so the code reads like the spec

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

from coincurve._libsecp256k1 import ffi, lib
from coincurve.context import GLOBAL_CONTEXT

from votecrypto.elgamal import Ciphertext, dlog
from votecrypto.group import IDENTITY, N, Point, base_mul, sum_points
from votecrypto.proofs import prove_decryption, verify_decryption

__all__ = [
    "aggregate",
    "aggregate_parallel",
    "build_tally",
    "decrypt_tally",
    "decryption_share",
    "lagrange",
    "tally_ciphertexts",
    "verify_share",
]

OTHER = "other"
CHUNK = 2048  # points summed per library call
UNIT_BATCH = 4096  # blobs a unit keeps before folding them into its running sums
BATCH = 20000  # blobs per task of aggregate_parallel
_CTX = GLOBAL_CONTEXT.ctx


class _Summer:
    """Sums the 2k points of many blobs: a0, b0, a1, b1, … per candidate."""

    def __init__(self, candidates: int) -> None:
        self.slots = 2 * candidates
        self.width = 66 * candidates
        self._buffers = [ffi.new("secp256k1_pubkey[]", CHUNK) for _ in range(self.slots)]
        self._pointers = [ffi.new("secp256k1_pubkey *[]", [buf + i for i in range(CHUNK)]) for buf in self._buffers]

    def sums(self, blobs: Iterable[bytes]) -> list[Point]:
        totals = [IDENTITY] * self.slots
        parse, ctx, width = lib.secp256k1_ec_pubkey_parse, _CTX, self.width
        columns = list(zip(range(0, width, 33), self._pointers, strict=True))
        n = 0
        for blob in blobs:
            if type(blob) is not bytes:
                blob = bytes(blob)  # a memoryview or bytearray, as databases return binary columns
            if len(blob) != width:
                raise ValueError("a stored ballot has the wrong number of ciphertexts")
            for offset, pointers in columns:
                if not parse(ctx, pointers[n], blob[offset : offset + 33], 33):
                    raise ValueError("a stored ciphertext is not a point of the curve")
            n += 1
            if n == CHUNK:
                totals = self._fold(totals, n)
                n = 0
        return self._fold(totals, n) if n else totals

    def _fold(self, totals: list[Point], n: int) -> list[Point]:
        folded = []
        for total, pointers in zip(totals, self._pointers, strict=True):
            out = ffi.new("secp256k1_pubkey *")
            part = Point._wrap(out) if lib.secp256k1_ec_pubkey_combine(_CTX, out, pointers, n) else IDENTITY
            folded.append(total + part)
        return folded


def _pairs(points: list[Point]) -> list[Ciphertext]:
    return [Ciphertext(points[i], points[i + 1]) for i in range(0, len(points), 2)]


def aggregate(blobs: Iterable[bytes], candidates: int) -> list[Ciphertext]:
    """Per candidate, (Σ a, Σ b) over the blobs (identity if none)."""
    return _pairs(_Summer(candidates).sums(blobs))


def _aggregate_bytes(blobs: list[bytes], candidates: int) -> list[bytes]:
    return [p.to_bytes() for p in _Summer(candidates).sums(blobs)]


def _batches(blobs: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    iterator = iter(blobs)
    while batch := list(islice(iterator, size)):
        yield batch


def aggregate_parallel(blobs: Iterable[bytes], candidates: int, workers: int = 2) -> list[Ciphertext]:
    """`aggregate` over worker processes (forked; they touch nothing but their batch), BATCH blobs a task."""
    if workers <= 1:
        return aggregate(blobs, candidates)
    totals = [IDENTITY] * (2 * candidates)
    pending: list[Future] = []

    def fold(future: Future) -> None:
        nonlocal totals
        totals = [t + Point.from_bytes(p) for t, p in zip(totals, future.result(), strict=True)]

    context = multiprocessing.get_context("fork")  # workers run only this module: no re-import of __main__
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for batch in _batches(blobs, BATCH):
            pending.append(pool.submit(_aggregate_bytes, batch, candidates))
            if len(pending) >= 2 * workers:  # bound the memory held in flight
                fold(pending.pop(0))
        for future in pending:
            fold(future)
    return _pairs(totals)


def _sums_json(sums: list[Ciphertext]) -> list[dict[str, str]]:
    return [ct.to_json() for ct in sums]


def build_tally(rows: Iterable[tuple[str, bytes]], candidates: int, min_unit_voters: int) -> dict[str, Any]:
    """The encrypted tally (protocol §7) of counted ballots given as (tally unit id, blob).

    Units with fewer than `min_unit_voters` ballots are pooled as "other"; if that pool is not
    empty but itself below the minimum, there are no per-unit sums at all.
    """
    summer = _Summer(candidates)
    counts: dict[str, int] = {}
    pending: dict[str, list[bytes]] = {}
    sums: dict[str, list[Point]] = {}

    def fold(unit: str) -> None:
        part = summer.sums(pending.pop(unit))
        previous = sums.get(unit)
        sums[unit] = part if previous is None else [p + q for p, q in zip(previous, part, strict=True)]

    for unit, blob in rows:
        unit = str(unit)
        counts[unit] = counts.get(unit, 0) + 1
        batch = pending.setdefault(unit, [])
        batch.append(blob)
        if len(batch) >= UNIT_BATCH:
            fold(unit)
    for unit in list(pending):
        fold(unit)

    width = 2 * candidates
    total = [sum_points(s[i] for s in sums.values()) for i in range(width)]
    small = [u for u, n in counts.items() if n < min_unit_voters]
    pooled = sum(counts[u] for u in small)
    units: dict[str, dict[str, Any]] = {}
    if not small or pooled >= min_unit_voters:
        for unit, n in counts.items():
            if n >= min_unit_voters:
                units[unit] = {"counted": n, "sums": _sums_json(_pairs(sums[unit]))}
        if small:
            other = [sum_points(sums[u][i] for u in small) for i in range(width)]
            units[OTHER] = {"counted": pooled, "sums": _sums_json(_pairs(other))}
    return {"counted": sum(counts.values()), "total": _sums_json(_pairs(total)), "units": dict(sorted(units.items()))}


def _scopes(tally: dict[str, Any]) -> list[tuple[str | None, int, list[Ciphertext]]]:
    """(unit key or None for the total, counted, ciphertexts): the total, then units in key order."""
    scopes = [(None, tally["counted"], [Ciphertext.from_json(c) for c in tally["total"]])]
    for key in sorted(tally["units"]):
        unit = tally["units"][key]
        scopes.append((key, unit["counted"], [Ciphertext.from_json(c) for c in unit["sums"]]))
    return scopes


def tally_ciphertexts(tally: dict[str, Any]) -> list[Ciphertext]:
    """Every ciphertext of the tally: the total, then the units in sorted key order."""
    return [ct for _key, _n, cts in _scopes(tally) for ct in cts]


def decryption_share(h_e: bytes, index: int, x_j: int, tally: dict[str, Any]) -> dict[str, Any]:
    """Trustee j's share: D = x_j·A with a proof, for every ciphertext of the tally."""
    Y_j = base_mul(x_j)
    share: dict[str, Any] = {"index": index, "total": [], "units": {}}
    for key, _n, cts in _scopes(tally):
        parts = [prove_decryption(h_e, index, x_j, Y_j, ct.a) for ct in cts]
        if key is None:
            share["total"] = parts
        else:
            share["units"][key] = parts
    return share


def verify_share(h_e: bytes, index: int, Y_j: Point, tally: dict[str, Any], share: object) -> bool:
    """The share has exactly the tally's shape and every Chaum–Pedersen proof holds."""
    try:
        if type(share) is not dict or share.keys() != {"index", "total", "units"} or share["index"] != index:
            return False
        if type(share["units"]) is not dict or share["units"].keys() != tally["units"].keys():
            return False
        for key, _n, cts in _scopes(tally):
            parts = share["total"] if key is None else share["units"][key]
            if type(parts) is not list or len(parts) != len(cts):
                return False
            if not all(verify_decryption(h_e, index, Y_j, ct.a, part) for ct, part in zip(cts, parts, strict=True)):
                return False
        return True
    except (KeyError, TypeError, ValueError):
        return False


def lagrange(indices: Iterable[int], j: int) -> int:
    """λ_j = Π_{k≠j} k / (k − j) mod N, the Lagrange coefficient at 0."""
    numerator = denominator = 1
    for k in indices:
        if k != j:
            numerator = numerator * k % N
            denominator = denominator * (k - j) % N
    return numerator * pow(denominator, -1, N) % N


def decrypt_tally(tally: dict[str, Any], shares: dict[int, dict], threshold: int) -> dict[str, Any]:
    """Counts from any `threshold` (verified) shares: m·G = B − Σ λ_j·D_j, then a discrete log."""
    if len(shares) < threshold:
        raise ValueError(f"{threshold} decryption shares are needed, {len(shares)} given")
    chosen = sorted(shares)[:threshold]
    weights = {j: lagrange(chosen, j) for j in chosen}
    result: dict[str, Any] = {"counts": [], "units": {}, "counted": tally["counted"]}
    for key, n, cts in _scopes(tally):
        counts = []
        for i, ct in enumerate(cts):
            parts = [shares[j]["total"][i] if key is None else shares[j]["units"][key][i] for j in chosen]
            combined = sum_points(weights[j] * Point.from_hex(part["d"]) for j, part in zip(chosen, parts, strict=True))
            counts.append(dlog(ct.b - combined, n))
        if key is None:
            result["counts"] = counts
        else:
            result["units"][key] = counts
    return result
