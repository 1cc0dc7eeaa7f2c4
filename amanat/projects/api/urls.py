"""/api/v1/ routes of the projects app (see api/views.py)."""

from __future__ import annotations

from amanat.projects.api.views import urlpatterns as urlpatterns
