"""Forms of the assignments pages: shape only, the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from amanat.assignments.choices import ControlLevel
from amanat.assignments.permissions import AssignmentAction
from amanat.core.permissions import units_for
from amanat.org.choices import OrgUnitKind
from amanat.org.forms.people import style_form
from amanat.org.models import OrgUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return "\u2003" * max(obj.depth - 2, 0) + str(obj)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class IssueForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Issuing branch"), queryset=OrgUnit.objects.none())
    issuer_post = forms.CharField(
        label=_("Issued by (post)"), max_length=200, required=False,
        help_text=_("For example: Bureau, Chairman, Executive secretary."),
    )  # fmt: skip
    title = forms.CharField(label=_("Title"), max_length=500)
    text = forms.CharField(label=_("Text (ru)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    text_kk = forms.CharField(label=_("Text (kk)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    control_level = forms.ChoiceField(label=_("Control level"), choices=ControlLevel.choices)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, required=False)
    deadline_days = forms.IntegerField(
        label=_("…or working days from today"), min_value=1, max_value=365, required=False
    )
    primaries_under = forms.ModelMultipleChoiceField(
        label=_("All primary organisations under"), queryset=OrgUnit.objects.none(), required=False,
        help_text=_("Every primary organisation of the chosen branches receives the assignment."),
    )  # fmt: skip
    unit_recipients = UnitChoice(label=_("Units"), queryset=OrgUnit.objects.none(), required=False)
    user_recipients = forms.ModelMultipleChoiceField(label=_("People"), queryset=None, required=False)
    source_type = forms.CharField(widget=forms.HiddenInput, required=False)
    source_id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_for(user, AssignmentAction.ISSUE).filter(is_active=True).order_by("path")
        self.fields["org_unit"].queryset = units.exclude(kind=OrgUnitKind.PRIMARY)
        self.fields["primaries_under"].queryset = units.exclude(kind=OrgUnitKind.PRIMARY)
        self.fields["unit_recipients"].queryset = units
        self.fields["user_recipients"].queryset = (
            get_user_model()
            .objects.visible_to(user, AssignmentAction.ISSUE)
            .filter(is_active=True)
            .order_by("full_name")
        )
        for name in ("unit_recipients", "user_recipients", "primaries_under"):
            self.fields[name].widget.attrs["size"] = 8
        style_form(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("deadline") and data.get("deadline_days"):
            raise ValidationError({"deadline": _("Give the deadline as a date or as working days, not both.")})
        return data

    def recipients(self) -> list[OrgUnit]:
        data = self.cleaned_data
        units = {u.pk: u for u in data.get("unit_recipients") or []}
        for top in data.get("primaries_under") or []:
            for unit in OrgUnit.objects.filter(path__startswith=top.path, kind=OrgUnitKind.PRIMARY, is_active=True):
                units[unit.pk] = unit
        return list(units.values())


class ReportForm(forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Files (PDF, JPEG, PNG)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
