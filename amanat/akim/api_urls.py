"""/api/v1/ routes of the akim app (see api/views.py)."""

from __future__ import annotations

from amanat.akim.api.views import urlpatterns as urlpatterns
