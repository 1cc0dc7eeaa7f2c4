"""TOTP two-factor login (django-otp): setting up a device, verifying a code, turning it off.

A second factor is asked for when the user's roles require it (`User.needs_two_factor`, on
when settings.TWO_FACTOR_REQUIRED) or when the user turned it on themselves.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
from binascii import unhexlify
from typing import Any

import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from amanat.accounts.choices import AccountsVerb
from amanat.accounts.models import User
from amanat.audit.services import record

# Accept the code one step (30 s) early or late: phones' clocks drift.
TOLERANCE = 1
DEVICE_NAME = "authenticator"
# The session remembers for a while whether this user must verify, to spare a query a page.
SESSION_KEY = "amanat_2fa_required"
RECHECK_SECONDS = 300
PENDING_KEY = "amanat_2fa_pending_key"
CODE_RE = re.compile(r"^\d{6}$")


def clean_code(raw: str | None) -> str:
    """Codes are typed as "123 456" or "123-456" as often as "123456"."""
    return re.sub(r"[\s-]", "", raw or "")


def device_for(user: Any) -> TOTPDevice | None:
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def has_two_factor(user: Any) -> bool:
    return device_for(user) is not None


def must_verify(user: Any) -> bool:
    """Whether this user is asked for a code after the password."""
    return bool(user.needs_two_factor) or has_two_factor(user)


def remember_session_check(request: HttpRequest, user: Any) -> bool:
    """Work out `must_verify` now and keep it in the session (done at every login)."""
    needed = must_verify(user)
    request.session[SESSION_KEY] = [needed, time.time()]
    return needed


def session_must_verify(request: HttpRequest) -> bool:
    """`must_verify` for the logged-in user, as remembered in the session.

    Worked out at login and again every few minutes, so that pages cost no query for it and a
    role granted during a session still asks for the second factor soon.
    """
    cached = request.session.get(SESSION_KEY)
    if isinstance(cached, list) and len(cached) == 2 and time.time() - cached[1] < RECHECK_SECONDS:
        return bool(cached[0])
    return remember_session_check(request, request.user)


def forget_session_check(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def new_key() -> str:
    return random_hex(20)


def secret_for_display(key: str) -> str:
    """The key as authenticator apps take it by hand: base32, in groups of four."""
    encoded = base64.b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def config_url(user: User, key: str) -> str:
    return TOTPDevice(user=user, key=key, name=DEVICE_NAME).config_url


def qr_svg(url: str) -> str:
    """An inline SVG QR code, drawn here: the secret never leaves the server."""
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff", border=2)


def _pending_totp(key: str) -> TOTP:
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return totp


@transaction.atomic
def two_factor_enable(*, actor: User, key: str, code: str) -> TOTPDevice | None:
    """Turn on two-factor login with the key shown at setup, once a code from it checks out.

    Replaces any earlier device; returns None (and changes nothing) when the code is wrong.
    """
    code = clean_code(code)
    if not CODE_RE.match(code):
        return None
    totp = _pending_totp(key)
    if not totp.verify(int(code), tolerance=TOLERANCE):
        return None
    TOTPDevice.objects.filter(user=actor).delete()
    device = TOTPDevice.objects.create(
        user=actor, name=DEVICE_NAME, key=key, tolerance=TOLERANCE, confirmed=True, last_t=totp.t(), drift=0
    )
    record(actor=actor, verb=AccountsVerb.TWO_FACTOR_ENABLED, target=actor)
    return device


def two_factor_check(*, user: User, code: str) -> tuple[TOTPDevice | None, dt.datetime | None]:
    """Check a code against the user's device: (device, None) when right, (None, wait_until)
    when too many wrong codes in a row make the user wait, (None, None) when wrong."""
    device = device_for(user)
    if device is None:
        return None, None
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return None, (info or {}).get("locked_until")
    code = clean_code(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        verified = bool(CODE_RE.match(code)) and device.verify_token(code)
        if not verified and not CODE_RE.match(code):
            device.throttle_increment(commit=True)
        record(
            actor=user,
            verb=AccountsVerb.TWO_FACTOR_VERIFIED if verified else AccountsVerb.TWO_FACTOR_FAILED,
            target=user,
        )
    return (device, None) if verified else (None, None)


@transaction.atomic
def two_factor_disable(*, actor: User) -> None:
    """Turn off two-factor login (the caller has checked the password and a current code)."""
    deleted, _ = TOTPDevice.objects.filter(user=actor).delete()
    if deleted:
        record(actor=actor, verb=AccountsVerb.TWO_FACTOR_DISABLED, target=actor)
