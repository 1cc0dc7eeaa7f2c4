"""Forms of the meetings pages: they check the shape of input only; the services hold the rules."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from amanat.appeals.models import Category
from amanat.core.permissions import units_for
from amanat.meetings.choices import MeetingKind, ParticipantRole, ProtocolLanguage
from amanat.meetings.permissions import MeetingAction
from amanat.meetings.services.issues import ISSUE_TYPES
from amanat.org.forms.people import style_form
from amanat.org.models import Territory


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class MeetingForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Party branch"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title_kk = forms.CharField(label=_("Title (kk)"), max_length=300, required=False)
    title_ru = forms.CharField(label=_("Title (ru)"), max_length=300, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput(), input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput(), input_formats=DATETIME_FORMATS)
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.all(), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    is_public = forms.BooleanField(
        label=_("Announce on the public site (field meetings and mobile receptions)"), required=False
    )
    chaired_by = forms.CharField(label=_("Chaired by"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_for(user, MeetingAction.MANAGE).order_by("path")
        style_form(self)


class ProtocolForm(forms.Form):
    protocol_number = forms.CharField(label=_("Protocol No."), max_length=50, required=False)
    protocol_language = forms.ChoiceField(label=_("Protocol language"), choices=ProtocolLanguage.choices)
    chaired_by = forms.CharField(label=_("Chaired by"), max_length=200, required=False)
    protocol_notes = forms.CharField(
        label=_("Course of the meeting"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


def _ancestor_paths(unit: Any) -> list[str]:
    return [unit.path[:i] for i in range(unit.steplen, len(unit.path), unit.steplen)]


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)
    user = forms.ModelChoiceField(label=_("User of the platform (is invited)"), queryset=None, required=False)
    name = forms.CharField(label=_("Or a name"), max_length=200, required=False)
    note = forms.CharField(label=_("Position or note"), max_length=200, required=False)

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = meeting.org_unit
        # Anyone who may see the unit's meetings may be invited (deputies, officials, members
        # with accounts in the branch).
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(grants__org_unit__path__in=_ancestor_paths(unit)) | Q(grants__org_unit__path__startswith=unit.path)
            )
            .distinct()
            .order_by("full_name")
        )
        style_form(self)


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))
    speaker = forms.CharField(label=_("Speaker"), max_length=200, required=False)

    def __init__(self, *args: Any, with_speaker: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_speaker:
            del self.fields["speaker"]
        style_form(self)


class AttendanceForm(forms.Form):
    attendance_count = forms.IntegerField(label=_("People present"), min_value=0, required=False)
    present = forms.ModelMultipleChoiceField(
        label=_("Participants present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = meeting.participants.select_related("user", "person")
        self.fields["attendance_count"].widget.attrs["class"] = "form-control"


class FileForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class IssueForm(forms.Form):
    """One issue, as quick as a phone allows: the text first, who raised it, the rest optional."""

    text = forms.CharField(label=_("Issue"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    applicant_name = forms.CharField(label=_("Who raised it (name)"), max_length=200, required=False)
    applicant_phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    is_collective = forms.BooleanField(label=_("Collective (several people)"), required=False)
    signatories = forms.IntegerField(
        label=_("Number of signatories"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    appeal_type = forms.ChoiceField(label=_("Type"), choices=[(t.value, t.label) for t in ISSUE_TYPES])
    category = forms.ModelChoiceField(label=_("Category (optional)"), queryset=Category.objects.none(), required=False)
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.all(), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=ProtocolLanguage.choices)
    key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("territory", meeting.territory_id)
        kwargs["initial"].setdefault("key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("path")
        style_form(self)
        self.fields["text"].widget.attrs["autofocus"] = True


class AssignmentForm(forms.Form):
    """An assignment from a decision (the assignments module's service does the work)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    deadline_days = forms.IntegerField(label=_("Or a term in working days"), min_value=1, max_value=365, required=False)
    control_level = forms.ChoiceField(label=_("Control level"), choices=())
    unit_recipients = forms.ModelMultipleChoiceField(label=_("Units"), queryset=None, required=False)
    user_recipients = forms.ModelMultipleChoiceField(label=_("People"), queryset=None, required=False)

    def __init__(self, *args: Any, meeting: Any, control_levels: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = meeting.org_unit
        self.fields["control_level"].choices = control_levels
        self.fields["unit_recipients"].queryset = type(unit).objects.filter(path__startswith=unit.path).order_by("path")
        self.fields["user_recipients"].queryset = (
            get_user_model().objects.filter(is_active=True, grants__org_unit__path__startswith=unit.path).distinct()
        )
        style_form(self)
