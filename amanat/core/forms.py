"""Form helpers shared by every module's pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def add_service_errors(form: Any, exc: ValidationError, *, rename: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError beside the fields it names (renamed where the form calls
    them otherwise); errors of no field of this form go above it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        target = (rename or {}).get(name, name)
        form.add_error(target if target in form.fields else None, errors)
