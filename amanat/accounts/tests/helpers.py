"""Helpers for the accounts tests."""

from __future__ import annotations

import time
from binascii import unhexlify
from typing import Any

from django_otp.oath import TOTP

PASSWORD = "correct-horse-battery"


def code_for(key: str, *, steps: int = 0) -> str:
    """The code an authenticator app shows for key now (or `steps` x 30 s away)."""
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6)
    totp.time = time.time() + steps * 30
    return f"{totp.token():06d}"


def login(client: Any, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)
