"""What the documents app registers when Django starts: its actions and the roles that hold them,
its audit verbs, its sweep jobs and notification kinds."""

from __future__ import annotations


def register() -> None:
    """Filled in with the app (see amanat/programme/apps.py for the pattern)."""
