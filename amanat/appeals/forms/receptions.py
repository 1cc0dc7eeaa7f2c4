"""Forms for receptions, hours and bookings: validation of what was typed only; writes are services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.accounts.models import RoleGrant, User
from amanat.appeals.choices import BookingStatus
from amanat.appeals.models import Reception, ReceptionHours
from amanat.appeals.permissions import AppealAction
from amanat.core.permissions import has_action, units_for
from amanat.org.forms.structure import StyledForm, TreeChoiceField, territory_field
from amanat.org.models import OrgUnit


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def host_choices(unit: OrgUnit) -> list[User]:
    """People who may hold reception hours at unit: a live grant on it or above it, with the right."""
    ancestors = [unit.path[:i] for i in range(unit.steplen, len(unit.path) + 1, unit.steplen)]
    grants = RoleGrant.objects.active().filter(org_unit__path__in=ancestors).values("user_id")
    users = User.objects.filter(pk__in=grants, is_active=True).order_by("full_name")
    return [u for u in users if has_action(u, AppealAction.HOST_RECEPTION, unit)]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.get_username()


class ReceptionForm(StyledForm, forms.ModelForm):
    org_unit = TreeChoiceField(queryset=OrgUnit.objects.none(), label=_("Unit"))
    territory = territory_field()
    staff = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label=_("Staff"),
        required=False,
        help_text=_("Who works at the reception (hold Ctrl to choose several)."),
    )

    class Meta:
        model = Reception
        fields = [
            "org_unit",
            "name_kk",
            "name_ru",
            "name_en",
            "territory",
            "address_kk",
            "address_ru",
            "hours_kk",
            "hours_ru",
            "phone",
            "email",
            "staff",
            "is_active",
        ]
        help_texts = {"hours_ru": _("For example: Mon–Fri 9:00–18:00, lunch 13:00–14:00.")}

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_for(actor, AppealAction.MANAGE_RECEPTIONS).filter(is_active=True).order_by("path")
        self.fields["org_unit"].queryset = units
        self.fields["staff"].queryset = (
            User.objects.visible_to(actor, AppealAction.MANAGE_RECEPTIONS).filter(is_active=True).order_by("full_name")
        )
        self.fields["staff"].label_from_instance = lambda u: u.full_name or u.get_username()
        self.fields["name_en"].required = False
        if self.instance.pk:
            self.initial.setdefault("staff", list(self.instance.staff.all()))


class HoursForm(StyledForm, forms.ModelForm):
    host = UserChoiceField(queryset=User.objects.none(), label=_("Receives"))

    class Meta:
        model = ReceptionHours
        fields = ["host", "weekday", "start_time", "end_time", "slot_minutes", "valid_from", "valid_to"]
        widgets = {"start_time": _time(), "end_time": _time(), "valid_from": _date(), "valid_to": _date()}
        help_texts = {"valid_to": _("Leave empty while the schedule holds.")}

    def __init__(self, *args: Any, reception: Reception, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hosts = host_choices(reception.org_unit)
        self.fields["host"].queryset = User.objects.filter(pk__in=[u.pk for u in hosts]).order_by("full_name")
        self.fields["slot_minutes"].min_value = 5
        self.fields["slot_minutes"].widget.attrs.update({"min": 5, "max": 240})
        self.fields["valid_from"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end must be after the start."))
        minutes = data.get("slot_minutes")
        if minutes is not None and not 5 <= minutes <= 240:
            self.add_error("slot_minutes", _("A slot lasts from 5 to 240 minutes."))
        valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            self.add_error("valid_to", _("The end date must not be before the start date."))
        return data


class GenerateForm(StyledForm, forms.Form):
    weeks = forms.IntegerField(label=_("Weeks ahead"), min_value=1, max_value=12, initial=4)


class SlotCancelForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the citizen)"), max_length=300, required=False, widget=forms.TextInput()
    )


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=_date())

    def chosen(self) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("day"):
            return self.cleaned_data["day"]
        return timezone.localdate()


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW, BookingStatus.BOOKED)]
    )


class BookingForm(StyledForm, forms.Form):
    """The public booking form. `website` is a trap only robots fill in (hidden from people)."""

    name = forms.CharField(label=_("Your full name"), max_length=255)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        help_text=_("We send the confirmation here: +7 and ten digits."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    topic = forms.CharField(
        label=_("What do you want to talk about?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data for this visit."),
        required=False,
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_consent(self) -> bool:
        if not self.cleaned_data.get("consent"):
            raise forms.ValidationError(_("Without consent to processing personal data the time cannot be booked."))
        return True

    def is_robot(self) -> bool:
        return bool((self.data.get("website") or "").strip())


class BookingCancelForm(StyledForm, forms.Form):
    code = forms.CharField(label=_("Confirmation code"), max_length=12)
    phone = forms.CharField(
        label=_("Phone given when booking"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()
