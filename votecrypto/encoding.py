"""Canonical encodings shared by the server, the verifier and the browser booth (protocol §1)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from coincurve.utils import GROUP_ORDER_INT as N


def cjson(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept as is. Floats are refused."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def small(i: int) -> bytes:
    """A small non-negative integer (index, count, vote value) as 8 bytes big-endian."""
    return i.to_bytes(8, "big")


def hash32(domain: str, *items: bytes | str) -> bytes:
    """SHA-256 over the length-prefixed domain tag and items (strings as UTF-8)."""
    h = hashlib.sha256()
    for item in (domain, *items):
        b = item.encode() if isinstance(item, str) else item
        h.update(len(b).to_bytes(4, "big"))
        h.update(b)
    return h.digest()


def hash_scalar(domain: str, *items: bytes | str) -> int:
    return int.from_bytes(hash32(domain, *items), "big") % N
