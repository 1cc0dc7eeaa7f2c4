"""Lockout after repeated failed logins, by login and by IP address.

`settings.LOGIN_FAILURE_LIMIT` failures within `settings.LOGIN_LOCKOUT_MINUTES` for the same
login, or `settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS` from the same address (higher: a whole
office behind one NAT address shares it), lock further attempts (even with the right password) until
the oldest of those failures leaves the window. Refused attempts are not counted as new
failures, so a locked person is never locked for longer than one window after they stop.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from amanat.accounts.choices import AccountsVerb
from amanat.accounts.models import LoginFailure, User, normalize_phone
from amanat.audit.services import record

# Failures older than this are of no use to anyone; they are pruned as new ones arrive.
KEEP_FAILURES = dt.timedelta(days=1)


def login_key(raw: str | None) -> str:
    """One spelling per login: e-mails lower-cased, phones as +7XXXXXXXXXX."""
    value = (raw or "").strip()
    if "@" in value:
        return value.lower()[:255]
    phone = normalize_phone(value)
    return (phone or value.lower())[:255]


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def locked_until(*, login: str, ip: str | None) -> dt.datetime | None:
    """When this login and address may try again; None when they may try now."""
    recent = LoginFailure.objects.filter(at__gte=timezone.now() - _window())
    candidates = []
    scopes = [(recent.filter(login=login_key(login)), settings.LOGIN_FAILURE_LIMIT)]
    if ip:
        scopes.append((recent.filter(ip=ip), settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS))
    for failures, limit in scopes:
        if limit <= 0:
            continue
        times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            candidates.append(times[-1] + _window())
    return max(candidates) if candidates else None


def minutes_left(until: dt.datetime) -> int:
    return max(1, math.ceil((until - timezone.now()).total_seconds() / 60))


def _user_for(login: str) -> User | None:
    try:
        return User.objects.get_by_login(login)
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        return None


@transaction.atomic
def login_refused(*, login: str, ip: str | None, until: dt.datetime) -> None:
    """Note an attempt refused because the login or the address is locked."""
    key = login_key(login)
    record(
        actor=None,
        verb=AccountsVerb.LOCKED_OUT,
        target=_user_for(key),
        data={"login": key, "until": until, "refused": True},
    )


@transaction.atomic
def login_failed(*, login: str, ip: str | None, user: Any = None) -> dt.datetime | None:
    """Count a failed login; returns when the lock ends if this failure started one."""
    key = login_key(login)
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - max(KEEP_FAILURES, _window())).delete()
    LoginFailure.objects.create(login=key, ip=ip, at=now)
    target = user if user is not None else _user_for(key)
    record(actor=None, verb=AccountsVerb.LOGIN_FAILED, target=target, data={"login": key})
    until = locked_until(login=key, ip=ip)
    if until is not None:
        record(actor=None, verb=AccountsVerb.LOCKED_OUT, target=target, data={"login": key, "until": until})
    return until


@transaction.atomic
def login_succeeded(*, user: User) -> None:
    """A successful login clears the failures counted against that person's logins."""
    keys = [k for k in (user.email, user.phone) if k]
    LoginFailure.objects.filter(login__in=[login_key(k) for k in keys]).delete()
    record(actor=user, verb=AccountsVerb.LOGIN, target=user)
