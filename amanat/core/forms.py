"""Form helpers shared by every module's pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect


def add_service_errors(form: Any, exc: ValidationError, *, rename: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError beside the fields it names (renamed where the form calls
    them otherwise); errors of no field of this form go above it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        target = (rename or {}).get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def submitted(request: Any, form: Any, save: Callable[[], str], done: str) -> HttpResponse | None:
    """The usual end of a form page: a valid POST runs the service (`save`, which returns the
    address to go to next) and redirects there with `done` as the message. The service's refusals
    go beside the form's fields and the page is shown again (None); a refused right is a 404,
    like a record out of scope."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        url = save()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, done)
    return redirect(url)
