"""iCalendar (RFC 5545) feeds of meetings, for calendar apps that subscribe by link.

Staff feeds (a secret per-user link, or the API with a token) carry titles, kinds, places and
statuses; the public feed only what the public page shows: announced field meetings and mobile
receptions, where and when. Neither carries people's names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from icalendar import Calendar, Event

from amanat.meetings.choices import MeetingKind, MeetingStatus
from amanat.meetings.models import Meeting

PAST_DAYS = 90
AHEAD_DAYS = 366
MAX_EVENTS = 3000


def window(queryset: QuerySet) -> QuerySet:
    now = timezone.now()
    return (
        queryset.filter(
            starts_at__gte=now - dt.timedelta(days=PAST_DAYS), starts_at__lt=now + dt.timedelta(days=AHEAD_DAYS)
        )
        .select_related("territory")
        .order_by("starts_at", "pk")[:MAX_EVENTS]
    )


def _place(meeting: Meeting) -> str:
    parts = [meeting.territory.name if meeting.territory_id else "", meeting.address]
    return ", ".join(p for p in parts if p)


def render(meetings: Iterable[Meeting], *, name: str, base_url: str = "") -> bytes:
    """The feed as bytes (text/calendar)."""
    cal = Calendar()
    cal.add("prodid", "-//Amanat platform//meetings//KK")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    host = (getattr(settings, "SITE_URL", "") or "amanat").split("//")[-1].strip("/") or "amanat"
    stamp = timezone.now()
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", timezone.localtime(meeting.starts_at))
        event.add("dtend", timezone.localtime(meeting.ends_at))
        event.add("summary", meeting.title or str(MeetingKind(meeting.kind).label))
        event.add("categories", [str(MeetingKind(meeting.kind).label)])
        place = _place(meeting)
        if place:
            event.add("location", place)
        event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
        event.add("last-modified", meeting.updated_at)
        if base_url:
            event.add("url", f"{base_url}{meeting.pk}/")
        cal.add_component(event)
    return cal.to_ical()
