"""Serializers of the akim API: the staff view of a campaign, the inputs of each service, and the
public view (the nominee's name and public biography, no other personal data)."""

from __future__ import annotations

from rest_framework import serializers

from amanat.akim.choices import CampaignStatus, ChosenBy, DecisionBody, EventKind, NominatedBy, Outcome
from amanat.akim.models import AkimCampaign, CampaignEvent, CampaignOutcome, CampaignTransition, OtherCandidate
from amanat.akim.selectors import MAX_ID
from amanat.appeals.api.serializers import SafePrimaryKeyField
from amanat.org.models import OrgUnit, Territory


class AkimEventSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = CampaignEvent
        fields = [
            "id",
            "kind",
            "title",
            "title_kk",
            "title_ru",
            "title_en",
            "starts_at",
            "ends_at",
            "place",
            "attendance",
        ]
        read_only_fields = ["id", "title"]


class AkimEventInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices, required=False)
    title_kk = serializers.CharField(max_length=300, required=False, allow_blank=True)
    title_ru = serializers.CharField(max_length=300, required=False, allow_blank=True)
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False)
    place = serializers.CharField(max_length=300, required=False, allow_blank=True)
    attendance = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=1_000_000)


class AkimCandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = OtherCandidate
        fields = ["id", "name", "nominated_by", "nominator"]
        read_only_fields = ["id"]


class AkimCandidateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    nominated_by = serializers.ChoiceField(choices=NominatedBy.choices)
    nominator = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AkimOutcomeSerializer(serializers.ModelSerializer):
    share = serializers.FloatField(read_only=True, help_text="The nominee's share of the votes cast, %")

    class Meta:
        model = CampaignOutcome
        fields = ["round", "outcome", "votes_for_nominee", "votes_total", "share", "turnout", "decided_on", "source"]
        read_only_fields = fields


class AkimOutcomeInputSerializer(serializers.Serializer):
    round = serializers.ChoiceField(choices=[1, 2], default=1)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    votes_for_nominee = serializers.IntegerField(min_value=0, max_value=10_000_000)
    votes_total = serializers.IntegerField(min_value=0, max_value=10_000_000)
    turnout = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    decided_on = serializers.DateField()
    source = serializers.CharField(max_length=500, allow_blank=True)


class AkimTransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignTransition
        fields = ["from_status", "to_status", "actor", "note", "at"]
        read_only_fields = fields


class AkimTransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=CampaignStatus.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    registered_on = serializers.DateField(required=False, allow_null=True)


class AkimCampaignSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    okrug_name = serializers.CharField(source="okrug.name", read_only=True)
    nominee_name = serializers.SerializerMethodField()

    class Meta:
        model = AkimCampaign
        fields = [
            *("id", "org_unit", "org_unit_name", "okrug", "okrug_name", "election_date", "registration_opens_on"),
            *("registration_closes_on", "status", "is_public", "nominee", "nominee_name", "nominee_bio_kk"),
            *("nominee_bio_ru", "nominee_bio_en", "chosen_by", "election", "decision_on", "decision_body"),
            *("decision_number", "decision_document", "registered_on"),
        ]
        read_only_fields = fields

    def get_nominee_name(self, campaign: AkimCampaign) -> str:
        return campaign.nominee.person.full_name if campaign.nominee_id else ""


class AkimCampaignDetailSerializer(AkimCampaignSerializer):
    events = AkimEventSerializer(many=True, read_only=True)
    other_candidates = AkimCandidateSerializer(many=True, read_only=True)
    outcomes = AkimOutcomeSerializer(many=True, read_only=True)
    transitions = AkimTransitionSerializer(many=True, read_only=True)

    class Meta(AkimCampaignSerializer.Meta):
        fields = [*AkimCampaignSerializer.Meta.fields, "events", "other_candidates", "outcomes", "transitions"]
        read_only_fields = fields


class AkimCampaignInputSerializer(serializers.Serializer):
    org_unit = SafePrimaryKeyField(queryset=OrgUnit.objects.all())
    okrug = SafePrimaryKeyField(queryset=Territory.objects.all())
    election_date = serializers.DateField()
    registration_opens_on = serializers.DateField(required=False, allow_null=True)
    registration_closes_on = serializers.DateField(required=False, allow_null=True)
    is_public = serializers.BooleanField(required=False, default=True)
    nominee_bio_kk = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    nominee_bio_ru = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    nominee_bio_en = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AkimNomineeInputSerializer(serializers.Serializer):
    take_winner = serializers.BooleanField(
        required=False, default=False, help_text="Take the winner of the published internal vote `election`"
    )
    chosen_by = serializers.ChoiceField(choices=ChosenBy.choices, required=False)
    nominee = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="Member id")
    election = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    decision_on = serializers.DateField(required=False, allow_null=True)
    decision_body = serializers.ChoiceField(choices=DecisionBody.choices, required=False, allow_blank=True)
    decision_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    decision_document = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    nominee_bio_kk = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    nominee_bio_ru = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    nominee_bio_en = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PublicAkimEventSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = CampaignEvent
        fields = ["kind", "title", "starts_at", "ends_at", "place", "attendance"]
        read_only_fields = fields


class PublicAkimCampaignSerializer(serializers.ModelSerializer):
    okrug_name = serializers.CharField(source="okrug.name", read_only=True)
    okrug_kato = serializers.CharField(source="okrug.kato", read_only=True)
    branch = serializers.CharField(source="org_unit.name", read_only=True)
    nominee_name = serializers.CharField(source="nominee.person.full_name", read_only=True)
    nominee_bio = serializers.CharField(read_only=True)
    outcomes = AkimOutcomeSerializer(many=True, read_only=True)

    class Meta:
        model = AkimCampaign
        fields = [
            *("id", "okrug_name", "okrug_kato", "branch", "election_date", "registration_opens_on"),
            *("registration_closes_on", "status", "nominee_name", "nominee_bio", "outcomes"),
        ]
        read_only_fields = fields


class PublicAkimCampaignDetailSerializer(PublicAkimCampaignSerializer):
    events = PublicAkimEventSerializer(many=True, read_only=True)
    candidates_count = serializers.SerializerMethodField(help_text="Candidates in the okrug, the nominee included")

    class Meta(PublicAkimCampaignSerializer.Meta):
        fields = [*PublicAkimCampaignSerializer.Meta.fields, "events", "candidates_count"]
        read_only_fields = fields

    def get_candidates_count(self, campaign: AkimCampaign) -> int:
        return len(campaign.other_candidates.all()) + 1
