"""Reading notifications: always the user's own."""

from __future__ import annotations

from typing import Any

from django.db import models

from amanat.notifications.models import Notification, Preference
from amanat.notifications.registry import all_kinds


def notification_list(*, user: Any, unread_only: bool = False) -> models.QuerySet[Notification]:
    """The user's notifications, newest first."""
    queryset = Notification.objects.for_user(user)
    return queryset.unread() if unread_only else queryset


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread (one COUNT on a partial index)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.for_user(user).unread().count()


def preferences_for(user: Any) -> list[dict[str, Any]]:
    """Every registered kind with the user's current choice (or its default) per channel."""
    saved = {p.kind: p for p in Preference.objects.filter(user=user)}
    rows = []
    for kind_def in all_kinds():
        pref = saved.get(kind_def.code)
        rows.append(
            {
                "kind": kind_def,
                "email": pref.email if pref is not None else kind_def.email,
                "sms": pref.sms if pref is not None else kind_def.sms,
            }
        )
    return rows
