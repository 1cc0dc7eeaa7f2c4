"""/api/v1/ routes of the meetings app."""

from __future__ import annotations

urlpatterns: list = []
