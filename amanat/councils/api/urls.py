"""/api/v1/ routes of the councils app."""

from __future__ import annotations

urlpatterns: list = []
