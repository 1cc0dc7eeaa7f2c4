"""Forms of the projects module: validation of input only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amanat.core.permissions import units_for
from amanat.org.choices import TerritoryKind
from amanat.org.forms.structure import style_form
from amanat.org.models import OrgUnit, Territory
from amanat.projects.choices import AgeGroup, SignUpStatus
from amanat.projects.models import Event, Project, ProjectKPI
from amanat.projects.permissions import ProjectAction
from amanat.projects.services.events import EVENT_FIELDS
from amanat.projects.services.projects import KPI_FIELDS, PROJECT_FIELDS

DATETIME = {"type": "datetime-local"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, widget=forms.DateTimeInput(attrs=DATETIME, format=DATETIME_FORMAT), required=False
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return "\u00a0\u00a0" * max(obj.depth - 2, 0) + str(obj.name)


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return str(obj.name)


class ServiceModelForm(forms.ModelForm):
    """Reads fields only: the service validates and saves."""

    def _post_clean(self) -> None:
        pass


class ProjectForm(ServiceModelForm):
    org_unit = UnitChoiceField(label=_("Leading branch"), queryset=OrgUnit.objects.none(), required=False)
    units = UnitsField(
        label=_("Units taking part"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Their units below them hold events too."),
    )

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in PROJECT_FIELDS if name.startswith(("desc", "goal"))
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("code", "title_kk", "title_ru"):
            self.fields[name].required = False  # the service says what is missing
        self.fields["org_unit"].queryset = units_for(user, ProjectAction.MANAGE).order_by("path")
        self.fields["units"].queryset = OrgUnit.objects.exclude(kind="primary").order_by("path")
        if self.instance.pk:
            self.initial.setdefault("units", list(self.instance.units.all()))
        style_form(self)


class KpiForm(ServiceModelForm):
    class Meta:
        model = ProjectKPI
        fields = KPI_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name_kk", "name_ru", "measure_kk", "measure_ru", "position"):
            self.fields[name].required = False
        style_form(self)


class EventForm(ServiceModelForm):
    org_unit = UnitChoiceField(label=_("Organising unit"), queryset=OrgUnit.objects.none(), required=False)
    starts_at = _datetime_field(_("Starts"))
    ends_at = _datetime_field(_("Ends"))
    territory = forms.ModelChoiceField(
        label=_("Place"), queryset=Territory.objects.none(), required=False, empty_label=_("Not stated")
    )

    class Meta:
        model = Event
        fields = EVENT_FIELDS
        widgets = {
            "description_kk": forms.Textarea(attrs={"rows": 3}),
            "description_ru": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_for(user, ProjectAction.MANAGE).order_by("path")
        self.fields["territory"].queryset = Territory.objects.exclude(kind=TerritoryKind.REGION).order_by("path")
        style_form(self)


class ShiftForm(forms.Form):
    starts_at = _datetime_field(_("Starts"))
    ends_at = _datetime_field(_("Ends"))
    capacity = forms.IntegerField(label=_("Places"), required=False, min_value=0, max_value=100_000)
    note = forms.CharField(label=_("What to do, what to bring"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in (SignUpStatus.ATTENDED, SignUpStatus.NO_SHOW, SignUpStatus.CANCELLED)],
    )
    hours = forms.DecimalField(label=_("Hours"), required=False, max_digits=5, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ResultForm(forms.Form):
    """One number per indicator of the event's project (blank: not measured)."""

    def __init__(self, *args: Any, kpis: list[ProjectKPI], current: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpis = kpis
        for kpi in kpis:
            self.fields[f"kpi_{kpi.pk}"] = forms.DecimalField(
                label=f"{kpi.name}, {kpi.measure}",
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=current.get(kpi.pk),
            )
        style_form(self)


class SignUpForm(forms.Form):
    """The public sign-up form for one event: the shift, the volunteer, consent."""

    shift = forms.TypedChoiceField(label=_("Shift"), coerce=int, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("+7 and ten digits, for example +7 701 123 45 67."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("We send the confirmation and the link to cancel here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    age_group = forms.ChoiceField(
        label=_("Age group"), required=False, choices=[("", _("Not stated")), *AgeGroup.choices]
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data to take part in the event"), required=False
    )
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args: Any, shifts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shift"].choices = [(s.pk, str(s.pk)) for s in shifts]
        if len(shifts) == 1:
            self.fields["shift"].initial = shifts[0].pk
        style_form(self)
