"""Encryption of personal data at rest (Fernet) and keyed hashes for look-ups (HMAC-SHA256).

Keys come from settings (IIN_ENCRYPTION_KEYS, newest first, for rotation; IIN_HASH_KEY); when
unset they are derived from SECRET_KEY, which is fine for the demo and tests only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _derive(label: str) -> bytes:
    return hashlib.sha256(f"amanat:{label}:{settings.SECRET_KEY}".encode()).digest()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive("fernet")))])


def _current_fernet() -> MultiFernet:
    return _fernet(tuple(settings.IIN_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    return _current_fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _current_fernet().decrypt(token.encode()).decode()


def keyed_hash(plain: str, *, purpose: str = "iin") -> str:
    key = settings.IIN_HASH_KEY.encode() if settings.IIN_HASH_KEY else _derive(f"hash:{purpose}")
    return hmac.new(key, plain.encode(), hashlib.sha256).hexdigest()
