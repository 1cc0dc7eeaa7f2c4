"""Public councils: members with their terms, sessions with attendance, recommendations adopted by
the members' votes and their fate (response, implementation, the council's assessment).

Invariants live here (constraints); workflows live in `workflow.py` and `services/`.
Every record reaches its org unit through the council (`scope_field`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from amanat.core.i18n import translated
from amanat.core.models import SoftDeleteModel, TimeStampedModel
from amanat.core.permissions import ScopedQuerySet
from amanat.councils.choices import Assessment, MemberKind, MemberRole, RecommendationStatus, ResponseKind, VoteChoice
from amanat.org.models import Official, OrgUnit, Person, StateBody


class Council(SoftDeleteModel):
    """A public council at a party branch, or at an akimat (then `state_body` names it)."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="+")
    state_body = models.ForeignKey(
        StateBody,
        verbose_name=_("at the state body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_councils",
    )
    title_kk = models.CharField(_("title (kk)"), max_length=300)
    title_ru = models.CharField(_("title (ru)"), max_length=300)
    title_en = models.CharField(_("title (en)"), max_length=300, blank=True)
    description_kk = models.TextField(_("description (kk)"), blank=True)
    description_ru = models.TextField(_("description (ru)"), blank=True)
    description_en = models.TextField(_("description (en)"), blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    is_public = models.BooleanField(_("shown on the public site"), default=True)

    title = translated("title")
    description = translated("description")
    scope_field = "org_unit"

    class Meta:
        ordering = ["org_unit__path", "id"]
        verbose_name = _("public council")
        verbose_name_plural = _("public councils")

    def __str__(self) -> str:
        return str(self.title)


class CouncilMember(TimeStampedModel):
    """A seat on a council for a term. The name is kept on the seat (a citizen need not be in the
    registry); `person` links it when they are. No contacts here: the public page shows seats."""

    council = models.ForeignKey(Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("patronymic"), max_length=100, blank=True)
    kind = models.CharField(_("represents"), max_length=16, choices=MemberKind.choices, default=MemberKind.CITIZEN)
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term to"), null=True, blank=True)
    end_reason = models.CharField(_("reason the term ended"), max_length=500, blank=True)
    # The roles' order (chair first) as a column, so lists sort in the database.
    role_order = models.PositiveSmallIntegerField(default=9, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_field = "council__org_unit"

    class Meta:
        ordering = ["council", "role_order", "last_name", "first_name", "id"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="council_member_term_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    def serves_on(self, day: dt.date) -> bool:
        """Whether the term covers the day (a member whose term has ended cannot vote)."""
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)

    def save(self, *args: object, **kwargs: object) -> None:
        self.role_order = list(MemberRole.values).index(self.role) if self.role in MemberRole.values else 9
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class CouncilSession(TimeStampedModel):
    """A sitting of the council: when, where, the agenda and who was present."""

    council = models.ForeignKey(Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session No."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    attendees = models.ManyToManyField(
        CouncilMember, verbose_name=_("present"), blank=True, related_name="sessions_attended"
    )
    guests = models.PositiveIntegerField(_("guests present"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_field = "council__org_unit"

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="council_session_number_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="council_session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} — №{self.number}"


class Recommendation(TimeStampedModel):
    """What a council asks a state body (or an official) to do, adopted at a session by vote, and
    everything that happened to it afterwards."""

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="recommendations"
    )
    session = models.ForeignKey(
        CouncilSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="recommendations"
    )
    text = models.TextField(_("recommendation"))
    addressee_body = models.ForeignKey(
        StateBody, verbose_name=_("addressee"), on_delete=models.PROTECT, related_name="council_recommendations"
    )
    addressee_official = models.ForeignKey(
        Official,
        verbose_name=_("addressee official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_recommendations",
    )
    response_days = models.PositiveSmallIntegerField(_("term for the response, working days"), default=15)
    status = models.CharField(
        _("status"), max_length=16, choices=RecommendationStatus.choices, default=RecommendationStatus.DRAFT
    )
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstained"), default=0)
    present = models.PositiveSmallIntegerField(_("members present"), default=0)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    response_deadline = models.DateField(_("response due"), null=True, blank=True)
    response_kind = models.CharField(_("response"), max_length=16, choices=ResponseKind.choices, blank=True)
    response_text = models.TextField(_("text of the response"), blank=True)
    response_reasons = models.TextField(_("reasons"), blank=True)
    response_on = models.DateField(_("response received on"), null=True, blank=True)
    implemented = models.BooleanField(_("implemented"), null=True, blank=True)
    implementation_on = models.DateField(_("implementation recorded on"), null=True, blank=True)
    assessment = models.CharField(_("council's assessment"), max_length=16, choices=Assessment.choices, blank=True)
    assessment_note = models.TextField(_("assessment note"), blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    reminder_sent_on = models.DateField(_("reminder sent"), null=True, blank=True, editable=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_field = "council__org_unit"

    class Meta:
        ordering = ["-session__starts_at", "id"]
        verbose_name = _("council recommendation")
        verbose_name_plural = _("council recommendations")
        indexes = [models.Index(fields=["status", "response_deadline"], name="councils_rec_due_idx")]

    def __str__(self) -> str:
        return f"{self.addressee_body}: {self.text[:60]}"

    @property
    def org_unit(self) -> OrgUnit:
        return self.council.org_unit

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return (
            self.status == RecommendationStatus.SENT
            and self.response_deadline is not None
            and self.response_deadline < timezone.localdate()
        )


class Vote(models.Model):
    """One present member's vote on a draft recommendation; one per member, never changed."""

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("recommendation"), on_delete=models.PROTECT, related_name="votes"
    )
    member = models.ForeignKey(CouncilMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("vote"), max_length=8, choices=VoteChoice.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["member__role_order", "member__last_name", "id"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["recommendation", "member"], name="council_vote_once")]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_choice_display()}"


class RecommendationEvent(models.Model):
    """One step of a recommendation's life: from which stage to which, who, when and why."""

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("recommendation"), on_delete=models.PROTECT, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=RecommendationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=RecommendationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("recommendation step")
        verbose_name_plural = _("recommendation steps")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ProgressNote(models.Model):
    """A follow-up note on how the addressee is carrying a recommendation out."""

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("recommendation"), on_delete=models.PROTECT, related_name="progress_notes"
    )
    noted_on = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["noted_on", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.noted_on:%d.%m.%Y}: {self.text[:60]}"
