"""/api/v1/ routes of the assignments app."""

from __future__ import annotations

urlpatterns: list = []
