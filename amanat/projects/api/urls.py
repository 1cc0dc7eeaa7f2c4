"""/api/v1/ routes of the projects app."""

from __future__ import annotations

urlpatterns: list = []
