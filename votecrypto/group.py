"""The secp256k1 group (protocol §1): points with an identity, scalars mod N.

coincurve (libsecp256k1) has no identity point and no negation in its Python API; `Point` adds
both and calls the library through its cffi handle directly, which keeps the per-operation
overhead to about a microsecond around ~30 µs of curve arithmetic.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from coincurve._libsecp256k1 import ffi, lib
from coincurve.context import GLOBAL_CONTEXT

from votecrypto.encoding import N

__all__ = [
    "IDENTITY",
    "G",
    "N",
    "Point",
    "base_mul",
    "random_scalar",
    "scalar_bytes",
    "scalar_from_hex",
    "scalar_hex",
    "sum_points",
]

_CTX = GLOBAL_CONTEXT.ctx
_COMPRESSED = 258  # SECP256K1_EC_COMPRESSED
_HEX = frozenset("0123456789abcdef")
_CHUNK = 4096  # points per secp256k1_ec_pubkey_combine call


class Point:
    """A point of secp256k1, or the identity. Immutable; `k * P` takes any int (reduced mod N)."""

    __slots__ = ("_bytes", "_pk")

    def __init__(self, *_args: object) -> None:
        raise TypeError("use Point.from_bytes / Point.from_hex, G, IDENTITY or base_mul")

    @classmethod
    def _wrap(cls, pk: object) -> Point:
        """A Point around a `secp256k1_pubkey *` (None for the identity); the caller gives it up."""
        point = object.__new__(cls)
        object.__setattr__(point, "_pk", pk)
        object.__setattr__(point, "_bytes", None)
        return point

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Point is immutable")

    # --- encoding -------------------------------------------------------------------------
    @classmethod
    def from_bytes(cls, data: bytes) -> Point:
        """33 bytes SEC1 compressed, or b"\\x00" for the identity; ValueError otherwise."""
        if not isinstance(data, bytes | bytearray):
            raise ValueError("a point is bytes")
        data = bytes(data)
        if data == b"\x00":
            return IDENTITY
        if len(data) != 33 or data[0] not in (2, 3):
            raise ValueError("a point is 33 bytes, SEC1 compressed")
        pk = ffi.new("secp256k1_pubkey *")
        if not lib.secp256k1_ec_pubkey_parse(_CTX, pk, data, 33):
            raise ValueError("not a point of secp256k1")
        point = cls._wrap(pk)
        object.__setattr__(point, "_bytes", data)
        return point

    @classmethod
    def from_hex(cls, text: str) -> Point:
        """Lowercase hex of `to_bytes()` (66 characters, or "00"); ValueError otherwise."""
        if not isinstance(text, str) or len(text) not in (2, 66) or not _HEX.issuperset(text):
            raise ValueError("a point is 66 lowercase hex characters, or 00")
        return cls.from_bytes(bytes.fromhex(text))

    def to_bytes(self) -> bytes:
        data = self._bytes
        if data is None:
            if self._pk is None:
                data = b"\x00"
            else:
                out = ffi.new("unsigned char[33]")
                size = ffi.new("size_t *", 33)
                lib.secp256k1_ec_pubkey_serialize(_CTX, out, size, self._pk, _COMPRESSED)
                data = bytes(ffi.buffer(out, 33))
            object.__setattr__(self, "_bytes", data)
        return data

    def hex(self) -> str:
        return self.to_bytes().hex()

    @property
    def is_identity(self) -> bool:
        return self._pk is None

    # --- arithmetic -----------------------------------------------------------------------
    def __add__(self, other: Point) -> Point:
        if not isinstance(other, Point):
            return NotImplemented
        if self._pk is None:
            return other
        if other._pk is None:
            return self
        out = ffi.new("secp256k1_pubkey *")
        if not lib.secp256k1_ec_pubkey_combine(_CTX, out, [self._pk, other._pk], 2):
            return IDENTITY  # P + (-P)
        return Point._wrap(out)

    def __neg__(self) -> Point:
        if self._pk is None:
            return self
        out = ffi.new("secp256k1_pubkey *", self._pk[0])
        lib.secp256k1_ec_pubkey_negate(_CTX, out)
        return Point._wrap(out)

    def __sub__(self, other: Point) -> Point:
        if not isinstance(other, Point):
            return NotImplemented
        return self + (-other)

    def __mul__(self, k: int) -> Point:
        if not isinstance(k, int):
            return NotImplemented
        k %= N
        if k == 0 or self._pk is None:
            return IDENTITY
        out = ffi.new("secp256k1_pubkey *", self._pk[0])
        lib.secp256k1_ec_pubkey_tweak_mul(_CTX, out, k.to_bytes(32, "big"))
        return Point._wrap(out)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Point):
            return NotImplemented
        return self.to_bytes() == other.to_bytes()

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def __repr__(self) -> str:
        return f"Point({self.hex()})"

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        return (Point.from_bytes, (self.to_bytes(),))


IDENTITY = Point._wrap(None)


def base_mul(k: int) -> Point:
    """k·G by libsecp256k1's fixed-base multiplication."""
    k %= N
    if k == 0:
        return IDENTITY
    out = ffi.new("secp256k1_pubkey *")
    lib.secp256k1_ec_pubkey_create(_CTX, out, k.to_bytes(32, "big"))
    return Point._wrap(out)


G = base_mul(1)


def sum_points(points: Iterable[Point]) -> Point:
    """The sum of many points, thousands per library call; the identity for none."""
    chunk: list[object] = []
    partial: list[Point] = []
    for point in points:
        if point._pk is not None:
            chunk.append(point._pk)
            if len(chunk) == _CHUNK:
                partial.append(_combine(chunk))
                chunk = []
    if chunk:
        partial.append(_combine(chunk))
    if len(partial) == 1:
        return partial[0]
    return sum_points(partial) if partial else IDENTITY


def _combine(pks: list[object]) -> Point:
    out = ffi.new("secp256k1_pubkey *")
    if not lib.secp256k1_ec_pubkey_combine(_CTX, out, pks, len(pks)):
        return IDENTITY  # the points cancel out
    return Point._wrap(out)


def random_scalar() -> int:
    """A uniformly random scalar in [1, N), from `secrets`."""
    return secrets.randbelow(N - 1) + 1


def scalar_bytes(k: int) -> bytes:
    return (k % N).to_bytes(32, "big")


def scalar_hex(k: int) -> str:
    return (k % N).to_bytes(32, "big").hex()


def scalar_from_hex(text: str) -> int:
    """A scalar from 64 lowercase hex characters; ValueError unless well formed and below N."""
    if not isinstance(text, str) or len(text) != 64 or not _HEX.issuperset(text):
        raise ValueError("a scalar is 64 lowercase hex characters")
    k = int(text, 16)
    if k >= N:
        raise ValueError("a scalar is below the group order")
    return k
