"""Forms for accounts: validation only; the writes are services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from amanat.accounts import lockout, two_factor
from amanat.accounts.choices import AccountsVerb
from amanat.accounts.models import Role, User, normalize_phone, validate_phone
from amanat.accounts.selectors import grantable_roles, grantable_units
from amanat.accounts.services import role_grant_errors
from amanat.audit.services import record
from amanat.core.middleware import client_ip
from amanat.org.models import OrgUnit


class StyledFormMixin:
    """Bootstrap classes on every widget, so templates render `{{ field }}` as is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


CODE_FIELD_ATTRS = {"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"[0-9 \-]*", "maxlength": 9}


# --- Login -------------------------------------------------------------------------------------
class LoginForm(StyledFormMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("E-mail or phone"),
        max_length=254,
        help_text=_("For example name@example.kz or +7 701 123 45 67."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail or phone number and password do not match. Check them and try again."),
        "inactive": _("This account is switched off. Ask your administrator."),
        "locked": ngettext_lazy(
            "Too many failed logins. Wait %(minutes)s minute and try again.",
            "Too many failed logins. Wait %(minutes)s minutes and try again.",
            "minutes",
        ),
    }

    def clean(self) -> dict[str, Any]:
        login = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if login is None or not password:
            return self.cleaned_data
        ip = client_ip(self.request) if self.request is not None else None
        until = lockout.locked_until(login=login, ip=ip)
        if until is not None:
            lockout.login_refused(login=login, ip=ip, until=until)
            raise self._locked_error(until)
        self.user_cache = authenticate(self.request, username=login, password=password)
        if self.user_cache is None:
            until = lockout.locked_until(login=login, ip=ip)
            raise self._locked_error(until) if until is not None else self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _locked_error(self, until: dt.datetime) -> ValidationError:
        return ValidationError(
            self.error_messages["locked"], code="locked", params={"minutes": lockout.minutes_left(until)}
        )


# --- Two-factor --------------------------------------------------------------------------------
class CodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=9,
        help_text=_("Six digits; a new code appears every 30 seconds."),
        widget=forms.TextInput(attrs=CODE_FIELD_ATTRS),
    )

    def clean_code(self) -> str:
        code = two_factor.clean_code(self.cleaned_data["code"])
        if not two_factor.CODE_RE.match(code):
            raise ValidationError(_("Enter the six digits shown in your authenticator app."), code="format")
        return code


class TwoFactorDisableForm(CodeForm):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    field_order = ["password", "code"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not right."), code="password")
        return password


# --- Password reset ----------------------------------------------------------------------------
class PasswordResetRequestForm(StyledFormMixin, PasswordResetForm):
    """Reset links go by e-mail; someone who types a phone number is told whom to ask."""

    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def clean_email(self) -> str:
        value = self.cleaned_data["email"].strip()
        if "@" not in value and len(normalize_phone(value)) >= 11:
            raise ValidationError(
                _(
                    "Reset links are sent by e-mail only. If your account has only a phone number, "
                    "ask the administrator of your branch to set a new password for you."
                ),
                code="phone",
            )
        validate_email(value)
        return value.lower()

    def get_users(self, email: str) -> Any:
        # Unlike Django's, this includes accounts still waiting to set a first password: someone
        # who lost the invitation asks for a reset link instead.
        return User.objects.filter(email__iexact=email, is_active=True)

    def save(self, *, request: HttpRequest | None = None, use_https: bool = False, **kwargs: Any) -> None:  # type: ignore[override]
        """Send the link after commit, by a background task, in each user's language."""
        from amanat.accounts.tasks import send_password_reset

        email = self.cleaned_data["email"]
        site_url = request.build_absolute_uri("/") if request is not None else ""
        for user in self.get_users(email):
            record(actor=None, verb=AccountsVerb.PASSWORD_RESET_REQUESTED, target=user)
            user_id = user.pk
            transaction.on_commit(
                lambda user_id=user_id: send_password_reset.enqueue(user_id=user_id, site_url=site_url)
            )


# --- Profile and tokens ------------------------------------------------------------------------
class ContactFieldsMixin:
    """E-mail and phone: optional each, one of them required, unique, the phone normalised."""

    instance_pk: int | None = None

    def clean_email(self) -> str | None:
        value = (self.cleaned_data.get("email") or "").strip().lower()
        if value and User.objects.filter(email__iexact=value).exclude(pk=self.instance_pk).exists():
            raise ValidationError(_("Another account already uses this e-mail."), code="unique")
        return value or None

    def clean_phone(self) -> str | None:
        raw = (self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return None
        value = normalize_phone(raw)
        validate_phone(value)
        if User.objects.filter(phone=value).exclude(pk=self.instance_pk).exists():
            raise ValidationError(_("Another account already uses this phone number."), code="unique")
        return value

    def clean_contacts(self, cleaned: dict[str, Any]) -> None:
        if (
            not cleaned.get("email")
            and not cleaned.get("phone")
            and "email" not in self.errors
            and "phone" not in self.errors
        ):
            raise ValidationError(_("Enter an e-mail or a phone number: one of them is the login."), code="login")


class ProfileForm(ContactFieldsMixin, StyledFormMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=255, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        help_text=_("+7 and ten digits, e.g. +7 701 123 45 67."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        help_text=_("Needed only to change your e-mail or phone: they are your login."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        self.instance_pk = user.pk
        kwargs.setdefault(
            "initial",
            {"full_name": user.full_name, "email": user.email, "phone": user.phone, "language": user.language},
        )
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_contacts(cleaned)
        login_changed = ("email" in cleaned and cleaned["email"] != self.user.email) or (
            "phone" in cleaned and cleaned["phone"] != self.user.phone
        )
        if login_changed and not self.user.check_password(cleaned.get("current_password") or ""):
            self.add_error("current_password", _("Enter your current password to change your e-mail or phone."))
        return cleaned


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_('What the token is for, e.g. "reports script".')
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=_date_widget(),
        help_text=_("Leave empty for a token that works until you revoke it."),
    )

    def clean_expires_on(self) -> dt.date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise ValidationError(_("Choose today or a later date."), code="past")
        return day

    def expires_at(self) -> dt.datetime | None:
        """A token valid "until 31 May" works through the whole of that day, local time."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


# --- Grants and accounts -----------------------------------------------------------------------
class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "— " * max(0, obj.depth - 1) + str(obj)


class GrantForm(StyledFormMixin, forms.Form):
    org_unit = UnitChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        help_text=_("The role covers this unit and every unit under it."),
        error_messages={"invalid_choice": _("Choose a unit within your scope.")},
    )
    role = forms.ModelChoiceField(
        label=_("Role"),
        queryset=Role.objects.none(),
        error_messages={"invalid_choice": _("Choose one of the roles offered.")},
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=_date_widget())
    valid_to = forms.DateField(
        label=_("Valid to"), required=False, widget=_date_widget(), help_text=_("Leave empty for no end date.")
    )

    def __init__(self, *args: Any, actor: User, user: User | None = None, **kwargs: Any) -> None:
        self.actor = actor
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = grantable_units(actor)
        self.fields["role"].queryset = grantable_roles(actor)
        self.fields["valid_from"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if all(cleaned.get(f) is not None for f in ("org_unit", "role", "valid_from")):
            errors = role_grant_errors(
                actor=self.actor,
                user=self.user,
                role=cleaned["role"],
                org_unit=cleaned["org_unit"],
                valid_from=cleaned["valid_from"],
                valid_to=cleaned.get("valid_to"),
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return cleaned


class UserCreateForm(ContactFieldsMixin, GrantForm):
    full_name = forms.CharField(label=_("Full name"), max_length=255)
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("An invitation to set a password is sent here.")
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30, help_text=_("+7 and ten digits."))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    field_order = ["full_name", "email", "phone", "language", "org_unit", "role", "valid_from", "valid_to"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_contacts(cleaned)
        return cleaned
