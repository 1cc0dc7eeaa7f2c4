"""Meetings: their participants and invitations, agenda, decisions, files, raised issues (each an
appeal) and the secret calendar-feed links.

A meeting carries `org_unit` (scope: a role on a unit covers its subtree). Everything that hangs
off a meeting is scoped through it (`scope_field = "meeting__org_unit"`).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.core.i18n import translated
from amanat.core.models import SoftDeleteModel, TimeStampedModel
from amanat.core.permissions import ScopedQuerySet
from amanat.meetings.choices import MeetingKind, MeetingStatus, ParticipantRole, ProtocolLanguage, Response

USER = settings.AUTH_USER_MODEL


class Meeting(SoftDeleteModel):
    scope_field = "org_unit"

    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=MeetingKind.choices)
    title_kk = models.CharField(_("title (kk)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (ru)"), max_length=300, blank=True)
    title = translated("title")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # The day it starts on in the platform's zone (Asia/Atyrau): the calendar groups and counts
    # by it in the database. Kept by `save` (and by whoever writes in bulk).
    local_date = models.DateField(_("date"), editable=False)
    territory = models.ForeignKey(
        "org.Territory", verbose_name=_("territory"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_public = models.BooleanField(_("announce on the public site"), default=False)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    attendance_count = models.PositiveIntegerField(_("people present"), null=True, blank=True)
    protocol_number = models.CharField(_("protocol No."), max_length=50, blank=True)
    protocol_language = models.CharField(
        _("protocol language"), max_length=2, choices=ProtocolLanguage.choices, default=ProtocolLanguage.KK
    )
    protocol_notes = models.TextField(_("protocol: course of the meeting"), blank=True)
    chaired_by = models.CharField(_("chaired by"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["org_unit", "local_date", "starts_at"], name="meet_unit_day"),
            models.Index(fields=["local_date", "starts_at"], name="meet_day_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meet_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.local_date = local_date_of(self.starts_at)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "starts_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "local_date"}
        super().save(*args, **kwargs)


def local_date_of(moment: Any) -> Any:
    """The calendar day of an aware moment in the platform's zone."""
    return timezone.localtime(moment).date()


class MeetingTransitionLog(models.Model):
    """Who moved the meeting from which status to which, when and why."""

    scope_field = "meeting__org_unit"
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="transitions")
    transition = models.CharField(_("transition"), max_length=16)
    from_status = models.CharField(_("from"), max_length=16, choices=MeetingStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=MeetingStatus.choices)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("reason"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class Participant(SoftDeleteModel):
    """A person at (or invited to) a meeting: a user, a person of the registry, or just a name.
    One added by mistake is removed: kept, hidden, audited."""

    scope_field = "meeting__org_unit"
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("role"), max_length=16, choices=ParticipantRole.choices, default=ParticipantRole.GUEST)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_invitations")
    person = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200, blank=True)
    note = models.CharField(_("position or note"), max_length=200, blank=True)
    response = models.CharField(_("invitation"), max_length=16, choices=Response.choices, blank=True, default="")
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    attended = models.BooleanField(_("present"), null=True, blank=True)

    class Meta:
        ordering = ["role", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False, deleted_at__isnull=True),
                name="meet_part_user",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.user_id:
            return self.user.full_name or self.user.email
        if self.person_id:
            return str(self.person)
        return ""


class AgendaItem(TimeStampedModel):
    scope_field = "meeting__org_unit"
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField(_("No."), default=1)
    text = models.TextField(_("agenda item"))
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]


class Decision(TimeStampedModel):
    """A decision of the meeting; it may give rise to assignments (their `source`)."""

    scope_field = "meeting__org_unit"
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveIntegerField(_("No."), default=1)
    text = models.TextField(_("decision"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("decision of a meeting")
        verbose_name_plural = _("decisions of meetings")

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:80]}"

    @property
    def org_unit(self) -> Any:
        """The unit other modules read from a source object (an assignment's decision)."""
        return self.meeting.org_unit


class MeetingFile(SoftDeleteModel):
    scope_field = "meeting__org_unit"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="meetings/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]


class RaisedIssue(TimeStampedModel):
    """An issue a person raised at a field meeting; registered at once as an appeal."""

    scope_field = "meeting__org_unit"
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="issues")
    appeal = models.OneToOneField("appeals.Appeal", on_delete=models.PROTECT, related_name="raised_at")
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("raised issue")
        verbose_name_plural = _("raised issues")


def _token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(TimeStampedModel):
    """A secret link a calendar app subscribes to: one user's view of one unit's meetings.

    The feed is read with the owner's current rights: a revoked grant empties it.
    """

    scope_field = "org_unit"
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="meeting_feeds")
    org_unit = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "org_unit"], condition=Q(revoked_at__isnull=True), name="meet_feed_one_live"
            ),
        ]
