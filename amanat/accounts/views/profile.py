"""The user's own page: name, contacts, language, roles, two-factor status, API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from amanat.accounts import selectors, services, two_factor
from amanat.accounts.forms import ProfileForm, TokenForm

NEW_TOKEN_SESSION_KEY = "amanat_new_api_token"  # noqa: S105 - a session key, not a secret


def _render_profile(
    request: HttpRequest, *, form: ProfileForm | None = None, token_form: TokenForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        "form": form or ProfileForm(user=user),
        "token_form": token_form or TokenForm(),
        "grants": selectors.own_grants(user),
        "tokens": selectors.own_tokens(user),
        "two_factor_on": two_factor.has_two_factor(user),
        "two_factor_required": user.needs_two_factor,
        # The secret of a token just created is shown on this one page view, then forgotten.
        "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
    }
    return render(request, "accounts/profile.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render_profile(request)
    form = ProfileForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_profile(request, form=form, status=400)
    data = {k: form.cleaned_data[k] for k in services.PROFILE_FIELDS}
    try:
        changes = services.profile_update(actor=request.user, **data)
    except ValidationError as exc:
        request.user.refresh_from_db()
        form.add_error(None, exc)
        return _render_profile(request, form=form, status=400)
    language = request.user.language
    translation.activate(language)
    messages.success(request, _("Your profile has been saved.") if changes else _("Nothing to change."))
    response = redirect("accounts:profile")
    if "language" in changes or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, token_form=form, status=400)
    token, raw = services.api_token_issue(
        actor=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
    )
    request.session[NEW_TOKEN_SESSION_KEY] = {"name": token.name, "secret": raw}
    messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: Any) -> HttpResponse:
    token = selectors.own_token_get(user=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("accounts:profile")
