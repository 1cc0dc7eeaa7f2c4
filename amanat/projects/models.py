"""Party projects as data: a project with its indicators (KPIs) and taking-part units, its events
with shifts, the volunteers signed up for a shift, and each event's results.

Invariants live here as constraints (an event or a shift ends after it starts, a shift holds at
least one place and never more sign-ups than places, a result is never negative, one live
sign-up per phone / e-mail / user on a shift); the workflows are in `services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from amanat.core.i18n import translated
from amanat.core.models import SoftDeleteModel, TimeStampedModel
from amanat.core.permissions import ScopedQuerySet
from amanat.org.models import OrgUnit, Territory
from amanat.projects.choices import AgeGroup, EventKind, SignUpStatus

VALUE = {"max_digits": 14, "decimal_places": 2}
LIVE = ~Q(status=SignUpStatus.CANCELLED)  # a sign-up that still holds its place


class Project(SoftDeleteModel):
    """A party project such as «Таза like» or «Құқықтық көмек», run by a branch with other units."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    title_kk = models.CharField(_("title (kk)"), max_length=300)
    title_ru = models.CharField(_("title (ru)"), max_length=300)
    title_en = models.CharField(_("title (en)"), max_length=300, blank=True)
    description_kk = models.TextField(_("description (kk)"), blank=True)
    description_ru = models.TextField(_("description (ru)"), blank=True)
    description_en = models.TextField(_("description (en)"), blank=True)
    goals_kk = models.TextField(_("goals (kk)"), blank=True)
    goals_ru = models.TextField(_("goals (ru)"), blank=True)
    goals_en = models.TextField(_("goals (en)"), blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("leading branch"), on_delete=models.PROTECT, related_name="projects"
    )
    units = models.ManyToManyField(
        OrgUnit, verbose_name=_("units taking part"), blank=True, related_name="projects_joined"
    )
    is_public = models.BooleanField(_("shown on the public site"), default=False)

    title = translated("title")
    description = translated("description")
    goals = translated("goals")
    scope_field = "org_unit"

    class Meta:
        ordering = ["title_ru", "pk"]
        verbose_name = _("party project")
        verbose_name_plural = _("party projects")

    def __str__(self) -> str:
        return str(self.title)


class ProjectKPI(TimeStampedModel):
    """What a project measures: tonnes of rubbish, people helped, trees planted — with a yearly target."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="kpis")
    name_kk = models.CharField(_("name (kk)"), max_length=200)
    name_ru = models.CharField(_("name (ru)"), max_length=200)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    measure_kk = models.CharField(_("unit of measure (kk)"), max_length=40)
    measure_ru = models.CharField(_("unit of measure (ru)"), max_length=40)
    measure_en = models.CharField(_("unit of measure (en)"), max_length=40, blank=True)
    yearly_target = models.DecimalField(_("target for a year"), null=True, blank=True, **VALUE)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    name = translated("name")
    measure = translated("measure")
    objects = ScopedQuerySet.as_manager()
    scope_field = "project__org_unit"

    class Meta:
        ordering = ["project", "position", "pk"]
        verbose_name = _("project indicator")
        verbose_name_plural = _("project indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(yearly_target__isnull=True) | Q(yearly_target__gte=0), name="projectkpi_target_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.measure}"

    @property
    def audit_org_unit(self) -> OrgUnit:
        return self.project.org_unit


class Event(SoftDeleteModel):
    """One event of a project held by a unit: a clean-up, a consultation day, a charity action."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="events")
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="project_events"
    )
    title_kk = models.CharField(_("title (kk)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (ru)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (en)"), max_length=300, blank=True)
    description_kk = models.TextField(_("description (kk)"), blank=True)
    description_ru = models.TextField(_("description (ru)"), blank=True)
    description_en = models.TextField(_("description (en)"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices, default=EventKind.ACTION)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    territory = models.ForeignKey(
        Territory, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    title = translated("title")
    description = translated("description")
    scope_field = "org_unit"

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start")]
        indexes = [
            models.Index(fields=["project", "starts_at"], name="projects_event_proj_start_idx"),
            models.Index(fields=["org_unit", "starts_at"], name="projects_event_unit_start_idx"),
        ]

    def __str__(self) -> str:
        return str(self.title)


class Shift(TimeStampedModel):
    """A time slot of an event with a number of places for volunteers."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    # Places held by live sign-ups; raised only by a conditional UPDATE (taken < capacity), so
    # the database itself refuses an over-full shift even if two requests race past the lock.
    taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    note = models.CharField(_("what to do, what to bring"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "event__org_unit"

    class Meta:
        ordering = ["event", "starts_at", "pk"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="shift_has_places"),
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="shift_not_over_full"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.starts_at:%d.%m.%Y %H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def audit_org_unit(self) -> OrgUnit:
        return self.event.org_unit


class SignUp(TimeStampedModel):
    """A volunteer on a shift: a member with an account, or anyone from the public site."""

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_signups",
    )
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    age_group = models.CharField(_("age group"), max_length=16, choices=AgeGroup.choices, blank=True)
    is_member = models.BooleanField(_("party member"), default=False)
    consent_at = models.DateTimeField(_("consent to personal data processing given"))
    status = models.CharField(_("status"), max_length=16, choices=SignUpStatus.choices, default=SignUpStatus.SIGNED_UP)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    cancel_token = models.CharField(max_length=43, unique=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_field = "shift__event__org_unit"

    class Meta:
        ordering = ["shift", "created_at", "pk"]
        verbose_name = _("volunteer sign-up")
        verbose_name_plural = _("volunteer sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "phone"], condition=LIVE & ~Q(phone=""), name="signup_one_per_phone"
            ),
            models.UniqueConstraint(
                fields=["shift", "email"], condition=LIVE & ~Q(email=""), name="signup_one_per_email"
            ),
            models.UniqueConstraint(
                fields=["shift", "user"], condition=LIVE & Q(user__isnull=False), name="signup_one_per_user"
            ),
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="signup_has_contact"),
            models.CheckConstraint(condition=Q(hours__isnull=True) | Q(hours__gt=0), name="signup_hours_positive"),
        ]
        indexes = [models.Index(fields=["shift", "status"], name="projects_signup_shift_st_idx")]

    def __str__(self) -> str:
        return f"{self.name} — {self.shift}"

    @property
    def audit_org_unit(self) -> OrgUnit:
        return self.shift.event.org_unit


class SignUpTransition(models.Model):
    """Who moved a sign-up from one status to another, when and why (append-only)."""

    signup = models.ForeignKey(SignUp, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=SignUpStatus.choices)
    to_status = models.CharField(max_length=16, choices=SignUpStatus.choices)
    hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["signup", "at", "pk"]
        verbose_name = _("sign-up status change")
        verbose_name_plural = _("sign-up status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class EventResult(TimeStampedModel):
    """What an event achieved on one of its project's indicators (e.g. 2.5 tonnes collected)."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="results")
    kpi = models.ForeignKey(ProjectKPI, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="results")
    value = models.DecimalField(_("value"), **VALUE)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "event__org_unit"

    class Meta:
        ordering = ["event", "kpi__position", "pk"]
        verbose_name = _("event result")
        verbose_name_plural = _("event results")
        constraints = [
            models.UniqueConstraint(fields=["event", "kpi"], name="eventresult_one_per_kpi"),
            models.CheckConstraint(condition=Q(value__gte=0), name="eventresult_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value}"

    @property
    def audit_org_unit(self) -> OrgUnit:
        return self.event.org_unit
