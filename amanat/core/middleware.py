"""Per-request context that services read without being handed the request (IP for audit)."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy the operator sets AMANAT_TRUSTED_PROXY and nginx sets X-Real-IP.
    from django.conf import settings

    if getattr(settings, "TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_REAL_IP")
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


NUL = "\x00"


def _has_nul(values: Any) -> bool:
    return any(NUL in value for key in values for value in [key, *values.getlist(key)] if isinstance(value, str))


class RejectNulCharactersMiddleware:
    """A NUL character in a query string or form field is refused with 400 everywhere.

    No person types one, PostgreSQL cannot store one (it fails deep inside a query with a 500),
    and every field would otherwise need its own guard. Uploaded files are not inspected:
    binary files legitimately contain NUL bytes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._refuse(request):
            return self._bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest) -> bool:
        if NUL in request.path or _has_nul(request.GET):
            return True
        content_type = request.content_type or ""
        if request.method in {"POST", "PUT", "PATCH"}:
            if content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
                return _has_nul(request.POST)
            if content_type.endswith("json"):
                return b"\\u0000" in request.body or b"\x00" in request.body
        return False

    @staticmethod
    def _bad_request(request: HttpRequest) -> HttpResponse:
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        message = _("The request contains a NUL character, which no field accepts.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "invalid"}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
