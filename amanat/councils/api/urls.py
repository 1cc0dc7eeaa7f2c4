"""/api/v1/ routes of the councils app."""

from __future__ import annotations

from amanat.councils.api.views import urlpatterns as urlpatterns
