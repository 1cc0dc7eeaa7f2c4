"""The user's own language, and the second factor required for roles that see personal data."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation


class UserLanguageMiddleware:
    """A logged-in user's saved language wins unless they chose another with the switch."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Staff pages need a verified second factor when the user's roles require one."""

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith(("/manage/", "/admin/"))
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not user.is_verified()
            and request.session.get("needs_2fa", None) is not False
        ):
            needs = request.session.get("needs_2fa")
            if needs is None:
                needs = user.needs_two_factor
                request.session["needs_2fa"] = needs
            if needs:
                return HttpResponseRedirect(reverse("accounts:two-factor") + f"?next={request.get_full_path()}")
        return self.get_response(request)
