"""Exponential ElGamal on secp256k1 (protocol §4): Enc(m; r) = (r·G, m·G + r·Y)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from votecrypto.group import IDENTITY, Point, base_mul, random_scalar

__all__ = ["Ciphertext", "decrypt_point", "dlog", "encrypt"]


@dataclass(frozen=True, slots=True)
class Ciphertext:
    a: Point
    b: Point

    def to_json(self) -> dict[str, str]:
        return {"a": self.a.hex(), "b": self.b.hex()}

    @classmethod
    def from_json(cls, data: dict) -> Ciphertext:
        """From {"a", "b"} (exactly those keys, points in hex); ValueError otherwise."""
        if not isinstance(data, dict) or set(data) != {"a", "b"}:
            raise ValueError("a ciphertext is {'a': point, 'b': point}")
        return cls(Point.from_hex(data["a"]), Point.from_hex(data["b"]))

    def to_bytes(self) -> bytes:
        """66 bytes a‖b, both compressed (a ballot's ciphertexts are never the identity)."""
        return self.a.to_bytes() + self.b.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Ciphertext:
        if len(data) != 66:
            raise ValueError("a ciphertext is 66 bytes")
        return cls(Point.from_bytes(data[:33]), Point.from_bytes(data[33:]))

    def __add__(self, other: Ciphertext) -> Ciphertext:
        if not isinstance(other, Ciphertext):
            return NotImplemented
        return Ciphertext(self.a + other.a, self.b + other.b)


ZERO = Ciphertext(IDENTITY, IDENTITY)


def encrypt(public_key: Point, m: int, r: int | None = None) -> tuple[Ciphertext, int]:
    """Encrypt the small integer m under the election key; returns the ciphertext and r."""
    if r is None:
        r = random_scalar()
    return Ciphertext(base_mul(r), base_mul(m) + r * public_key), r


def decrypt_point(x: int, ct: Ciphertext) -> Point:
    """m·G = b − x·a, for the whole secret key x."""
    return ct.b - x * ct.a


def dlog(point: Point, bound: int) -> int:
    """The m in [0, bound] with m·G = point, by baby-step giant-step; ValueError if there is none."""
    if bound < 0:
        raise ValueError("the bound is not negative")
    if point.is_identity:
        return 0
    step = math.isqrt(bound) + 1
    table = _baby_steps(step)
    giant = -base_mul(step)
    current = point
    for i in range(step + 1):
        j = table.get(current.to_bytes())
        if j is not None:
            m = i * step + j
            if m <= bound:
                return m
            break
        current = current + giant
    raise ValueError("the value is not in [0, bound]")


@lru_cache(maxsize=4)
def _baby_steps(step: int) -> dict[bytes, int]:
    """{(j·G) bytes: j} for j in [0, step)."""
    table = {IDENTITY.to_bytes(): 0}
    current = IDENTITY
    g = base_mul(1)
    for j in range(1, step):
        current = current + g
        table[current.to_bytes()] = j
    return table
