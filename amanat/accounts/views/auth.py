"""Logging in and out, the second factor, passwords."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from amanat.accounts import two_factor
from amanat.accounts.forms import CodeForm, LoginForm, PasswordResetRequestForm, TwoFactorDisableForm
from amanat.accounts.services import password_changed
from amanat.core.views import safe_next


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Django's LoginView puts its own `site` here, which would hide the platform's settings
        # (party and branch names) from the page's layout.
        context.pop("site", None)
        context.pop("site_name", None)
        return context

    def form_valid(self, form: LoginForm) -> HttpResponse:
        user = form.get_user()
        auth_login(self.request, user)  # also works out whether a second factor is due
        next_url = self.get_success_url()
        if two_factor.session_must_verify(self.request):
            return HttpResponseRedirect(_with_next("accounts:two-factor", next_url))
        return HttpResponseRedirect(next_url)


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@method_decorator(never_cache, name="dispatch")
class TwoFactorVerifyView(LoginRequiredMixin, TemplateView):
    """After the password: the code from the authenticator app."""

    template_name = "accounts/two_factor_verify.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        next_url = safe_next(request)
        if request.user.is_verified():
            return HttpResponseRedirect(next_url)
        if two_factor.device_for(request.user) is None:
            if request.user.needs_two_factor:
                messages.info(request, _("Your role requires two-factor login. Set it up to continue."))
                return HttpResponseRedirect(_with_next("accounts:two-factor-setup", next_url))
            two_factor.forget_session_check(request)
            return HttpResponseRedirect(next_url)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(CodeForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CodeForm(request.POST)
        if form.is_valid():
            device, wait_until = two_factor.two_factor_check(user=request.user, code=form.cleaned_data["code"])
            if device is not None:
                django_otp.login(request, device)
                two_factor.forget_session_check(request)
                return HttpResponseRedirect(safe_next(request))
            if wait_until is not None:
                form.add_error(None, _wait_message(wait_until))
            else:
                form.add_error(
                    "code", _("This code is not right. Check the time on your phone and try the newest code.")
                )
        return self._render(form, status=400)

    def _render(self, form: CodeForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "next": safe_next(self.request)}
        return render(self.request, self.template_name, context, status=status)


def _wait_message(until: Any) -> str:
    when = formats.time_format(timezone.localtime(until), "H:i:s")
    return _("Too many wrong codes in a row. Wait until %(time)s and try again.") % {"time": when}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret as a QR code and as text; turn 2FA on once a code from it checks out."""
    user = request.user
    next_url = safe_next(request, reverse("accounts:profile"))
    if two_factor.device_for(user) is not None:
        if not user.is_verified():
            return HttpResponseRedirect(_with_next("accounts:two-factor", next_url))
        messages.info(request, _("Two-factor login is already on. To move it to a new phone, turn it off first."))
        return redirect("accounts:profile")
    key = request.session.get(two_factor.PENDING_KEY)
    if not key or (request.method == "GET" and "new" in request.GET):
        key = two_factor.new_key()
        request.session[two_factor.PENDING_KEY] = key
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            device = two_factor.two_factor_enable(actor=user, key=key, code=form.cleaned_data["code"])
            if device is not None:
                request.session.pop(two_factor.PENDING_KEY, None)
                django_otp.login(request, device)
                two_factor.forget_session_check(request)
                messages.success(
                    request, _("Two-factor login is on. From now on you will enter a code after your password.")
                )
                return HttpResponseRedirect(next_url)
            form.add_error("code", _("This code is not right. Scan the QR code again or check the time on your phone."))
    url = two_factor.config_url(user, key)
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(url),
        "secret": two_factor.secret_for_display(key),
        "next": next_url,
        "required": user.needs_two_factor,
    }
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Turning 2FA off takes the password and a current code, so a left-open session cannot."""
    user = request.user
    if two_factor.device_for(user) is None:
        messages.info(request, _("Two-factor login is not on."))
        return redirect("accounts:profile")
    form = TwoFactorDisableForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            device, wait_until = two_factor.two_factor_check(user=user, code=form.cleaned_data["code"])
            if device is not None:
                two_factor.two_factor_disable(actor=user)
                two_factor.forget_session_check(request)
                messages.success(request, _("Two-factor login is off."))
                if user.needs_two_factor:
                    messages.warning(
                        request, _("Your role requires two-factor login: set it up again before you continue.")
                    )
                return redirect("accounts:profile")
            if wait_until is not None:
                form.add_error(None, _wait_message(wait_until))
            else:
                form.add_error("code", _("This code is not right."))
    context = {"form": form, "required": user.needs_two_factor}
    return render(request, "accounts/two_factor_disable.html", context, status=status)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(actor=self.user, by_reset=True)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:profile")

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(actor=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response
