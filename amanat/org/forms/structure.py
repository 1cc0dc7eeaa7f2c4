"""Forms for the structure pages: validation of what was typed only; the writes are services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from amanat.core.forms import add_service_errors
from amanat.core.iin import parse_iin
from amanat.core.permissions import units_for
from amanat.org.choices import FactionRole, OrgUnitKind
from amanat.org.models import (
    ALLOWED_CHILDREN,
    Deputy,
    Faction,
    Maslikhat,
    Official,
    OrgUnit,
    Person,
    StateBody,
    Territory,
)
from amanat.org.permissions import OrgAction
from amanat.org.selectors.structure import visible_people


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Bootstrap classes on every widget, so templates render `{{ field }}` as is."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        elif isinstance(widget, forms.HiddenInput | forms.RadioSelect):
            continue
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


class StyledForm:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        style_form(self)  # type: ignore[arg-type]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def _post_clean(self) -> None:
        # Model rules (uniqueness, constraints, kinds in the tree) are checked by the service, which
        # names the field with a clear message; the form leaves the instance untouched.
        pass

    def changes(self) -> dict[str, Any]:
        """The cleaned values of the model's fields on this form (what a service takes)."""
        skip = getattr(self, "not_model_fields", ())
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}  # type: ignore[attr-defined]

    def add_service_errors(self, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
        """Show a service's errors beside the fields they name; others above the form."""
        add_service_errors(self, exc, rename=rename)

    def without_errors(self) -> StyledForm:
        """Show what was typed without judging it (the "Find a person" button re-renders the form)."""
        self._errors = ErrorDict()
        return self


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TreeChoiceField(forms.ModelChoiceField):
    """Tree nodes indented by depth, so that a long list reads as the tree."""

    def label_from_instance(self, obj: Any) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + str(obj)


def territory_field(**kwargs: Any) -> TreeChoiceField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("label", _("Territory"))
    return TreeChoiceField(queryset=Territory.objects.order_by("path"), **kwargs)


# --- territories and units -------------------------------------------------------------------


class TerritoryForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Territory
        fields = ["kato", "kind", "name_kk", "name_ru", "name_en", "is_centre", "kato_version"]
        widgets = {
            "kato": forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{9}", "maxlength": 9}),
            "kato_version": _date(),
        }
        help_texts = {"kato_version": _("The date of the KATO classifier edition this code comes from.")}


class OrgUnitForm(StyledForm, forms.ModelForm):
    territory = territory_field()

    class Meta:
        model = OrgUnit
        fields = [
            "kind",
            "code",
            "name_kk",
            "name_ru",
            "name_en",
            "territory",
            "address_kk",
            "address_ru",
            "address_en",
            "phone",
            "email",
            "hosts_reception",
        ]
        help_texts = {"code": _("Short Latin name used in links and imports, e.g. makat-p12.")}

    def __init__(self, *args: Any, parent: OrgUnit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["kind"]  # fixed once the unit exists
        elif parent is not None:
            allowed = ALLOWED_CHILDREN.get(parent.kind, ())
            self.fields["kind"].choices = [(k, OrgUnitKind(k).label) for k in allowed]
            if len(allowed) == 1:
                self.fields["kind"].initial = allowed[0]
            if parent.territory_id and not self.initial.get("territory"):
                self.fields["territory"].initial = parent.territory_id


class DeactivateForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- maslikhats, factions, deputies ----------------------------------------------------------


class MaslikhatForm(StyledForm, forms.ModelForm):
    territory = territory_field(required=True)
    org_unit = TreeChoiceField(queryset=OrgUnit.objects.none(), label=_("Party branch"))

    class Meta:
        model = Maslikhat
        fields = [
            "level",
            "territory",
            "org_unit",
            "convocation",
            "name_kk",
            "name_ru",
            "name_en",
            "elected_on",
            "seats",
        ]
        widgets = {"elected_on": _date()}

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_for(actor, OrgAction.CHANGE_DEPUTY).exclude(kind=OrgUnitKind.PRIMARY).order_by("path")
        self.fields["org_unit"].queryset = units


class FactionForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Faction
        fields = ["name_kk", "name_ru", "name_en"]


class PersonPickMixin(forms.Form):
    """Choose an existing person (found by name or IIN) or type a new one's details."""

    not_model_fields = (
        "person",
        "person_q",
        "new_last_name",
        "new_first_name",
        "new_middle_name",
        "new_iin",
        "new_phone",
    )
    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, widget=forms.HiddenInput)
    person_q = forms.CharField(
        label=_("Find a person"),
        required=False,
        max_length=100,
        help_text=_("Start of the surname, or a full IIN."),
    )
    new_last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    new_first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    new_middle_name = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    new_iin = forms.CharField(label=_("IIN"), max_length=12, required=False, help_text=_("Optional: 12 digits."))
    new_phone = forms.CharField(label=_("Phone"), max_length=16, required=False)

    def setup_person(self, actor: Any, *, creating: bool) -> None:
        self.creating = creating
        if creating:
            self.fields["person"].queryset = visible_people(actor)
            self.fields["new_iin"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        else:
            for name in self.not_model_fields:
                self.fields.pop(name, None)

    def clean_new_iin(self) -> str:
        value = "".join((self.cleaned_data.get("new_iin") or "").split())
        if value:
            parse_iin(value)  # a clear message beside the field
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = data.get("person") or (data.get("new_last_name") and data.get("new_first_name"))
        if getattr(self, "creating", False) and not chosen:
            raise ValidationError(
                _("Choose a person from the search results, or type the last and first name of a new person.")
            )
        return data

    def new_person(self) -> dict[str, Any] | None:
        """The new person's details when no existing person was chosen."""
        if self.cleaned_data.get("person"):
            return None
        fields = {
            "last_name": self.cleaned_data["new_last_name"],
            "first_name": self.cleaned_data["new_first_name"],
            "middle_name": self.cleaned_data.get("new_middle_name", ""),
            "phone": self.cleaned_data.get("new_phone", ""),
        }
        return fields

    PERSON_ERRORS = {
        "iin": "new_iin",
        "last_name": "new_last_name",
        "first_name": "new_first_name",
        "middle_name": "new_middle_name",
        "phone": "new_phone",
    }


class DeputyForm(StyledForm, PersonPickMixin, forms.ModelForm):
    constituency_territory = territory_field(label=_("Constituency territory"))

    class Meta:
        model = Deputy
        fields = [
            "constituency_number",
            "constituency_name",
            "constituency_territory",
            "term_start",
            "term_end",
            "faction",
            "faction_role",
        ]
        widgets = {"term_start": _date(), "term_end": _date()}

    def __init__(self, *args: Any, actor: Any, maslikhat: Maslikhat, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_person(actor, creating=not self.instance.pk)
        self.fields["faction"].queryset = Faction.objects.filter(maslikhat=maslikhat)
        self.fields["faction_role"].choices = [("", "—"), *FactionRole.choices]
        if not self.instance.pk and maslikhat.elected_on:
            self.fields["term_start"].initial = maslikhat.elected_on


class StateBodyForm(StyledForm, forms.ModelForm):
    territory = territory_field()

    class Meta:
        model = StateBody
        fields = [
            "kind",
            "name_kk",
            "name_ru",
            "name_en",
            "short_name",
            "territory",
            "bin",
            "address",
            "phone",
            "email",
            "is_active",
        ]
        widgets = {"bin": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 12, "autocomplete": "off"})}

    def __init__(self, *args: Any, parent: StateBody | None = None, allowed_kinds: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["is_active"]
            if allowed_kinds is not None:
                self.fields["kind"].choices = [(k.value, k.label) for k in allowed_kinds]
            if parent is not None and parent.territory_id:
                self.fields["territory"].initial = parent.territory_id


class OfficialForm(StyledForm, PersonPickMixin, forms.ModelForm):
    keeping_unit = TreeChoiceField(
        queryset=OrgUnit.objects.none(),
        label=_("Unit that keeps the new person's record"),
        required=False,
    )

    class Meta:
        model = Official
        fields = ["title_kk", "title_ru", "title_en", "is_head", "started_on", "ended_on"]
        widgets = {"started_on": _date(), "ended_on": _date()}

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.not_model_fields = (*PersonPickMixin.not_model_fields, "keeping_unit")
        creating = not self.instance.pk
        self.setup_person(actor, creating=creating)
        if creating:
            units: QuerySet[OrgUnit] = units_for(actor, OrgAction.CHANGE_PERSON).order_by("path")
            self.fields["keeping_unit"].queryset = units
            self.fields["keeping_unit"].initial = units.values_list("pk", flat=True).first()
        # When editing, setup_person has already dropped keeping_unit with the other person fields.

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if getattr(self, "creating", False) and not data.get("person") and not data.get("keeping_unit"):
            self.add_error("keeping_unit", _("Choose the unit that keeps the new person's record."))
        return data


class OfficialEndForm(StyledForm, forms.Form):
    ended_on = forms.DateField(label=_("Term ended on"), widget=_date())
