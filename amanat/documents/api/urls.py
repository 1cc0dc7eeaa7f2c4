"""/api/v1/ routes of the documents app."""

from __future__ import annotations

from amanat.documents.api.views import urlpatterns

__all__ = ["urlpatterns"]
