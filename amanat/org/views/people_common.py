"""Small helpers shared by the pages for people, members, positions and member imports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest

from amanat.core.permissions import has_action


def form_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields (or on top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def need(request: HttpRequest, action: str) -> None:
    # A user holding the action nowhere sees the page as missing, like an out-of-scope object.
    if not has_action(request.user, action):
        raise Http404
