from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from amanat.core.models import SiteSettings


@dataclass
class ScopeEntry:
    """One org unit the user works on, with the roles held there."""

    unit: Any
    roles: list[str] = field(default_factory=list)


def user_scope(user: Any) -> list[ScopeEntry]:
    """The org units of the user's active grants with the role names, in tree order."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    from amanat.accounts.models import RoleGrant

    grants = (
        RoleGrant.objects.active()
        .filter(user=user)
        .select_related("role", "org_unit")
        .order_by("org_unit__path", "role__code")
    )
    entries: dict[int, ScopeEntry] = {}
    for grant in grants:
        entry = entries.setdefault(grant.org_unit_id, ScopeEntry(unit=grant.org_unit))
        entry.roles.append(str(grant.role.name))
    return list(entries.values())


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site": SiteSettings.load(),
        # Only the workspace header reads it; lazy so public pages pay nothing.
        "user_scope": SimpleLazyObject(lambda: user_scope(user)),
    }
