"""Forms of the public site: the appeal form, tracking by code and PIN, rating, reopening.

Validation only; the views hand the cleaned data to the services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amanat.accounts.models import normalize_phone, validate_phone
from amanat.appeals.choices import AnswerChannel, AppealType, Language, Solved
from amanat.appeals.models import Category
from amanat.appeals.models.appeals import TEXT_MAX_LENGTH
from amanat.appeals.services.intake import upload_errors
from amanat.core.iin import parse_iin
from amanat.org.choices import TerritoryKind
from amanat.org.forms.structure import style_form
from amanat.org.models import Territory

TOKEN_SALT = "amanat.appeals.public-form"  # noqa: S105 (a signing namespace, not a secret)
TOKEN_MAX_AGE = 2 * 24 * 3600  # a form left open over a weekend still works
HONEYPOT = "website"
AREA_KINDS = (TerritoryKind.CITY, TerritoryKind.DISTRICT)


def new_form_token() -> str:
    import secrets

    return signing.dumps(secrets.token_urlsafe(16), salt=TOKEN_SALT)


def token_nonce(token: str) -> str | None:
    """The nonce inside a form token this site signed, or None for a forged or stale one."""
    try:
        return signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None


def public_types() -> list[tuple[str, Any]]:
    """The types a citizen may choose: voters' mandates only while a campaign accepts them."""
    mandates = getattr(settings, "APPEAL_MANDATES_OPEN", False)
    return [(value, label) for value, label in AppealType.choices if mandates or value != AppealType.MANDATE]


def areas() -> list[Territory]:
    """Cities and districts (the level a citizen chooses first), by name."""
    return sorted(Territory.objects.filter(kind__in=AREA_KINDS), key=lambda t: str(t.name))


