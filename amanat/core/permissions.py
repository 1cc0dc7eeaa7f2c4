"""The permissions engine: actions, roles granted on org units, and row-level scope.

Each app declares its actions as a `TextChoices` enum and registers it (`register_actions`).
A role is a set of actions. A role granted on an org unit covers that unit and its whole
subtree, between the grant's validity dates. Every list and every fetch goes through
`visible_to(user, action)` (a queryset method) so that "missing" and "forbidden" look alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

if TYPE_CHECKING:
    from amanat.org.models import OrgUnit

_ACTIONS: dict[str, Any] = {}
_ROLE_ACTIONS: dict[str, set[str]] = {}


def register_actions(enum: type[models.TextChoices], *, roles: dict[str, Iterable[Any]] | None = None) -> None:
    """Make an app's actions known and add them to built-in roles (role code -> actions).

    Called from each app's `AppConfig.ready`; `accounts` syncs built-in roles after migrate.
    """
    for member in enum:
        _ACTIONS[member.value] = member.label
    for role, actions in (roles or {}).items():
        _ROLE_ACTIONS.setdefault(role, set()).update(_value(a) for a in actions)


def builtin_role_actions() -> dict[str, set[str]]:
    return {role: set(actions) for role, actions in _ROLE_ACTIONS.items()}


def all_actions() -> dict[str, Any]:
    return dict(_ACTIONS)


def _value(action: str | Enum) -> str:
    return action.value if isinstance(action, Enum) else str(action)


@dataclass(frozen=True)
class Grants:
    """What a user may do where: action -> the org-unit paths it holds on (subtrees)."""

    everywhere: bool
    paths_by_action: dict[str, tuple[str, ...]]

    def paths(self, action: str | Enum) -> tuple[str, ...]:
        return self.paths_by_action.get(_value(action), ())

    def has_anywhere(self, action: str | Enum) -> bool:
        return self.everywhere or bool(self.paths(action))

    def covers(self, action: str | Enum, unit_path: str | None) -> bool:
        if self.everywhere:
            return True
        if not unit_path:
            return False
        return any(unit_path.startswith(p) for p in self.paths(action))


NO_GRANTS = Grants(everywhere=False, paths_by_action={})


def _collapse(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths inside other paths: a grant on a parent already covers the child."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def grants_for(user: Any, *, on: dt.date | None = None) -> Grants:
    """The user's active grants, computed once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_GRANTS
    if user.is_superuser:
        return Grants(everywhere=True, paths_by_action={})
    cached = getattr(user, "_amanat_grants", None)
    if cached is not None and on is None:
        return cached
    from amanat.accounts.models import RoleGrant

    today = on or timezone.localdate()
    # Two columns, no model instances and no ordering: this runs on every request.
    rows = (
        RoleGrant.objects.active(on=today).filter(user=user).order_by().values_list("role__actions", "org_unit__path")
    )
    collected: dict[str, list[str]] = {}
    for actions, path in rows:
        for action in actions:
            collected.setdefault(action, []).append(path)
    result = Grants(everywhere=False, paths_by_action={a: _collapse(p) for a, p in collected.items()})
    if on is None:
        user._amanat_grants = result
    return result


def scope_signature(user: Any, action: str | Enum) -> tuple[str, ...]:
    """What a list limited to the user's scope for action depends on: users with the same
    signature see the same units (a key for lists shared between them)."""
    grants = grants_for(user)
    return ("*",) if grants.everywhere else grants.paths(action)


def forget_grants(user: Any) -> None:
    """Drop the per-request cache after grants change."""
    if hasattr(user, "_amanat_grants"):
        del user._amanat_grants


def scope_q(user: Any, action: str | Enum, unit_field: str | None) -> Q | None:
    """A filter selecting rows in the user's scope for action; None means "no rows at all".

    `unit_field` is the lookup from the model to its OrgUnit (e.g. "org_unit" or
    "maslikhat__org_unit", "" for the OrgUnit model itself); None marks shared reference data,
    visible to anyone who holds the action anywhere.
    """
    grants = grants_for(user)
    if grants.everywhere:
        return Q()
    paths = grants.paths(action)
    if not paths:
        return None
    if unit_field is None:
        return Q()
    if not unit_field:
        return _paths_q(paths)
    return _unit_ids_in(unit_field, paths)


def _paths_q(paths: Iterable[str]) -> Q:
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return q


def _unit_ids_in(unit_field: str, paths: Iterable[str]) -> Q:
    """`unit_field IN (ids of the units under paths)`: a subquery rather than a join on
    `path LIKE`, so the database can use the row table's own (unit, …) indexes; at a million
    members the join made SQLite scan every member for a name search."""
    from amanat.org.models import OrgUnit

    return Q(**{f"{unit_field}__in": OrgUnit.objects.filter(_paths_q(paths)).values("pk")})


def in_subtree(unit_field: str, *units: Any) -> Q:
    """Rows whose `unit_field` lies in the subtree of any of units (the units included)."""
    return _unit_ids_in(unit_field, [unit.path for unit in units])


def has_action(user: Any, action: str | Enum, unit: OrgUnit | None = None) -> bool:
    """Whether the user may do action on unit (or anywhere, when unit is None)."""
    grants = grants_for(user)
    if unit is None:
        return grants.has_anywhere(action)
    return grants.covers(action, unit.path)


def require(user: Any, action: str | Enum, unit: OrgUnit | None = None) -> None:
    """Raise PermissionDenied unless the user may do action on unit."""
    if not has_action(user, action, unit):
        raise PermissionDenied


def need(user: Any, action: str | Enum, unit: OrgUnit | None = None) -> None:
    """404 unless the user may do action (on unit, or anywhere): a page the user may not use
    looks missing, like an out-of-scope object."""
    if not has_action(user, action, unit):
        raise Http404


def units_for(user: Any, action: str | Enum) -> models.QuerySet:
    """The org units (whole subtrees) on which the user holds action."""
    from amanat.org.models import OrgUnit

    return OrgUnit.objects.visible_to(user, action)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to keep only what a user may see.

    Models set `scope_field` (the lookup to their OrgUnit, or None for reference data shared by
    the whole branch).
    """

    def visible_to(self, user: Any, action: str | Enum) -> ScopedQuerySet:
        field = getattr(self.model, "scope_field", "org_unit")
        q = scope_q(user, action, field)
        if q is None:
            return self.none()
        return self.filter(q)


def get_visible_or_404(queryset: models.QuerySet, user: Any, action: str | Enum, **lookup: Any) -> Any:
    """Fetch one object in the user's scope; out of scope and missing both answer 404."""
    try:
        return queryset.visible_to(user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
