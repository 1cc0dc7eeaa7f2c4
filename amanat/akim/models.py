"""Rural akim elections as data: the party's campaign in one rural okrug (or village, settlement)
on one election day, with how its nominee was chosen, the campaign's events, the other candidates
and the outcome of each round.

Invariants live here as constraints (dates in order, votes for the nominee never more than the
votes cast, a turnout between 0 and 100, one live campaign per okrug and election day, one outcome
per round); the workflow is in `services` and `workflow`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from amanat.akim.choices import CampaignStatus, ChosenBy, DecisionBody, EventKind, NominatedBy, Outcome
from amanat.core.i18n import translated
from amanat.core.models import SoftDeleteModel, TimeStampedModel
from amanat.core.permissions import ScopedQuerySet
from amanat.org.models import Member, OrgUnit, Territory


class AkimCampaign(SoftDeleteModel):
    """The party's part in the election of the akim of one rural okrug, run by a district branch."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("branch running the campaign"), on_delete=models.PROTECT, related_name="akim_campaigns"
    )
    okrug = models.ForeignKey(
        Territory, verbose_name=_("rural okrug"), on_delete=models.PROTECT, related_name="akim_campaigns"
    )
    election_date = models.DateField(_("election day"))
    registration_opens_on = models.DateField(_("registration of candidates opens"), null=True, blank=True)
    registration_closes_on = models.DateField(_("registration of candidates closes"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.PLANNING
    )
    is_public = models.BooleanField(_("shown on the public site"), default=True)
    # The nominee and how the party chose them.
    nominee = models.ForeignKey(
        Member, verbose_name=_("nominee"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nominee_bio_kk = models.TextField(_("nominee's public biography (kk)"), blank=True)
    nominee_bio_ru = models.TextField(_("nominee's public biography (ru)"), blank=True)
    nominee_bio_en = models.TextField(_("nominee's public biography (en)"), blank=True)
    chosen_by = models.CharField(_("chosen by"), max_length=16, choices=ChosenBy.choices, blank=True)
    election = models.ForeignKey(
        "elections.Election",
        verbose_name=_("internal vote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="akim_campaigns",
    )
    decision_on = models.DateField(_("date of the decision"), null=True, blank=True)
    decision_body = models.CharField(_("body that decided"), max_length=24, choices=DecisionBody.choices, blank=True)
    decision_number = models.CharField(_("number of the decision"), max_length=50, blank=True)
    decision_document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("decision document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_on = models.DateField(_("registered by the election commission on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    nominee_bio = translated("nominee_bio")
    scope_field = "org_unit"

    class Meta:
        ordering = ["-election_date", "pk"]
        verbose_name = _("akim election campaign")
        verbose_name_plural = _("akim election campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["okrug", "election_date"],
                condition=Q(deleted_at__isnull=True),
                name="akim_campaign_once_per_okrug_day",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_on__isnull=True)
                | Q(registration_closes_on__isnull=True)
                | Q(registration_closes_on__gte=F("registration_opens_on")),
                name="akim_registration_in_order",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_on__isnull=True) | Q(registration_closes_on__lt=F("election_date")),
                name="akim_registration_before_election",
            ),
        ]
        indexes = [models.Index(fields=["org_unit", "-election_date"], name="akim_campaign_unit_date_idx")]

    def __str__(self) -> str:
        return f"{self.okrug.name} — {self.election_date:%d.%m.%Y}"

    @property
    def final_outcome(self) -> CampaignOutcome | None:
        outcomes = [o for o in self.outcomes.all() if o.outcome != Outcome.SECOND_ROUND]
        return outcomes[-1] if outcomes else None


class CampaignTransition(models.Model):
    """Who moved a campaign from one status to another, when and why (append-only)."""

    campaign = models.ForeignKey(AkimCampaign, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=CampaignStatus.choices)
    to_status = models.CharField(max_length=16, choices=CampaignStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope_field = "campaign__org_unit"

    class Meta:
        ordering = ["campaign", "at", "pk"]
        verbose_name = _("campaign status change")
        verbose_name_plural = _("campaign status changes")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class CampaignEvent(SoftDeleteModel):
    """A meeting with voters (or another campaign event) with its place and attendance."""

    campaign = models.ForeignKey(
        AkimCampaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices, default=EventKind.MEETING)
    title_kk = models.CharField(_("title (kk)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (ru)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (en)"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300)
    attendance = models.PositiveIntegerField(_("people who came"), null=True, blank=True)

    title = translated("title")
    scope_field = "campaign__org_unit"

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="akim_event_ends_after_start")
        ]

    def __str__(self) -> str:
        return str(self.title) or f"{self.get_kind_display()} {self.starts_at:%d.%m.%Y}"

    @property
    def audit_org_unit(self) -> OrgUnit:
        return self.campaign.org_unit


class OtherCandidate(SoftDeleteModel):
    """Another candidate registered in the same okrug (as the election commission published)."""

    campaign = models.ForeignKey(
        AkimCampaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="other_candidates"
    )
    name = models.CharField(_("full name"), max_length=200)
    nominated_by = models.CharField(_("nominated by"), max_length=16, choices=NominatedBy.choices)
    nominator = models.CharField(_("party or association"), max_length=200, blank=True)

    scope_field = "campaign__org_unit"

    class Meta:
        ordering = ["campaign", "name", "pk"]
        verbose_name = _("other candidate")
        verbose_name_plural = _("other candidates")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_org_unit(self) -> OrgUnit:
        return self.campaign.org_unit


class CampaignOutcome(TimeStampedModel):
    """The outcome of one round for the party's nominee, with its source (the election commission)."""

    campaign = models.ForeignKey(
        AkimCampaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="outcomes"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    votes_for_nominee = models.PositiveIntegerField(_("votes for the nominee"))
    votes_total = models.PositiveIntegerField(_("votes cast"))
    turnout = models.DecimalField(_("turnout, %"), max_digits=5, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("date of the result"))
    source = models.CharField(_("source of the result"), max_length=500)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "campaign__org_unit"

    class Meta:
        ordering = ["campaign", "round"]
        verbose_name = _("election outcome")
        verbose_name_plural = _("election outcomes")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "round"], name="akim_outcome_once_per_round"),
            models.CheckConstraint(condition=Q(round__in=[1, 2]), name="akim_outcome_round_1_or_2"),
            models.CheckConstraint(
                condition=Q(votes_for_nominee__lte=F("votes_total")), name="akim_outcome_votes_within_total"
            ),
            models.CheckConstraint(
                condition=Q(turnout__isnull=True) | (Q(turnout__gte=0) & Q(turnout__lte=100)),
                name="akim_outcome_turnout_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} ({self.round}): {self.get_outcome_display()}"

    @property
    def share(self) -> float | None:
        """The nominee's share of the votes cast, in per cent."""
        return round(self.votes_for_nominee * 100 / self.votes_total, 2) if self.votes_total else None

    @property
    def audit_org_unit(self) -> OrgUnit:
        return self.campaign.org_unit
