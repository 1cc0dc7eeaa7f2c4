"""/api/v1/ routes of the documents app."""

from __future__ import annotations

urlpatterns: list = []
