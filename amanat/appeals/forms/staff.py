"""Staff forms for appeals: the intake form and one form per step on the appeal page.

Validation only: the views hand the cleaned data to the services, which decide and record.
Every step form carries the appeal's `version` (hidden) so that two operators acting at once
cannot overwrite each other: the service compares it and refuses the second.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.accounts.models import PHONE_RE, RoleGrant, User, normalize_phone
from amanat.appeals.choices import (
    STAFF_CHANNELS,
    AnswerChannel,
    AppealType,
    DismissalGround,
    Language,
    LinkKind,
)
from amanat.appeals.models import Appeal, Category
from amanat.appeals.models.appeals import TEXT_MAX_LENGTH
from amanat.appeals.permissions import AppealAction
from amanat.appeals.services.intake import ancestor_paths, check_upload, upload_errors
from amanat.core.iin import parse_iin
from amanat.org.models import OrgUnit, StateBody, Territory

SUBJECT_MAX = 200
REASON_MAX = 2000


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Bootstrap classes on every widget (the templates render fields one by one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.HiddenInput):
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput | forms.RadioSelect) else ""
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if css and css not in widget.attrs.get("class", ""):
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the intake service's rules."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        errors = upload_errors(cleaned)
        if errors:
            raise ValidationError(errors)
        return cleaned


class TreeChoiceField(forms.ModelChoiceField):
    """A select of a tree (units, categories, places, state bodies), indented by depth."""

    def label_from_instance(self, obj: Any) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + str(obj)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or str(obj)


# --- who may work where ------------------------------------------------------------------------


def work_holders(unit: OrgUnit) -> list[User]:
    """People who hold appeals.work on the unit (a grant on it or on a unit above it)."""
    grants = (
        RoleGrant.objects.active()
        .filter(org_unit__path__in=ancestor_paths(unit))
        .select_related("role", "user")
        .only("role__actions", "user__full_name", "user__email", "user__phone", "user__is_active")
    )
    people = {g.user.pk: g.user for g in grants if AppealAction.WORK.value in (g.role.actions or [])}
    return sorted(people.values(), key=lambda u: (u.full_name or "").lower())


def work_holders_within(units: list[OrgUnit]) -> list[User]:
    """People who hold appeals.work on any of units or inside them (executor choices on intake)."""
    from django.db.models import Q

    q = Q()
    for unit in units:
        q |= Q(org_unit__path__startswith=unit.path) | Q(org_unit__path__in=ancestor_paths(unit))
    if not units:
        return []
    grants = RoleGrant.objects.active().filter(q).select_related("role", "user")
    people = {g.user.pk: g.user for g in grants if AppealAction.WORK.value in (g.role.actions or [])}
    return sorted(people.values(), key=lambda u: (u.full_name or "").lower())


def _top_units(units: list[OrgUnit]) -> list[OrgUnit]:
    return [u for u in units if not any(u.path != o.path and u.path.startswith(o.path) for o in units)]


# --- intake ------------------------------------------------------------------------------------


class StaffIntakeForm(forms.Form):
    """An appeal brought to a reception, by phone, by letter… An appeal is never refused: the
    form insists only on the text and (unless anonymous) the applicant's name."""

    appeal_type = forms.ChoiceField(label=_("Type"), choices=AppealType.choices, initial=AppealType.STATEMENT)
    channel = forms.ChoiceField(label=_("How it arrived"), choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    received_at = forms.DateTimeField(
        label=_("Received"),
        widget=DateTimeInput(),
        help_text=_("A letter may have arrived earlier than today; not in the future."),
    )
    language = forms.ChoiceField(label=_("Language of the appeal"), choices=Language.choices)
    category = TreeChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    territory = TreeChoiceField(
        label=_("Place (district → settlement)"), queryset=Territory.objects.none(), required=False
    )
    address = forms.CharField(label=_("Address of the matter"), max_length=300, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX, required=False)
    text = forms.CharField(
        label=_("Text of the appeal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        # No max_length here: the check below gives the clear message (and keeps what was typed).
        error_messages={"required": _("Describe the matter of the appeal.")},
    )
    is_collective = forms.BooleanField(label=_("Collective appeal"), required=False)
    signatories = forms.IntegerField(label=_("Number of signatories"), min_value=1, max_value=1_000_000, initial=1)
    is_anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    reports_threat = forms.BooleanField(label=_("Reports a crime or a threat to public safety"), required=False)
    applicant_name = forms.CharField(label=_("Applicant's full name"), max_length=255, required=False)
    applicant_phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_address = forms.CharField(label=_("Applicant's address"), max_length=300, required=False)
    applicant_iin = forms.CharField(
        label=_("IIN"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    answer_channel = forms.ChoiceField(label=_("Answer by"), choices=AnswerChannel.choices)
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    org_unit = TreeChoiceField(
        label=_("Responsible unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Leave empty to let the routing table decide."),
    )
    executor = UserChoiceField(label=_("Executor"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        units = list(OrgUnit.objects.visible_to(user, AppealAction.REGISTER).filter(is_active=True).order_by("path"))
        self.units = units
        self.top_units = _top_units(units)
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("path")
        self.fields["territory"].queryset = Territory.objects.order_by("path")
        executors = work_holders_within(self.top_units)
        self.fields["executor"].queryset = User.objects.filter(pk__in=[u.pk for u in executors]).order_by("full_name")
        self.fields["executor"].help_text = _("Optional: someone who may work on appeals of the unit.")
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["attachments"].help_text = _("JPEG, PNG or PDF.")
        self.fields["applicant_phone"].help_text = _("+7 and ten digits.")
        style_form(self)

    def clean_received_at(self) -> dt.datetime:
        value = self.cleaned_data["received_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):  # a clock a little ahead is not an error
            raise ValidationError(_("The time of receipt cannot be in the future."))
        return value

    def clean_text(self) -> str:
        value = (self.cleaned_data.get("text") or "").strip()
        if not value:
            raise ValidationError(_("Describe the matter of the appeal."))
        if len(value) > TEXT_MAX_LENGTH:
            raise ValidationError(
                _("The text is too long: at most %(max)s characters (now %(n)s).")
                % {"max": TEXT_MAX_LENGTH, "n": len(value)}
            )
        return value

    def clean_applicant_iin(self) -> str:
        value = "".join((self.cleaned_data.get("applicant_iin") or "").split())
        if value:
            try:
                parse_iin(value)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return value

    def clean_applicant_phone(self) -> str:
        raw = (self.cleaned_data.get("applicant_phone") or "").strip()
        if not raw:
            return ""
        phone = normalize_phone(raw)
        if not PHONE_RE.match(phone):
            raise ValidationError(_("Enter a Kazakhstan phone number: +7 and ten digits."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("is_anonymous") and not (data.get("applicant_name") or "").strip():
            self.add_error("applicant_name", _("Enter the applicant's name, or mark the appeal as anonymous."))
        if data.get("is_collective") and (data.get("signatories") or 1) < 2:
            self.add_error("signatories", _("A collective appeal has at least two signatories."))
        if not data.get("is_collective"):
            data["signatories"] = 1
        return data


# --- steps on the appeal page --------------------------------------------------------------------


class StepForm(forms.Form):
    """What every step carries: the version of the appeal the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason_required = False
    with_reason = True

    def __init__(self, *args: Any, appeal: Appeal, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.appeal = appeal
        self.user = user
        self.fields["version"].initial = appeal.version
        if self.with_reason:
            self.fields["reason"] = forms.CharField(
                label=_("Reason") if self.reason_required else _("Note"),
                max_length=REASON_MAX,
                required=self.reason_required,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": _("Give the reason for this step.")},
            )
        self.setup()
        style_form(self)

    def setup(self) -> None:
        """Fields that depend on the appeal or the user."""

    def details(self) -> dict[str, Any]:
        """Keyword arguments for the service, besides reason and version."""
        return {}


class NoteForm(StepForm):
    """Take, resume, close: an optional note."""


class ReasonForm(StepForm):
    """Pause, withdraw, reopen: a reason is required."""

    reason_required = True


class ForwardForm(StepForm):
    state_body = TreeChoiceField(label=_("State body"), queryset=StateBody.objects.none())
    forward_number = forms.CharField(label=_("Outgoing No."), max_length=64, required=False)
    forward_date = forms.DateField(label=_("Forwarded on"), widget=DateInput(), initial=timezone.localdate)

    def setup(self) -> None:
        self.fields["state_body"].queryset = StateBody.objects.filter(is_active=True).order_by("path")
        if self.appeal.state_body_id:
            self.fields["state_body"].initial = self.appeal.state_body_id

    def details(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("state_body", "forward_number", "forward_date")}


class BodyAnsweredForm(StepForm):
    body_answer_date = forms.DateField(label=_("Answered on"), widget=DateInput(), initial=timezone.localdate)
    body_answer_number = forms.CharField(label=_("State body's answer No."), max_length=64, required=False)
    summary = forms.CharField(
        label=_("Summary of the answer"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(label=_("The state body's letter"), required=False, help_text=_("PDF, JPEG or PNG."))
    with_reason = False

    def clean_body_answer_date(self) -> dt.date:
        value = self.cleaned_data["body_answer_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        return upload

    def details(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("body_answer_date", "body_answer_number", "summary")}


class ExtendForm(StepForm):
    extended_to = forms.DateField(label=_("New deadline"), widget=DateInput())
    reason_required = True

    def setup(self) -> None:
        from amanat.appeals.services.deadlines import clock_of

        latest = clock_of(self.appeal).latest_extension
        self.fields["extended_to"].help_text = _("At most %(date)s.") % {"date": latest.strftime("%d.%m.%Y")}
        self.fields["extended_to"].widget.attrs["max"] = latest.isoformat()

    def details(self) -> dict[str, Any]:
        return {"extended_to": self.cleaned_data["extended_to"]}


YES_NO = [("yes", _("Yes, in the applicant's favour")), ("no", _("No, not in the applicant's favour"))]


class AnswerForm(StepForm):
    text = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Write the answer.")},
    )
    language = forms.ChoiceField(label=_("Language of the answer"), choices=Language.choices)
    resolved = forms.ChoiceField(label=_("Resolved"), choices=YES_NO, widget=forms.RadioSelect)
    hearing_held = forms.BooleanField(
        label=_("The applicant was heard"),
        required=False,
        help_text=_("Required before an answer not in the applicant's favour."),
    )
    file = forms.FileField(label=_("Signed letter (optional)"), required=False, help_text=_("PDF, JPEG or PNG."))
    with_reason = False

    def setup(self) -> None:
        self.fields["language"].initial = self.appeal.language
        self.fields["hearing_held"].initial = self.appeal.hearing_held

    def clean_text(self) -> str:
        value = (self.cleaned_data.get("text") or "").strip()
        if len(value) > TEXT_MAX_LENGTH:
            raise ValidationError(_("The answer is too long: at most %(max)s characters.") % {"max": TEXT_MAX_LENGTH})
        return value

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        return upload

    def details(self) -> dict[str, Any]:
        return {
            "text": self.cleaned_data["text"],
            "language": self.cleaned_data["language"],
            "is_positive": self.cleaned_data["resolved"] == "yes",
            "hearing_held": self.cleaned_data["hearing_held"],
        }


class DismissForm(StepForm):
    ground = forms.ChoiceField(label=_("Legal ground"), choices=DismissalGround.choices)
    reason_required = True

    def details(self) -> dict[str, Any]:
        return {"ground": self.cleaned_data["ground"]}


def find_visible_appeal(user: Any, number: str) -> Appeal | None:
    """An appeal the user may see, by its number (the prefix may be left out)."""
    from amanat.appeals.selectors import appeals_for

    number = " ".join((number or "").split())
    if not number:
        return None
    qs = appeals_for(user)
    found = qs.filter(number=number).first()
    if found is None and len(number) >= 3:
        found = qs.filter(number__endswith=f"-{number}").order_by("-id").first()
    return found


class MergeForm(StepForm):
    into = forms.CharField(
        label=_("Merge into appeal No."),
        max_length=40,
        help_text=_("The number of the earlier appeal, e.g. АТР-2026-000123."),
    )
    reason_required = True

    def clean_into(self) -> Appeal:
        found = find_visible_appeal(self.user, self.cleaned_data["into"])
        if found is None:
            raise ValidationError(_("No appeal with this number that you may see."))
        if found.pk == self.appeal.pk:
            raise ValidationError(_("An appeal cannot be merged into itself."))
        if (found.received_at, found.pk) > (self.appeal.received_at, self.appeal.pk):
            raise ValidationError(_("Merge into the earlier appeal, not a later one."))
        return found

    def details(self) -> dict[str, Any]:
        return {"into": self.cleaned_data["into"]}


STEP_FORMS: dict[str, type[StepForm]] = {
    "take": NoteForm,
    "forward": ForwardForm,
    "body_answered": BodyAnsweredForm,
    "pause": ReasonForm,
    "resume": NoteForm,
    "extend": ExtendForm,
    "answer": AnswerForm,
    "close": NoteForm,
    "dismiss": DismissForm,
    "withdraw": ReasonForm,
    "reopen": ReasonForm,
    "merge": MergeForm,
}


class AssignForm(StepForm):
    executor = UserChoiceField(label=_("Executor"), queryset=User.objects.none())
    with_reason = False

    def setup(self) -> None:
        people = work_holders(self.appeal.org_unit)
        self.fields["executor"].queryset = User.objects.filter(pk__in=[u.pk for u in people]).order_by("full_name")
        if self.appeal.executor_id:
            self.fields["executor"].initial = self.appeal.executor_id


class LinkForm(StepForm):
    other = forms.CharField(label=_("Appeal No."), max_length=40)
    kind = forms.ChoiceField(label=_("Link"), choices=LinkKind.choices)
    with_reason = False

    def clean_other(self) -> Appeal:
        found = find_visible_appeal(self.user, self.cleaned_data["other"])
        if found is None:
            raise ValidationError(_("No appeal with this number that you may see."))
        if found.pk == self.appeal.pk:
            raise ValidationError(_("An appeal cannot be linked to itself."))
        return found


REVIEW_CHOICES = [
    ("confirm", _("Confirm the answer (the appeal is closed)")),
    ("reopen", _("Reopen the appeal for a new answer")),
]


class ReviewForm(StepForm):
    conclusion = forms.CharField(
        label=_("Conclusion of the review"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the conclusion of the review.")},
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=REVIEW_CHOICES, widget=forms.RadioSelect)
    with_reason = False
