"""Forms for people, members, positions and member imports: validation only, no writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.accounts.models import normalize_phone, validate_phone
from amanat.core.iin import parse_iin
from amanat.org import importing
from amanat.org.choices import MemberStatus, PositionKind
from amanat.org.models import Member, OrgUnit, Person, Position, Territory
from amanat.org.permissions import OrgAction
from amanat.org.selectors.people import person_visible, top_units_for, units_for
from amanat.org.services.people import DUPLICATE_IIN, person_with_iin
from amanat.org.workflow import allowed_targets


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Bootstrap classes on every widget (the templates render fields one by one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if css not in widget.attrs.get("class", ""):
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + str(obj)


def _unit_field(user: Any, action: str, *, label: Any, primary_only: bool = False) -> UnitField:
    units = units_for(user, action, primary_only=primary_only)
    field = UnitField(queryset=units, label=label)
    tops = top_units_for(user, action) if not primary_only else []
    if len(tops) == 1:
        field.initial = tops[0].pk
    return field


class PersonForm(forms.ModelForm):
    """A person's details. The IIN is checked (date part, century digit, check digit) and must not
    belong to another person; `duplicate_of` is that person when the user may see them."""

    iin = forms.CharField(
        label=_("IIN"),
        required=False,
        max_length=20,
        help_text=_("12 digits; optional."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # Longer than the stored +7XXXXXXXXXX: people type spaces, brackets and dashes.
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )

    class Meta:
        model = Person
        fields = [
            "last_name",
            "first_name",
            "middle_name",
            "iin",
            "birth_date",
            "sex",
            "phone",
            "email",
            "address",
            "territory",
            "org_unit",
        ]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args: Any, user: Any, with_unit: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicate_of: Person | None = None
        self.fields["territory"].queryset = Territory.objects.order_by("path")
        self.fields["phone"].help_text = _("+7 and ten digits.")
        if with_unit:
            self.fields["org_unit"] = _unit_field(user, OrgAction.CHANGE_PERSON, label=_("Keeping unit"))
            if self.instance.pk:
                self.fields["org_unit"].initial = self.instance.org_unit_id
        else:
            del self.fields["org_unit"]
        if self.instance.pk and self.instance.has_iin:
            self.fields["iin"].help_text = _("Leave empty to keep the current IIN (%(iin)s).") % {
                "iin": self.instance.iin_masked
            }
            self.fields["clear_iin"] = forms.BooleanField(label=_("Remove the IIN"), required=False)
        style_form(self)

    def clean_iin(self) -> str:
        value = "".join(self.cleaned_data.get("iin", "").split())
        if not value:
            return ""
        try:
            info = parse_iin(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        self.iin_info = info
        existing = person_with_iin(value, exclude_pk=self.instance.pk)
        if existing is not None:
            self.duplicate_of = existing if person_visible(actor=self.user, person=existing) else None
            raise ValidationError(DUPLICATE_IIN, code="duplicate_iin")
        return value

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "")
        phone = normalize_phone(raw)
        if raw and not phone:
            raise ValidationError(_("Enter a Kazakhstan phone number: +7 and ten digits."))
        validate_phone(phone)
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        info = getattr(self, "iin_info", None)
        if info is not None:
            if data.get("birth_date") and data["birth_date"] != info.birth_date:
                self.add_error("birth_date", _("The date of birth does not match the IIN."))
            if data.get("sex") and data["sex"] != info.sex:
                self.add_error("sex", _("The sex does not match the IIN (its 7th digit)."))
        if data.get("birth_date") and data["birth_date"] > timezone.localdate():
            self.add_error("birth_date", _("The date of birth cannot be in the future."))
        return data

    def iin_change(self) -> str | None:
        """None keeps the stored IIN, "" removes it, a value replaces it."""
        if self.cleaned_data.get("iin"):
            return self.cleaned_data["iin"]
        if self.cleaned_data.get("clear_iin") or not self.instance.pk:
            return ""
        return None

    def person_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"iin", "clear_iin"}}


class MemberAdmitForm(forms.Form):
    org_unit = UnitField(queryset=OrgUnit.objects.none(), label=_("Primary organisation"))
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput(), initial=timezone.localdate)
    card_number = forms.CharField(label=_("Party card number"), required=False, max_length=32)
    youth_wing = forms.BooleanField(label=_("Youth wing"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = _unit_field(
            user, OrgAction.CHANGE_MEMBER, label=_("Primary organisation"), primary_only=True
        )
        style_form(self)

    def clean_joined_on(self) -> dt.date:
        value = self.cleaned_data["joined_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date of joining cannot be in the future."))
        return value

    def clean_card_number(self) -> str | None:
        value = self.cleaned_data.get("card_number", "").strip() or None
        if value and Member.objects.filter(card_number=value).exists():
            raise ValidationError(_("This party card number is already taken."))
        return value


class MemberTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, MemberStatus(s).label) for s in allowed_targets(member.status)]
        style_form(self)


class MemberTransferForm(forms.Form):
    to_unit = UnitField(queryset=OrgUnit.objects.none(), label=_("Transfer to"))
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args: Any, user: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_for(user, OrgAction.CHANGE_MEMBER, primary_only=True).exclude(pk=member.org_unit_id)
        self.fields["to_unit"].queryset = units
        style_form(self)


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ["org_unit", "kind", "started_on", "ended_on", "note"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = _unit_field(user, OrgAction.CHANGE_POSITION, label=_("Party body of"))
        self.fields["kind"].choices = PositionKind.choices
        self.fields["started_on"].initial = timezone.localdate
        style_form(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("The end of the term cannot be before its start."))
        return data


class PositionEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Term ends on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class MemberImportForm(forms.Form):
    org_unit = UnitField(queryset=OrgUnit.objects.none(), label=_("Import into"))
    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = _unit_field(user, OrgAction.IMPORT_MEMBERS, label=_("Import into"))
        self.fields["org_unit"].help_text = _("Every row's unit must be this unit or under it.")
        style_form(self)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".xlsx", ".csv", ".txt")):
            raise ValidationError(_("Upload an .xlsx or .csv file."))
        try:
            importing.check_size(upload.size or 0)
        except importing.ImportFileError as exc:
            raise ValidationError(exc.message) from exc
        return upload
