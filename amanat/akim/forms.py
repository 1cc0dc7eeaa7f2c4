"""Forms of the akim campaigns module: validation of input only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from amanat.akim.choices import ChosenBy, DecisionBody, NominatedBy, Outcome
from amanat.akim.models import AkimCampaign, CampaignEvent
from amanat.akim.permissions import AkimAction
from amanat.akim.selectors import nominee_votes
from amanat.akim.services.activity import EVENT_FIELDS
from amanat.akim.services.campaigns import BRANCH_KINDS, CAMPAIGN_FIELDS, OKRUG_KINDS
from amanat.core.permissions import in_subtree, units_for
from amanat.documents.models import Document
from amanat.org.forms.structure import style_form
from amanat.org.models import Member, OrgUnit, Territory

DATE = {"type": "date"}
DATETIME = {"type": "datetime-local"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), required=False, **kwargs)


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, widget=forms.DateTimeInput(attrs=DATETIME, format=DATETIME_FORMAT), required=False
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return str(obj.name)


class OkrugChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Territory) -> str:
        return f"{obj.name} ({obj.kato})"


class ServiceModelForm(forms.ModelForm):
    """Reads fields only: the service validates and saves."""

    def _post_clean(self) -> None:
        pass


class CampaignForm(ServiceModelForm):
    org_unit = UnitChoiceField(label=_("Branch running the campaign"), queryset=OrgUnit.objects.none(), required=False)
    okrug = OkrugChoiceField(label=_("Rural okrug"), queryset=Territory.objects.none(), required=False)
    election_date = _date_field(_("Election day"))
    registration_opens_on = _date_field(_("Registration of candidates opens"))
    registration_closes_on = _date_field(_("Registration of candidates closes"))

    class Meta:
        model = AkimCampaign
        fields = CAMPAIGN_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in CAMPAIGN_FIELDS if name.startswith("nominee_bio")
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_for(user, AkimAction.MANAGE).filter(kind__in=BRANCH_KINDS).order_by("path")
        self.fields["org_unit"].queryset = units
        self.fields["okrug"].queryset = Territory.objects.filter(kind__in=OKRUG_KINDS).order_by("path")
        style_form(self)


class NomineeForm(forms.Form):
    """The nominee by party card number, and how the party chose them."""

    chosen_by = forms.ChoiceField(label=_("How the nominee was chosen"), choices=ChosenBy.choices, required=False,
                                  widget=forms.RadioSelect(attrs={"class": "form-check-input"}))  # fmt: skip
    card_number = forms.CharField(
        label=_("Nominee's party card number"), max_length=32, required=False,
        help_text=_("The nominee must be an active member of the branch running the campaign."),
    )  # fmt: skip
    election = forms.ModelChoiceField(label=_("Internal vote"), queryset=None, required=False,
                                      empty_label=_("Not chosen"))  # fmt: skip
    decision_on = _date_field(_("Date of the decision"))
    decision_body = forms.ChoiceField(label=_("Body that decided"), required=False,
                                      choices=[("", _("Not chosen")), *DecisionBody.choices])  # fmt: skip
    decision_number = forms.CharField(label=_("Number of the decision"), max_length=50, required=False)
    decision_document = forms.ModelChoiceField(label=_("Decision document"), queryset=None, required=False,
                                               empty_label=_("No document"))  # fmt: skip
    nominee_bio_kk = forms.CharField(label=_("Nominee's public biography (kk)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    nominee_bio_ru = forms.CharField(label=_("Nominee's public biography (ru)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    nominee_bio_en = forms.CharField(label=_("Nominee's public biography (en)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, campaign: AkimCampaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["election"].queryset = nominee_votes(campaign)
        unit = campaign.org_unit
        ancestors = [unit.path[:n] for n in range(unit.steplen, len(unit.path) + 1, unit.steplen)]
        self.fields["decision_document"].queryset = (
            Document.objects.filter(Q(org_unit__path__in=ancestors) | in_subtree("org_unit", unit))
            .select_related("org_unit")
            .order_by("-adopted_on", "-pk")
        )
        style_form(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        card = (data.get("card_number") or "").strip()
        data["nominee"] = None
        if card:
            member = (
                Member.objects.filter(card_number=card)
                .filter(in_subtree("org_unit", self.campaign.org_unit))
                .select_related("person", "org_unit")
                .first()
            )
            if member is None:
                self.add_error("card_number", _("No member of the branch has this party card number."))
            data["nominee"] = member
        return data


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=16)
    registered_on = _date_field(_("Registered by the election commission on"))
    note = forms.CharField(label=_("Reason"), max_length=500, required=False)


class EventForm(ServiceModelForm):
    starts_at = _datetime_field(_("Starts"))
    ends_at = _datetime_field(_("Ends"))

    class Meta:
        model = CampaignEvent
        fields = EVENT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("place", "kind"):
            self.fields[name].required = False  # the service says what is missing
        self.fields["attendance"].widget.attrs["min"] = 0
        style_form(self)


class CandidateForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    nominated_by = forms.ChoiceField(label=_("Nominated by"), required=False,
                                     choices=[("", _("Not chosen")), *NominatedBy.choices])  # fmt: skip
    nominator = forms.CharField(label=_("Party or association"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class OutcomeForm(forms.Form):
    round = forms.TypedChoiceField(label=_("Round"), coerce=int, choices=[(1, "1"), (2, "2")], initial=1)
    outcome = forms.ChoiceField(label=_("Outcome for the nominee"), required=False,
                                choices=[("", _("Not chosen")), *Outcome.choices])  # fmt: skip
    votes_for_nominee = forms.IntegerField(label=_("Votes for the nominee"), required=False, min_value=0)
    votes_total = forms.IntegerField(label=_("Votes cast"), required=False, min_value=0)
    turnout = forms.DecimalField(label=_("Turnout, %"), required=False, max_digits=5, decimal_places=2)
    decided_on = _date_field(_("Date of the result"))
    source = forms.CharField(
        label=_("Source of the result"), max_length=500, required=False,
        help_text=_("The election commission's decision or the page where the result was published."),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
