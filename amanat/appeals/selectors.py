"""Reads of appeals, always through the user: scope by grants, plus what is assigned to them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from amanat.appeals.models import Appeal
from amanat.appeals.permissions import AppealAction
from amanat.core.permissions import scope_q


def appeals_for(user: Any, action: str = AppealAction.VIEW) -> QuerySet[Appeal]:
    """Appeals the user may see: those of units where they hold `action`, and those assigned to them."""
    if not getattr(user, "is_authenticated", False):
        return Appeal.objects.none()
    q = scope_q(user, action, "org_unit")
    if q is not None and not q:  # granted everywhere (an empty Q would swallow the "|" below)
        return Appeal.objects.all()
    if action in (AppealAction.VIEW, AppealAction.WORK, AppealAction.VIEW_APPLICANT):
        mine = Q(executor_id=user.pk)
        q = mine if q is None else (q | mine)
    if q is None:
        return Appeal.objects.none()
    return Appeal.objects.filter(q)


def appeal_get(user: Any, pk: Any, *, action: str = AppealAction.VIEW) -> Appeal:
    """One appeal the user may see, or 404 (missing and forbidden look the same)."""
    try:
        return (
            appeals_for(user, action)
            .select_related("org_unit", "category", "territory", "executor", "state_body", "duplicate_of")
            .get(pk=int(pk))
        )
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
