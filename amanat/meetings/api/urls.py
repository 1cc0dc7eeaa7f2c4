"""/api/v1/ routes of the meetings app (see api/views.py)."""

from __future__ import annotations

from amanat.meetings.api.views import urlpatterns as urlpatterns
