"""Writes for accounts: roles, grants, user accounts, profiles, tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.accounts.choices import AccountsVerb
from amanat.accounts.models import ApiToken, Role, RoleGrant, User
from amanat.accounts.permissions import AccountsAction
from amanat.accounts.roles import ROLE_NAMES, BuiltinRole
from amanat.audit.services import diff, record, snapshot
from amanat.core.permissions import builtin_role_actions, forget_grants, has_action, require
from amanat.notifications.choices import BuiltinKind
from amanat.notifications.services import notify

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


def _overlaps(user: User, role: Role, org_unit: Any, valid_from: dt.date, valid_to: dt.date | None) -> bool:
    others = RoleGrant.objects.filter(user=user, role=role, org_unit=org_unit, revoked_at__isnull=True)
    others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        others = others.filter(valid_from__lte=valid_to)
    return others.exists()


def role_grant_errors(
    *, actor: Any, user: User | None, role: Role, org_unit: Any, valid_from: dt.date, valid_to: dt.date | None
) -> dict[str, Any]:
    """What is wrong with a grant, field by field, in words the person granting understands."""
    errors: dict[str, Any] = {}
    if not has_action(actor, AccountsAction.MANAGE_GRANTS, org_unit):
        errors["org_unit"] = _("You can grant roles only on units within your scope.")
    if role.code == BuiltinRole.SYSTEM_ADMIN and not getattr(actor, "is_superuser", False):
        errors["role"] = _("Only a superuser can grant the system administrator role.")
    elif "org_unit" not in errors and not all(has_action(actor, action, org_unit) for action in role.actions):
        # Granting must not hand out more power than the granter holds on that unit.
        errors["role"] = _("This role allows actions you do not hold on this unit yourself.")
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = _("The end date must not be before the start date.")
    elif valid_to is not None and valid_to < timezone.localdate():
        errors["valid_to"] = _("The end date has already passed.")
    if not errors and user is not None and _overlaps(user, role, org_unit, valid_from, valid_to):
        errors["role"] = _("This person already holds this role on this unit for these dates.")
    return errors


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
    announce: bool = True,
) -> RoleGrant:
    """Grant role on org_unit (and its subtree) between two dates.

    The actor must manage grants on that unit; only a superuser grants system_admin; a grant
    may not duplicate one the person already holds. `check=False` is for setup code (demo data).
    """
    valid_from = valid_from or timezone.localdate()
    if check:
        require(actor, AccountsAction.MANAGE_GRANTS, org_unit)
        errors = role_grant_errors(
            actor=actor, user=user, role=role, org_unit=org_unit, valid_from=valid_from, valid_to=valid_to
        )
        if errors:
            raise ValidationError(errors)
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        org_unit=org_unit,
        valid_from=valid_from,
        valid_to=valid_to,
        granted_by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        actor=actor,
        verb=AccountsVerb.ROLE_GRANTED,
        target=grant,
        data={"user": user.pk, "role": role.code, "valid_from": valid_from, "valid_to": valid_to},
    )
    forget_grants(user)
    if announce:  # a brand-new account hears of its role in the invitation instead
        notify(
            recipients=[user],
            kind=BuiltinKind.ROLE_GRANTED,
            title=_("You were given the role {role} in {unit}"),
            context={"role": lambda: role.name, "unit": lambda: org_unit.name},
            url=reverse("core:manage-home"),
            target=grant,
        )
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant) -> RoleGrant:
    """End a grant now; it stays in the record. Revoking twice changes nothing."""
    require(actor, AccountsAction.MANAGE_GRANTS, grant.org_unit)
    if grant.revoked_at is not None:
        return grant
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at", "updated_at"])
    record(
        actor=actor,
        verb=AccountsVerb.ROLE_REVOKED,
        target=grant,
        data={"user": grant.user_id, "role": grant.role.code},
    )
    forget_grants(grant.user)
    return grant


@transaction.atomic
def user_create(
    *,
    actor: Any,
    full_name: str,
    email: str | None,
    phone: str | None,
    language: str,
    role: Role,
    org_unit: Any,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    site_url: str = "",
) -> User:
    """Open an account for someone and give them their first role on a unit in the actor's scope.

    The account has no password; when it has an e-mail, an invitation with a link to set one
    is sent after commit.
    """
    require(actor, AccountsAction.MANAGE_GRANTS, org_unit)
    user = User(full_name=full_name.strip(), email=email or None, phone=phone or None, language=language)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record(
        actor=actor,
        verb=AccountsVerb.USER_CREATED,
        target=user,
        org_unit=org_unit,
        data={"email": user.email, "phone": user.phone, "language": language},
    )
    role_grant(
        actor=actor, user=user, role=role, org_unit=org_unit, valid_from=valid_from, valid_to=valid_to, announce=False
    )
    if user.email:
        from amanat.accounts.tasks import send_invitation

        user_id = user.pk
        transaction.on_commit(lambda: send_invitation.enqueue(user_id=user_id, site_url=site_url))
    return user


def set_password_path(user: User) -> str:
    """The path of a one-time link that lets the user choose a password (as a reset link does)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


PROFILE_FIELDS = ("full_name", "email", "phone", "language")


@transaction.atomic
def profile_update(*, actor: User, **values: Any) -> dict[str, Any]:
    """Change one's own name, e-mail, phone or language; returns what changed."""
    before = snapshot(actor, PROFILE_FIELDS)
    for name in PROFILE_FIELDS:
        if name in values:
            setattr(actor, name, values[name] or (None if name in ("email", "phone") else ""))
    actor.full_clean(exclude=["password"])
    changes = diff(before, snapshot(actor, PROFILE_FIELDS))
    if changes:
        actor.save(update_fields=list(changes))
        record(actor=actor, verb=AccountsVerb.PROFILE_CHANGED, target=actor, changes=changes)
    return changes


@transaction.atomic
def password_changed(*, actor: User, by_reset: bool = False) -> None:
    """Audit a password the person set themselves (the form has already saved it)."""
    record(actor=actor, verb=AccountsVerb.PASSWORD_RESET if by_reset else AccountsVerb.PASSWORD_CHANGED, target=actor)


@transaction.atomic
def api_token_issue(*, actor: User, name: str, expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """A new personal token for the actor; the secret is returned once and never stored."""
    token, raw = ApiToken.issue(user=actor, name=name.strip(), expires_at=expires_at)
    record(
        actor=actor,
        verb=AccountsVerb.API_TOKEN_ISSUED,
        target=token,
        data={"name": token.name, "expires_at": expires_at},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke one of the actor's own tokens; at once, every call with it answers 401."""
    if token.user_id != actor.pk:
        raise PermissionDenied
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    record(actor=actor, verb=AccountsVerb.API_TOKEN_REVOKED, target=token)
