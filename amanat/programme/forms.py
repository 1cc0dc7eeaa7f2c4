"""Forms of the programme staff pages. They only read the input: every rule lives in the services,
whose field errors the views put back on these forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amanat.org.forms.people import style_form
from amanat.org.models import OrgUnit
from amanat.org.selectors.people import units_for
from amanat.programme.choices import VERDICTS, ItemStatus
from amanat.programme.models import Indicator, Item
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.services.items import INDICATOR_FIELDS, ITEM_FIELDS
from amanat.programme.services.progress import quarter_of


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the services check each)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


class ServiceModelForm(forms.ModelForm):
    """A model form that only reads fields: the service validates and saves."""

    def _post_clean(self) -> None:
        pass


class ItemForm(ServiceModelForm):
    parent = forms.ModelChoiceField(
        label=_("Parent item"),
        queryset=Item.objects.none(),
        required=False,
        empty_label=_("— at the top of the programme —"),
    )

    class Meta:
        model = Item
        fields = ITEM_FIELDS
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "planned_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description_kk": forms.Textarea(attrs={"rows": 3}),
            "description_ru": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, parents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_for(user, ProgrammeAction.MANAGE) if user else OrgUnit.objects.none()
        self.fields["weight"].required = False
        if parents is None:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = parents
            self.fields["parent"].label_from_instance = lambda obj: "\u2003" * (obj.depth - 1) + str(obj)
        style_form(self)


class IndicatorForm(ServiceModelForm):
    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weight"].required = False
        style_form(self)


def quarter_choices(today: dt.date) -> list[tuple[str, str]]:
    """The current quarter and the one before it (reports are given for these)."""
    year, quarter = quarter_of(today)
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return [
        (f"{y}-{q}", _("%(year)s, quarter %(quarter)s") % {"year": y, "quarter": q})
        for y, q in ((year, quarter), previous)
    ]


class ReportForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"))
    narrative = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    money_spent = forms.CharField(
        label=_("Money spent in the quarter, ₸"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    files = MultipleFileField(label=_("Evidence: photos and documents"))

    def __init__(self, *args: Any, item: Item, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarter_choices(today)
        self.indicators = list(item.indicators.all())
        for indicator in self.indicators:
            self.fields[f"actual_{indicator.pk}"] = forms.CharField(
                label=_("%(name)s, %(unit)s: actual value") % {"name": indicator.name, "unit": indicator.unit},
                required=False,
                help_text=_("Baseline %(baseline)s, target %(target)s.")
                % {"baseline": indicator.baseline.normalize(), "target": indicator.target.normalize()},
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        style_form(self)

    def period(self) -> tuple[int, int]:
        year, quarter = self.cleaned_data["quarter"].split("-")
        return int(year), int(quarter)

    def actuals(self) -> dict[int, Any]:
        return {ind.pk: self.cleaned_data.get(f"actual_{ind.pk}") for ind in self.indicators}


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[(state.value, state.label) for state in VERDICTS],
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("What was found on the ground"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    files = MultipleFileField(label=_("Evidence of the verification"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
        self.fields["verdict"].widget.attrs["class"] = "form-check-input"


class OverrideForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("By the rules")), *ItemStatus.choices],
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