def settlements_of(area: Territory | None) -> list[Territory]:
    qs = Territory.objects.filter(kind=TerritoryKind.SETTLEMENT)
    if area is not None:
        qs = qs.filter(path__startswith=area.path)
    return sorted(qs, key=lambda t: str(t.name))


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        # Indented by depth so the tree reads in a plain select (no JavaScript needed).
        return "\u00a0\u00a0\u00a0" * (obj.depth - 1) + str(obj.name)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class PublicAppealForm(forms.Form):
    """The citizen's appeal. `too_large` names files the upload handler refused to read."""

    appeal_type = forms.ChoiceField(label=_("Type of appeal"))
    category = CategoryChoiceField(
        label=_("Subject area"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("I don't know / other"),
    )
    district = forms.ModelChoiceField(
        label=_("City or district"),
        queryset=Territory.objects.none(),
        required=False,
        empty_label=_("Not stated"),
    )
    settlement = forms.ModelChoiceField(
        label=_("Settlement"),
        queryset=Territory.objects.none(),
        required=False,
        empty_label=_("Not stated"),
    )
    address = forms.CharField(label=_("Address of the problem"), max_length=300, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Text of the appeal"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Describe the matter of the appeal."),
            "max_length": _(
                "The text is too long: at most %(limit_value)s characters (you have %(show_value)s). "
                "Shorten it or attach the rest as a PDF document."
            ),
        },
    )
    language = forms.ChoiceField(label=_("Language of the answer"), choices=Language.choices)
    is_collective = forms.BooleanField(label=_("A collective appeal (signed by several people)"), required=False)
    signatories = forms.IntegerField(
        label=_("Number of signatories"), min_value=1, max_value=1_000_000, required=False, initial=1
    )
    is_anonymous = forms.BooleanField(label=_("Send anonymously (without my name)"), required=False)
    reports_threat = forms.BooleanField(label=_("The appeal reports a crime or a threat"), required=False)
    applicant_name = forms.CharField(label=_("Full name"), max_length=255, required=False)
    applicant_phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("+7 and ten digits, for example +7 701 123 45 67."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    applicant_email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    applicant_address = forms.CharField(
        label=_("Postal address for the answer"),
        max_length=300,
        required=False,
        help_text=_("Needed only if you want the answer by post."),
    )
    applicant_iin = forms.CharField(
        label=_("IIN (optional)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    answer_channel = forms.ChoiceField(
        label=_("How should we answer?"), choices=AnswerChannel.choices, initial=AnswerChannel.EMAIL
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"}),
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data to consider this appeal"),
        error_messages={"required": _("Without consent to processing personal data the appeal cannot be sent.")},
    )
    # Spam defence: people never see this field, simple robots fill every field they find.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, too_large: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large or []
        self.fields["appeal_type"].choices = public_types()
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("path")
        self.fields["district"].queryset = Territory.objects.filter(kind__in=AREA_KINDS).order_by("path")
        self.fields["settlement"].queryset = Territory.objects.filter(kind=TerritoryKind.SETTLEMENT).order_by("path")
        language = (get_language() or "")[:2]
        self.fields["language"].initial = language if language in Language.values else Language.RU
        max_mb = settings.APPEAL_ATTACHMENT_MAX_BYTES // 2**20
        self.fields["attachments"].help_text = _(
            "Up to %(count)s files: JPEG or PNG images, PDF documents, at most %(mb)s MB each."
        ) % {"count": settings.APPEAL_ATTACHMENTS_MAX, "mb": max_mb}
        self.fields["is_anonymous"].help_text = _(
            "An anonymous appeal is registered, but by law it is considered only if it reports a crime "
            "or a threat to public safety. Otherwise give your name so that we can answer you."
        )
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())
        style_form(self)

    # --- fields ---------------------------------------------------------------------------

    def clean_applicant_phone(self) -> str:
        raw = self.cleaned_data.get("applicant_phone", "").strip()
        if not raw:
            return ""
        phone = normalize_phone(raw)
        validate_phone(phone)
        return phone

    def clean_applicant_iin(self) -> str:
        value = self.cleaned_data.get("applicant_iin", "").strip().replace(" ", "")
        if value:
            parse_iin(value)
        return value

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        max_mb = settings.APPEAL_ATTACHMENT_MAX_BYTES // 2**20
        errors: list[Any] = [
            _("The file “%(name)s” is too large: at most %(mb)s MB.") % {"name": name, "mb": max_mb}
            for name in self.too_large
        ]
        if len(files) + len(self.too_large) > settings.APPEAL_ATTACHMENTS_MAX:
            errors.append(_("Too many files: attach at most %(count)s.") % {"count": settings.APPEAL_ATTACHMENTS_MAX})
        errors.extend(upload_errors(files))
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        district, settlement = data.get("district"), data.get("settlement")
        if settlement is not None:
            if district is None:
                data["district"] = district = next(
                    (t for t in Territory.objects.filter(kind__in=AREA_KINDS) if settlement.path.startswith(t.path)),
                    None,
                )
            if district is not None and not settlement.path.startswith(district.path):
                self.add_error("settlement", _("This settlement is not in the chosen city or district."))
        anonymous = data.get("is_anonymous")
        if not anonymous and not (data.get("applicant_name") or "").strip():
            self.add_error("applicant_name", _("Enter your name, or send the appeal anonymously."))
        if data.get("is_collective") and (data.get("signatories") or 0) < 2:
            self.add_error("signatories", _("A collective appeal has at least two signatories."))
        channel = data.get("answer_channel")
        if not anonymous:
            if (
                channel == AnswerChannel.EMAIL
                and not data.get("applicant_email")
                and "applicant_email" not in self.errors
            ):
                self.add_error("applicant_email", _("Give an e-mail to get the answer by e-mail."))
            if (
                channel == AnswerChannel.SMS
                and not data.get("applicant_phone")
                and "applicant_phone" not in self.errors
            ):
                self.add_error("applicant_phone", _("Give a phone number to get the notice by SMS."))
            if channel == AnswerChannel.POST and not (data.get("applicant_address") or "").strip():
                self.add_error("applicant_address", _("Give a postal address to get the answer by post."))
        return data

    @property
    def territory(self) -> Territory | None:
        return self.cleaned_data.get("settlement") or self.cleaned_data.get("district")


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Enter the tracking code from your coupon.")},
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=6,
        min_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": _("Enter the six-digit PIN from your coupon."),
            "min_length": _("The PIN has six digits."),
            "max_length": _("The PIN has six digits."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()

    def clean_pin(self) -> str:
        pin = self.cleaned_data["pin"].strip()
        if not pin.isdigit():
            raise ValidationError(_("The PIN has six digits."))
        return pin


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating of the answer"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Rate the answer from 1 to 5.")},
    )
    solved = forms.ChoiceField(
        label=_("Was the problem solved?"),
        choices=Solved.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the problem was solved.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why did the answer not solve the problem?"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why the answer did not solve the problem.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
