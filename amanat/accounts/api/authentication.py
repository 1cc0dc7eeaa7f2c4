"""API token authentication: `Authorization: Bearer amt_…` (or `Token amt_…`).

A bot registering appeals sends hundreds of requests a second with one token, so each process
keeps the tokens it has seen with their user and grants (`core.process_cache.ProcessCopy`): any
saved or deleted token, user, grant, role or unit drops the copies here at once and, through the
shared token, in every process (Redis); without a shared cache another worker may accept a
revoked token for at most TOKENS_TTL seconds. Expiry is checked on every request.
"""

from __future__ import annotations

import copy
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from amanat.accounts.models import ApiToken, Role, RoleGrant, User, hash_token
from amanat.core.permissions import Grants, grants_for
from amanat.core.process_cache import ProcessCopy
from amanat.org.models import OrgUnit

TOKENS_KEY = "accounts:api-tokens"
TOKENS_TTL = 5  # seconds
TOKENS_MAX = 10_000  # tokens one process keeps; beyond, it starts again

_known: ProcessCopy[dict[str, tuple[ApiToken, Grants]]] = ProcessCopy(TOKENS_KEY, TOKENS_TTL, dict)


def token_user(raw: str) -> tuple[Any, ApiToken] | None:
    """The active user of a usable token, with their grants already read (this request's own copy
    of the user), or None."""
    key = hash_token(raw)
    known = _known.get()
    entry = known.get(key)
    if entry is None:
        token = ApiToken.find(raw)
        if token is None or not token.user.is_active:
            return None  # unknown tokens are not kept: each guess costs a query, as before
        if len(known) >= TOKENS_MAX:
            known.clear()
        entry = known[key] = (token, grants_for(token.user))
    token, grants = entry
    if token.is_expired:
        return None
    user = copy.copy(token.user)
    user._amanat_grants = grants
    return user, token


def forget_tokens(**kwargs: Any) -> None:
    _known.drop()


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        found = token_user(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        user, token = found
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            # An update sends no signal: the kept copies stay, with the time written on them.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI schema (and so in /api/docs/)."""

    target_class = "amanat.accounts.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from the profile page: `Authorization: Bearer amt_…`.",
        }


def connect_signals() -> None:
    """Called from the accounts app's ready(): every process drops the copies on a change, even one
    that never served the API."""
    from django.db.models.signals import post_delete, post_save

    for model in (ApiToken, User, RoleGrant, Role, OrgUnit):
        uid = f"accounts-api-tokens-{model._meta.label_lower}"
        post_save.connect(forget_tokens, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(forget_tokens, sender=model, dispatch_uid=f"{uid}-deleted")
