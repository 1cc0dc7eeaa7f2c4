"""An appeal, its history and what hangs on it.

The status, deadline and escalation level on `Appeal` are kept for lists and filters; the
history (`AppealEvent`) is the truth they are derived from (`services.deadlines.compute`).
Applicants' data lives here and only here: it is never joined with the member register.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import (
    OPEN_LIST,
    OPEN_STATUSES,
    AlertKind,
    AnswerChannel,
    AppealStatus,
    AppealType,
    AttachmentKind,
    Channel,
    DismissalGround,
    Language,
    LinkKind,
    Solved,
)
from amanat.appeals.models.routing import Category
from amanat.core import crypto
from amanat.core.iin import mask
from amanat.core.permissions import ScopedQuerySet
from amanat.org.models import OrgUnit, StateBody, Territory

TEXT_MAX_LENGTH = 20_000


class AppealCounter(models.Model):
    """The last registration number given per prefix and year; numbers are never reused."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="appeal_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Appeal(models.Model):
    number = models.CharField(_("registration No."), max_length=32, unique=True)
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    pin_hash = models.CharField(max_length=64, editable=False)

    appeal_type = models.CharField(_("type"), max_length=16, choices=AppealType.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    language = models.CharField(_("language of the appeal"), max_length=2, choices=Language.choices, default="ru")
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    # No single-column indexes on the foreign keys the Meta indexes begin with (category, territory,
    # org_unit, executor) nor on status: those serve the same lookups, and every index is written on
    # each registration (migration 0006 explains the plans it spoilt).
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        db_index=False,
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_collective = models.BooleanField(_("collective"), default=False)
    signatories = models.PositiveIntegerField(
        _("signatories"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    reports_threat = models.BooleanField(_("reports a crime or a threat to public safety"), default=False)

    # The applicant (restricted-access data: shown only with appeals.view_applicant).
    applicant_name = models.CharField(_("applicant"), max_length=255, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=16, blank=True, db_index=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("applicant's address"), max_length=300, blank=True)
    applicant_iin_encrypted = models.TextField(blank=True, editable=False)
    applicant_iin_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    applicant_iin_tail = models.CharField(max_length=4, blank=True, editable=False)
    answer_channel = models.CharField(
        _("answer by"), max_length=16, choices=AnswerChannel.choices, default=AnswerChannel.EMAIL
    )
    consent_at = models.DateTimeField(_("consent to personal-data processing given"), null=True, blank=True)

    # Routing and work.
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="appeals", db_index=False
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_to_execute",
        db_index=False,
    )
    state_body = models.ForeignKey(
        StateBody, verbose_name=_("state body"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    forward_number = models.CharField(_("outgoing No."), max_length=64, blank=True)
    forward_date = models.DateField(_("forwarded on"), null=True, blank=True)
    body_answer_date = models.DateField(_("state body answered on"), null=True, blank=True)
    body_answer_number = models.CharField(_("state body's answer No."), max_length=64, blank=True)
    hearing_held = models.BooleanField(_("the applicant was heard"), default=False)
    dismissal_ground = models.CharField(_("ground"), max_length=16, choices=DismissalGround.choices, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.REGISTERED)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    registered_on = models.DateField(_("registered on"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("finished"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    needs_review = models.BooleanField(_("needs control review"), default=False)
    answered_on_time = models.BooleanField(null=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("split from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = [
            # The inbox: a unit's appeals newest first, by status, by deadline.
            models.Index(fields=["org_unit", "-received_at", "-id"], name="appeal_unit_recent_idx"),
            models.Index(fields=["org_unit", "status", "-received_at"], name="appeal_unit_status_idx"),
            models.Index(fields=["executor", "status", "deadline"], name="appeal_executor_idx"),
            models.Index(fields=["-received_at", "-id"], name="appeal_recent_idx"),
            models.Index(fields=["deadline", "status"], name="appeal_deadline_idx"),
            models.Index(fields=["category", "-received_at"], name="appeal_category_idx"),
            models.Index(fields=["territory", "-received_at"], name="appeal_territory_idx"),
            # "Overdue" and "due within N days" read open appeals only: a small partial index
            # instead of walking a million answered ones newest first.
            models.Index(
                fields=["org_unit", "deadline"],
                condition=Q(status__in=OPEN_LIST),
                name="appeal_open_deadline_idx",
            ),
            models.Index(fields=["org_unit", "category", "-received_at"], name="appeal_unit_category_idx"),
            # Voters' mandates (the programme's mandates page) are few among a million appeals.
            models.Index(
                fields=["org_unit", "-received_at"],
                condition=Q(appeal_type="mandate"),
                name="appeal_mandate_idx",
            ),
            # "Overdue" and "due soon" lists, most urgent first, across units.
            models.Index(
                fields=["deadline", "id"],
                condition=Q(status__in=OPEN_LIST),
                name="appeal_open_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(signatories__gte=1), name="appeal_signatories_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def iin_masked(self) -> str:
        return mask(self.applicant_iin_tail) if self.applicant_iin_tail else ""

    def set_iin(self, iin: str) -> None:
        if iin:
            self.applicant_iin_encrypted = crypto.encrypt(iin)
            self.applicant_iin_hash = crypto.keyed_hash(iin)
            self.applicant_iin_tail = iin[-4:]
        else:
            self.applicant_iin_encrypted = self.applicant_iin_hash = self.applicant_iin_tail = ""

    def reveal_iin(self) -> str:
        return crypto.decrypt(self.applicant_iin_encrypted) if self.applicant_iin_encrypted else ""


class AppealEvent(models.Model):
    """One step in an appeal's life: a transition, an assignment, a reminder, a note…"""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["appeal", "at"], name="appeal_event_idx")]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance: AppealAttachment, filename: str) -> str:
    # A random folder: the stored name says nothing about the applicant.
    import uuid

    return f"appeals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{filename[-80:]}"


class AppealAttachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.APPLICANT)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class AppealAnswer(models.Model):
    """The answer sent to the applicant (one per answering round: a reopened appeal gets another)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="answers")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    text = models.TextField(_("answer"), max_length=TEXT_MAX_LENGTH)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_positive = models.BooleanField(_("resolved in the applicant's favour"), null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.appeal} · {self.created_at:%Y-%m-%d}"


class AppealFeedback(models.Model):
    """The applicant's verdict on one answer: once per answer."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="feedback")
    answer = models.OneToOneField(AppealAnswer, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    solved = models.CharField(_("was it solved?"), max_length=8, choices=Solved.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_conclusion = models.TextField(_("conclusion of the review"), blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.rating}/5"


class AppealLink(models.Model):
    """Two appeals known to be about the same thing (a repeat, a duplicate, related)."""

    from_appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="links_out")
    to_appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("link"), max_length=16, choices=LinkKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_appeal", "to_appeal"], name="appeal_link_unique"),
            models.CheckConstraint(condition=~Q(from_appeal=models.F("to_appeal")), name="appeal_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.from_appeal_id} → {self.to_appeal_id} ({self.kind})"


class AppealAlert(models.Model):
    """A reminder or escalation step already taken for a given deadline: never sent twice."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    deadline = models.DateField()
    step = models.SmallIntegerField()  # days before (reminder) or escalation level 1..3
    at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "kind", "deadline", "step"], name="appeal_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind} {self.step}"
