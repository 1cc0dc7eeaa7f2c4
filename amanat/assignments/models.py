"""Assignments (поручения) fanned out to many recipients, one execution record per recipient.

The source of an assignment (a document's decision, a meeting's decision, a council session) is a
generic link, so that no app depends on another's migrations.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.assignments.choices import OPEN, AssignmentStatus, ControlLevel, ExecutionStatus, ExtensionStatus
from amanat.core.models import SoftDeleteModel, TimeStampedModel
from amanat.core.permissions import ScopedQuerySet

USER = settings.AUTH_USER_MODEL


class Assignment(TimeStampedModel):
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("issued by branch"), on_delete=models.PROTECT, related_name="assignments"
    )
    issued_by = models.ForeignKey(USER, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+")
    issuer_post = models.CharField(_("issuer's post"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500)
    text_kk = models.TextField(_("text (kk)"), blank=True)
    text_ru = models.TextField(_("text (ru)"), blank=True)
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("deadline"))
    control_level = models.CharField(
        _("control level"), max_length=16, choices=ControlLevel.choices, default=ControlLevel.REGULAR
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ON_CONTROL
    )
    removed_at = models.DateTimeField(_("removed from control"), null=True, blank=True)
    removed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("source kind"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("source"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    recipients_total = models.PositiveIntegerField(_("recipients"), default=0)

    objects = models.Manager.from_queryset(ScopedQuerySet)()
    scope_field = "org_unit"

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["-issued_on", "-id"], name="asg_issued"),
            models.Index(fields=["org_unit", "-issued_on", "-id"], name="asg_unit_issued"),
            models.Index(fields=["source_type", "source_id"], name="asg_source"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def text(self) -> str:
        from amanat.core.i18n import pick

        return pick(self, "text")

    @property
    def on_control(self) -> bool:
        return self.status == AssignmentStatus.ON_CONTROL


class Execution(TimeStampedModel):
    """One recipient's part of an assignment: a unit (its secretary reports) or a named person."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="executions"
    )
    recipient_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("recipient unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="assignment_executions",
    )  # fmt: skip
    recipient_user = models.ForeignKey(
        USER, verbose_name=_("recipient"), null=True, blank=True, on_delete=models.PROTECT, related_name="executions"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ExecutionStatus.choices, default=ExecutionStatus.ISSUED
    )
    deadline = models.DateField(_("deadline"))
    report_text = models.TextField(_("report"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    reported_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    return_reason = models.TextField(_("reason for return"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    reminder_sent_on = models.DateField(null=True, blank=True, editable=False)

    objects = models.Manager.from_queryset(ScopedQuerySet)()
    scope_field = "assignment__org_unit"

    class Meta:
        ordering = ["assignment", "id"]
        verbose_name = _("execution")
        verbose_name_plural = _("executions")
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_unit__isnull=False, recipient_user__isnull=True)
                | Q(recipient_unit__isnull=True, recipient_user__isnull=False),
                name="exec_one_recipient",
            ),
            models.UniqueConstraint(fields=["assignment", "recipient_unit"], name="exec_unique_unit"),
            models.UniqueConstraint(fields=["assignment", "recipient_user"], name="exec_unique_user"),
        ]
        indexes = [
            models.Index(fields=["assignment", "status", "deadline"], name="exec_asg_status"),
            models.Index(fields=["recipient_unit", "status", "deadline"], name="exec_unit_status"),
            models.Index(fields=["recipient_user", "status", "deadline"], name="exec_user_status"),
            models.Index(fields=["status", "deadline"], name="exec_status_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.recipient}"

    @property
    def recipient(self) -> object:
        return self.recipient_unit if self.recipient_unit_id else self.recipient_user

    @property
    def audit_org_unit(self) -> object:
        return self.assignment.org_unit

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_late(self) -> bool:
        """Past its deadline and not done yet, or reported after the deadline."""
        if self.status in OPEN:
            return self.deadline < timezone.localdate()
        return bool(self.reported_on and self.reported_on > self.deadline)

    def days_late(self, today: dt.date | None = None) -> int:
        from amanat.core.calendar import working_days_between

        end = self.reported_on if self.status not in OPEN and self.reported_on else (today or timezone.localdate())
        return max(working_days_between(self.deadline, end), 0)


class ExecutionEvent(models.Model):
    """A step of an execution's workflow: who, when, why (append-only)."""

    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField(_("step"), max_length=32)
    from_status = models.CharField(max_length=16, blank=True, choices=ExecutionStatus.choices)
    to_status = models.CharField(max_length=16, blank=True, choices=ExecutionStatus.choices)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["execution", "at", "id"]
        verbose_name = _("execution step")
        verbose_name_plural = _("execution steps")

    def __str__(self) -> str:
        return f"{self.transition} {self.at:%Y-%m-%d}"


def report_file_path(instance: ExecutionFile, filename: str) -> str:
    return f"assignments/{instance.execution_id}/{filename}"


class ExecutionFile(SoftDeleteModel):
    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to=report_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["execution", "id"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")

    def __str__(self) -> str:
        return self.original_name


class ExtensionRequest(TimeStampedModel):
    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="extensions")
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    old_deadline = models.DateField(_("deadline before"))
    new_deadline = models.DateField(_("new deadline asked for"))
    status = models.CharField(
        _("status"), max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = models.Manager.from_queryset(ScopedQuerySet)()
    scope_field = "execution__assignment__org_unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["execution"], condition=Q(status="pending"), name="ext_one_pending_per_execution"
            )
        ]
        indexes = [models.Index(fields=["status", "execution"], name="ext_status")]

    def __str__(self) -> str:
        return f"{self.execution} → {self.new_deadline}"
