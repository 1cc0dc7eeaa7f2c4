"""The user's own language, and the second factor required for roles that see personal data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _


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


def _is_token_call(request: HttpRequest) -> bool:
    from amanat.accounts.api.authentication import ApiTokenAuthentication

    scheme = request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0].lower()
    return scheme in ApiTokenAuthentication.keywords


class TwoFactorRequiredMiddleware:
    """Signed-in pages need a verified second factor when the user must have one.

    That is when the user's roles require it (settings.TWO_FACTOR_REQUIRED) or when they turned
    it on themselves. Pages send the user to verify (or to set it up); the API answers 403 to a
    session that has not verified. Token calls are not affected: a token is only issued from a
    verified session. The check runs in `process_view`, where the URL's name is known.
    """

    PROTECTED_PREFIXES = ("/manage/", "/admin/", "/accounts/", "/api/")
    # What a half-logged-in user may still reach: finishing the login, leaving, getting help.
    ALLOWED_VIEWS = frozenset(
        {
            "accounts:login",
            "accounts:logout",
            "accounts:two-factor",
            "accounts:two-factor-setup",
            "accounts:password-reset",
            "accounts:password-reset-done",
            "accounts:password-reset-confirm",
            "accounts:password-reset-complete",
            "api-schema",
            "api-docs",
            "set_language",
        }
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        from amanat.accounts import two_factor

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not request.path.startswith(self.PROTECTED_PREFIXES):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.ALLOWED_VIEWS:
            return None
        is_verified = getattr(user, "is_verified", None)
        if callable(is_verified) and is_verified():
            return None
        is_api = request.path.startswith("/api/")
        if is_api and _is_token_call(request):
            return None  # the token decides who acts (or answers 401), not the session
        if not two_factor.session_must_verify(request):
            return None
        if is_api:
            return JsonResponse(
                {
                    "detail": str(_("Confirm your login with a second-factor code first.")),
                    "code": "two_factor_required",
                },
                status=403,
            )
        target = reverse("accounts:two-factor")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
