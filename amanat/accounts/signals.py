"""Every login and logout, however it happens (our page, the admin), is audited; a login also
works out whether the session must verify a second factor."""

from __future__ import annotations

from typing import Any

from amanat.accounts import lockout, two_factor
from amanat.accounts.choices import AccountsVerb
from amanat.audit.services import record


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    lockout.login_succeeded(user=user)
    if request is not None and hasattr(request, "session"):
        two_factor.remember_session_check(request, user)


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "pk", None):
        record(actor=user, verb=AccountsVerb.LOGOUT, target=user)
