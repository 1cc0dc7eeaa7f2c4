"""Forms of the staff pages: they check the shape of the input only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amanat.core.permissions import units_for
from amanat.councils.choices import Assessment, MemberKind, MemberRole, ResponseKind, VoteChoice
from amanat.councils.models import CouncilMember, CouncilSession
from amanat.councils.permissions import CouncilAction
from amanat.org.forms.people import style_form
from amanat.org.models import Official, Person, StateBody

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = {"rows": 4}


class Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"


class CouncilForm(Styled):
    org_unit = forms.ModelChoiceField(label=_("Party branch"), queryset=None)
    state_body = forms.ModelChoiceField(
        label=_("At the state body"),
        queryset=StateBody.objects.filter(is_active=True),
        required=False,
        help_text=_("For a council at an akimat; leave empty for a council at the party branch."),
    )
    title_kk = forms.CharField(label=_("Title (kk)"), max_length=300)
    title_ru = forms.CharField(label=_("Title (ru)"), max_length=300)
    title_en = forms.CharField(label=_("Title (en)"), max_length=300, required=False)
    description_kk = forms.CharField(label=_("Description (kk)"), widget=forms.Textarea(attrs=TEXT), required=False)
    description_ru = forms.CharField(label=_("Description (ru)"), widget=forms.Textarea(attrs=TEXT), required=False)
    description_en = forms.CharField(label=_("Description (en)"), widget=forms.Textarea(attrs=TEXT), required=False)
    established_on = forms.DateField(label=_("Established on"), widget=DATE, required=False)
    is_public = forms.BooleanField(label=_("Shown on the public site"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_for(user, CouncilAction.MANAGE)


class MemberForm(Styled):
    person = forms.ModelChoiceField(
        label=_("Person from the registry"),
        queryset=None,
        required=False,
        help_text=_("Optional: a citizen not in the registry is entered by name."),
    )
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    middle_name = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Represents"), choices=MemberKind.choices)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    organisation = forms.CharField(label=_("Organisation"), max_length=300, required=False)
    term_start = forms.DateField(label=_("Term from"), widget=DATE)
    term_end = forms.DateField(label=_("Term to"), widget=DATE, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user, CouncilAction.MANAGE)
        self.fields["person"].widget = forms.NumberInput(attrs={"class": "form-control", "min": 1})
        self.fields["person"].help_text = _("Optional: the person's number in the registry.")


class EndTermForm(Styled):
    ended_on = forms.DateField(label=_("Term ends on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class SessionForm(Styled):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME, required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs=TEXT), required=False)


class AttendanceForm(Styled):
    members = forms.ModelMultipleChoiceField(
        label=_("Members present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    guests = forms.IntegerField(label=_("Guests present"), min_value=0, initial=0)

    def __init__(self, *args: Any, session: CouncilSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = CouncilMember.objects.filter(council_id=session.council_id)
        self.fields["members"].widget.attrs = {"class": "form-check-input"}


class RecommendationForm(Styled):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs=TEXT))
    addressee_body = forms.ModelChoiceField(label=_("Addressee"), queryset=StateBody.objects.filter(is_active=True))
    addressee_official = forms.ModelChoiceField(
        label=_("Addressee official"), queryset=Official.objects.filter(ended_on__isnull=True), required=False
    )
    response_days = forms.IntegerField(label=_("Term for the response, working days"), min_value=1, initial=15)


class VotesForm(Styled):
    """One choice per member present who has not voted yet."""

    def __init__(self, *args: Any, members: list[CouncilMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"m{member.pk}"] = forms.ChoiceField(
                label=member.full_name,
                choices=[("", "—"), *VoteChoice.choices],
                required=False,
            )
        style_form(self)

    def votes(self) -> dict[CouncilMember, str]:
        return {m: self.cleaned_data[f"m{m.pk}"] for m in self.members if self.cleaned_data.get(f"m{m.pk}")}


class SendForm(Styled):
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE)


class ResponseForm(Styled):
    kind = forms.ChoiceField(label=_("Response"), choices=ResponseKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Text of the response"), widget=forms.Textarea(attrs=TEXT), required=False)
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs=TEXT),
        required=False,
        help_text=_("Required when the recommendation was rejected or accepted only in part."),
    )
    received_on = forms.DateField(label=_("Response received on"), widget=DATE)


class ProgressForm(Styled):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs=TEXT))
    noted_on = forms.DateField(label=_("Date"), widget=DATE)


class ImplementationForm(Styled):
    done = forms.TypedChoiceField(
        label=_("Implementation"),
        choices=[("1", _("Implemented")), ("0", _("Not implemented"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs=TEXT), required=False)
    on = forms.DateField(label=_("Date"), widget=DATE)


class AssessmentForm(Styled):
    assessment = forms.ChoiceField(
        label=_("Council's assessment"), choices=Assessment.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs=TEXT), required=False)
    on = forms.DateField(label=_("Date"), widget=DATE)
