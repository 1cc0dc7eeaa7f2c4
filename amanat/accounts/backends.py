"""Login by e-mail or phone number, with lockout after repeated failures.

The lockout lives here, not only in the login form, so that every way in that checks a
password (our login page, the admin's login page) counts failures and honours the lock.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from amanat.accounts import lockout
from amanat.accounts.models import User
from amanat.core.middleware import client_ip


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        login = username or kwargs.get("email") or kwargs.get("login")
        if not login or password is None:
            return None
        ip = client_ip(request) if request is not None else None
        until = lockout.locked_until(login=login, ip=ip)
        if until is not None:
            lockout.login_refused(login=login, ip=ip, until=until)
            # PermissionDenied stops Django from trying other backends: locked means locked.
            raise PermissionDenied
        try:
            user = User.objects.get_by_login(login)
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            User().set_password(password)  # same work as a real check: no timing oracle
            lockout.login_failed(login=login, ip=ip)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        lockout.login_failed(login=login, ip=ip, user=user)
        return None
