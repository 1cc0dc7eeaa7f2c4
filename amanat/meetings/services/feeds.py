"""Secret calendar-feed links: one per user and unit; revoking one makes a new one possible."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from amanat.audit import services as audit
from amanat.core.permissions import require
from amanat.meetings.models import CalendarFeed
from amanat.meetings.permissions import MeetingAction


@transaction.atomic
def feed_for(*, actor: Any, org_unit: Any) -> CalendarFeed:
    """The user's live feed link for the unit, made on first use."""
    require(actor, MeetingAction.VIEW, org_unit)
    feed = CalendarFeed.objects.filter(user=actor, org_unit=org_unit, revoked_at__isnull=True).first()
    if feed is None:
        feed = CalendarFeed.objects.create(user=actor, org_unit=org_unit)
        audit.record(actor=actor, verb="meetings.feed_created", target=feed, org_unit=org_unit)
    return feed


@transaction.atomic
def feed_revoke(*, actor: Any, feed: CalendarFeed) -> None:
    """Stop a link working (when it leaked, say); only its owner revokes it."""
    if feed.user_id != actor.pk:
        require(actor, MeetingAction.MANAGE, feed.org_unit)
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at", "updated_at"])
    audit.record(actor=actor, verb="meetings.feed_revoked", target=feed, org_unit=feed.org_unit)
