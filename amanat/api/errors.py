"""One error format for the whole API.

    {"detail": "<message in the user's language>", "code": "<machine code>",
     "errors": {"<field>": ["<message>", ...], ...}}

Validation errors carry `errors` field by field; other errors carry `detail` only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(i, dict | list) for i in detail):
            return [str(i) for i in detail]
        return [_flatten(i) for i in detail]
    return [str(detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "detail": _("The data sent has errors: see each field."),
            "code": "invalid",
            "errors": _flatten(errors),
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {"detail": str(exc.detail), "code": codes if isinstance(codes, str) else "error"}
    return response


class Conflict(exceptions.APIException):
    """409: the record changed under the request (a version check or a unique race); nothing saved."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The record has changed: nothing was saved.")
    default_code = "conflict"


def call_service(fn: Any, *, denied: Any, conflicts: tuple[str, ...] = ("conflict",), **kwargs: Any) -> Any:
    """Call a service from an API view: a ValidationError whose code is in `conflicts` answers
    409, any other one 400 with its field errors (the handler above); a refused right answers 403
    with `denied`, the message that says what may not be done."""
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        code = None if hasattr(exc, "error_dict") else getattr(exc, "code", None)
        if code in conflicts:
            raise Conflict(detail=exc.messages[0], code=code) from exc
        raise
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(denied) from exc
