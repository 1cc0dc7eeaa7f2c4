"""Reading the audit log: the log page in the user's scope, an object's history."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from amanat.audit.models import AuditEvent
from amanat.core.permissions import scope_q


def history_for(obj: models.Model, *, limit: int = 100) -> models.QuerySet[AuditEvent]:
    """Events about obj, newest first. The caller has already checked that the user sees obj."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEvent.objects.filter(target_type=ct, target_id=str(obj.pk)).select_related("actor")[:limit]


def sees_unscoped_events(user: Any) -> bool:
    """Events tied to no org unit (logins, tokens, reference data) are for system admins only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    from amanat.accounts.models import RoleGrant
    from amanat.accounts.roles import BuiltinRole

    return RoleGrant.objects.active().filter(user=user, role__code=BuiltinRole.SYSTEM_ADMIN).exists()


def audit_events_visible_to(user: Any) -> models.QuerySet[AuditEvent]:
    """The audit log a user may read: events in the subtrees where they hold view_audit, and
    events without an org unit for superusers and system admins. Newest first."""
    from amanat.accounts.permissions import AccountsAction

    q = scope_q(user, AccountsAction.VIEW_AUDIT, "org_unit")
    if q is None:
        return AuditEvent.objects.none()
    if q and sees_unscoped_events(user):
        q |= Q(org_unit__isnull=True)
    return AuditEvent.objects.filter(q).select_related("org_unit", "target_type")
