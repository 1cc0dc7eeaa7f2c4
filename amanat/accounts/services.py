"""Writes for accounts: roles, grants, tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from amanat.accounts.models import ApiToken, Role, RoleGrant, User
from amanat.accounts.permissions import AccountsAction
from amanat.accounts.roles import ROLE_NAMES
from amanat.audit.services import record
from amanat.core.permissions import builtin_role_actions, forget_grants, require

# Roles whose actions reach personal data need a second factor at login.
PERSONAL_DATA_ACTIONS = {"org.view_person", "org.view_member", "org.view_iin"}


def sync_builtin_roles(**_kwargs: Any) -> None:
    """Create or update the built-in roles from the actions the apps declared."""
    declared = builtin_role_actions()
    for code, (kk, ru, en) in ROLE_NAMES.items():
        actions = sorted(declared.get(code, set()))
        Role.objects.update_or_create(
            code=code,
            defaults={
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "actions": actions,
                "is_builtin": True,
                "requires_2fa": bool(PERSONAL_DATA_ACTIONS & set(actions)),
            },
        )


@transaction.atomic
def role_grant(
    *,
    actor: Any,
    user: User,
    role: Role,
    org_unit: Any,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    check: bool = True,
) -> RoleGrant:
    """Grant role on org_unit (and its subtree). The actor must manage grants on that unit."""
    if check:
        require(actor, AccountsAction.MANAGE_GRANTS, org_unit)
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        org_unit=org_unit,
        valid_from=valid_from or timezone.localdate(),
        valid_to=valid_to,
        granted_by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        actor=actor,
        verb="accounts.role_granted",
        target=grant,
        data={"user": user.pk, "role": role.code, "valid_to": valid_to},
    )
    forget_grants(user)
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant) -> RoleGrant:
    require(actor, AccountsAction.MANAGE_GRANTS, grant.org_unit)
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at", "updated_at"])
    record(actor=actor, verb="accounts.role_revoked", target=grant, data={"user": grant.user_id})
    forget_grants(grant.user)
    return grant


@transaction.atomic
def api_token_issue(*, actor: User, name: str, expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """A new personal token for the actor; the secret is returned once and never stored."""
    token, raw = ApiToken.issue(user=actor, name=name, expires_at=expires_at)
    record(actor=actor, verb="accounts.api_token_issued", target=token, data={"name": name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    record(actor=actor, verb="accounts.api_token_revoked", target=token)
