"""Helpers shared by the pages for people, members, positions and member imports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form

from amanat.core.forms import add_service_errors


def form_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields (or on top of the form)."""
    add_service_errors(form, exc)
