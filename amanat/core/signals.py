"""Signal handlers of core. Connected by importing this module in CoreConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from amanat.core.calendar import forget_overrides
from amanat.core.models import CalendarOverride


@receiver(post_save, sender=CalendarOverride, dispatch_uid="amanat-calendar-override-saved")
@receiver(post_delete, sender=CalendarOverride, dispatch_uid="amanat-calendar-override-deleted")
def calendar_override_changed(sender: Any, **kwargs: Any) -> None:
    """Deadlines use the new override at once (admin edits, fixtures, shell)."""
    forget_overrides()
    # A request in another transaction may cache the old table before this one commits.
    transaction.on_commit(forget_overrides)
