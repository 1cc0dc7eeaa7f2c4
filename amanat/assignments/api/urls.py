"""/api/v1/ routes of the assignments app."""

from __future__ import annotations

from amanat.assignments.api.views import urlpatterns

__all__ = ["urlpatterns"]
