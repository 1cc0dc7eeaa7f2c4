"""Public pages: upcoming field meetings and mobile receptions (where and when, no personal data),
the public iCal feed, and the secret per-user feeds calendar apps subscribe to."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from amanat.core.permissions import has_action
from amanat.meetings import ical, selectors
from amanat.meetings.models import CalendarFeed
from amanat.meetings.permissions import MeetingAction


def upcoming(request: HttpRequest) -> HttpResponse:
    meetings = selectors.public_upcoming()
    return render(request, "meetings/public/upcoming.html", {"meetings": meetings})


def _ics(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def public_feed(request: HttpRequest) -> HttpResponse:
    meetings = selectors.public_upcoming(limit=ical.MAX_EVENTS)
    return _ics(ical.render(meetings, name=_("Field meetings and mobile receptions")), "meetings")


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A staff feed by its secret link: the owner's current rights decide what it shows."""
    found = (
        CalendarFeed.objects.select_related("user", "org_unit")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None or not has_action(found.user, MeetingAction.VIEW, found.org_unit):
        raise Http404
    queryset = selectors.meetings_in_scope(actor=found.user, unit=found.org_unit)
    return _ics(ical.render(ical.window(queryset), name=found.org_unit.name), f"meetings-{found.org_unit_id}")
