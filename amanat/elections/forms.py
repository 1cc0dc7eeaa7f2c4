"""Forms of the elections module: they read input only; the services check the rules and the phase."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amanat.accounts.models import User
from amanat.core.permissions import units_for
from amanat.elections.choices import CommissionRole
from amanat.elections.models import Candidate, Election
from amanat.elections.permissions import ElectionAction
from amanat.elections.services.elections import ELECTION_FIELDS
from amanat.elections.services.nominations import LABEL_FIELDS, PROFILE_FIELDS
from amanat.org.forms.structure import style_form
from amanat.org.models import OrgUnit

DATETIME = {"type": "datetime-local"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return "\u00a0\u00a0" * max(obj.depth - 2, 0) + str(obj.name)


class ElectionForm(forms.ModelForm):
    """The election's texts, rules and timetable; the service says what is wrong or frozen."""

    unit = UnitChoiceField(label=_("Organising unit"), queryset=OrgUnit.objects.none(), required=False)

    class Meta:
        model = Election
        fields = ELECTION_FIELDS
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 3}) for name in ELECTION_FIELDS if name.startswith("description")},
            **{
                name: forms.DateTimeInput(attrs=DATETIME, format=DATETIME_FORMAT)
                for name in ("nominations_open_at", "nominations_close_at", "voting_opens_at", "voting_closes_at")
            },
            "joined_before": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False  # the service says what is missing, in one place
        self.fields["unit"].queryset = units_for(user, ElectionAction.MANAGE).exclude(kind="primary").order_by("path")
        self.fields["threshold"].help_text = _("t of the n trustees must take part to decrypt the result.")
        self.fields["min_unit_voters"].help_text = _(
            "A unit with fewer voters has no result of its own: its ballots are counted with others."
        )
        style_form(self)

    def _post_clean(self) -> None:
        pass


class SeatForm(forms.Form):
    email = forms.EmailField(label=_("User's e-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=CommissionRole.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)

    def clean_email(self) -> User:
        user = User.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user has this e-mail."))
        return user


class TrusteeForm(SeatForm):
    name = forms.CharField(label=_("Name as published"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["role"]


class MemberNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Member"),
        max_length=32,
        help_text=_("The party card number (or M and the member's number in the register)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = LABEL_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        style_form(self)

    def _post_clean(self) -> None:
        pass


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = PROFILE_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in PROFILE_FIELDS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)

    def _post_clean(self) -> None:
        pass


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)

    def read(self) -> bytes:
        return self.cleaned_data["file"].read(64 * 2**20 + 1)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class NominationForm(forms.Form):
    """Self-nomination: a biography, a programme and documents."""

    documents = MultipleFileField(
        label=_("Documents (application, consent)"), required=False, help_text=_("JPEG, PNG or PDF.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PROFILE_FIELDS:
            self.fields[name] = forms.CharField(
                label=Candidate._meta.get_field(name).verbose_name, required=False, widget=forms.Textarea({"rows": 4})
            )
        style_form(self)


class PrimaryNominationForm(MemberNumberForm):
    """A primary organisation's secretary proposes one of its members, with the decision attached."""

    documents = MultipleFileField(
        label=_("Documents (decision of the primary organisation)"), required=False, help_text=_("JPEG, PNG or PDF.")
    )
