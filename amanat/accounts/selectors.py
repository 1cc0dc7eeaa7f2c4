"""Reads for accounts: users and grants in the actor's scope, the actor's own things."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.http import Http404

from amanat.accounts.models import ApiToken, Role, RoleGrant, User
from amanat.accounts.permissions import AccountsAction
from amanat.accounts.roles import BuiltinRole
from amanat.core.permissions import get_visible_or_404, scope_q
from amanat.org.models import OrgUnit


def visible_grants(actor: Any, action: Any = AccountsAction.VIEW_USER) -> models.QuerySet[RoleGrant]:
    """Grants on units where the actor holds action, with what a page shows of them."""
    return (
        RoleGrant.objects.visible_to(actor, action)
        .select_related("role", "org_unit", "user", "granted_by")
        .order_by("user__full_name", "org_unit__path", "role__code", "valid_from")
    )


def user_list(*, actor: Any, action: Any = AccountsAction.VIEW_USER) -> models.QuerySet[User]:
    """Users holding a grant in the actor's scope, each with those (current) grants prefetched."""
    grants = (
        RoleGrant.objects.visible_to(actor, action)
        .filter(revoked_at__isnull=True)
        .select_related("role", "org_unit")
        .order_by("org_unit__path", "role__code")
    )
    return (
        User.objects.visible_to(actor, action)
        .prefetch_related(Prefetch("grants", queryset=grants, to_attr="scoped_grants"))
        .order_by("full_name", "pk")
    )


def user_get(*, actor: Any, pk: Any, action: Any = AccountsAction.VIEW_USER) -> User:
    """One user in the actor's scope; out of scope and missing both raise Http404."""
    return get_visible_or_404(User.objects.all(), actor, action, pk=pk)


def user_grants(*, actor: Any, user: User) -> models.QuerySet[RoleGrant]:
    """The user's grants the actor may see (those on units in the actor's scope), all statuses."""
    return visible_grants(actor).filter(user=user).order_by("revoked_at", "-valid_from", "pk")


def grant_get(*, actor: Any, pk: Any, action: Any = AccountsAction.MANAGE_GRANTS) -> RoleGrant:
    return get_visible_or_404(RoleGrant.objects.select_related("role", "org_unit", "user"), actor, action, pk=pk)


def units_where(actor: Any, action: Any) -> models.QuerySet[OrgUnit]:
    """The org units (whole subtrees) on which the actor holds action, in tree order."""
    # scope_q directly rather than the tree manager's visible_to: treebeard's manager builds
    # its own queryset class, which may not carry visible_to.
    q = scope_q(actor, action, "")
    return OrgUnit.objects.none() if q is None else OrgUnit.objects.filter(q).order_by("path")


def grantable_units(actor: Any) -> models.QuerySet[OrgUnit]:
    """Units on which the actor may grant roles, in tree order."""
    return units_where(actor, AccountsAction.MANAGE_GRANTS)


def grantable_roles(actor: Any) -> models.QuerySet[Role]:
    """Roles the actor may grant: all but system administrator, which only a superuser grants."""
    roles = Role.objects.order_by("code")
    if not getattr(actor, "is_superuser", False):
        roles = roles.exclude(code=BuiltinRole.SYSTEM_ADMIN)
    return roles


def own_grants(user: User) -> models.QuerySet[RoleGrant]:
    """The user's own grants that are not revoked (current, future and expired)."""
    return (
        RoleGrant.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("role", "org_unit")
        .order_by("-valid_from", "pk")
    )


def own_tokens(user: User) -> models.QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def own_token_get(*, user: User, pk: Any) -> ApiToken:
    """One of the user's own tokens; anybody else's answers 404."""
    try:
        return ApiToken.objects.get(user=user, pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def role_list() -> models.QuerySet[Role]:
    return Role.objects.order_by("-is_builtin", "code")
