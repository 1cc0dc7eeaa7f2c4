"""Public reception offices, the hours deputies hold there, and citizens' bookings of slots."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import BookingStatus
from amanat.core.i18n import translated
from amanat.core.models import TimeStampedModel
from amanat.core.permissions import ScopedQuerySet
from amanat.org.models import OrgUnit, Territory


class Reception(TimeStampedModel):
    """A public reception office at a branch or a large primary organisation."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="receptions")
    name_kk = models.CharField(_("name (kk)"), max_length=200)
    name_ru = models.CharField(_("name (ru)"), max_length=200)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address_kk = models.CharField(_("address (kk)"), max_length=300)
    address_ru = models.CharField(_("address (ru)"), max_length=300)
    hours_kk = models.CharField(_("opening hours (kk)"), max_length=200, blank=True)
    hours_ru = models.CharField(_("opening hours (ru)"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True, related_name="+")
    is_active = models.BooleanField(_("open"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    name = translated("name")
    address = translated("address")
    hours = translated("hours")

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("public reception")
        verbose_name_plural = _("public receptions")

    def __str__(self) -> str:
        return str(self.name)


class ReceptionHours(TimeStampedModel):
    """A standing weekly schedule: a host (deputy or staff) receives on a weekday, split into slots."""

    reception = models.ForeignKey(
        Reception, verbose_name=_("reception"), on_delete=models.CASCADE, related_name="hours_set"
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("receives"), on_delete=models.PROTECT, related_name="reception_hours"
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per visitor"), default=20)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "reception__org_unit"

    class Meta:
        ordering = ["reception", "weekday", "start_time"]
        verbose_name = _("reception hours")
        verbose_name_plural = _("reception hours")

    def __str__(self) -> str:
        return f"{self.host} · {self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})
        if self.slot_minutes and not 5 <= self.slot_minutes <= 240:
            raise ValidationError({"slot_minutes": _("A slot lasts from 5 to 240 minutes.")})
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date must not be before the start date.")})


class ReceptionSlot(models.Model):
    """One bookable time with one host. Generated from `ReceptionHours`, or added by hand."""

    reception = models.ForeignKey(Reception, on_delete=models.CASCADE, related_name="slots")
    hours = models.ForeignKey(ReceptionHours, null=True, blank=True, on_delete=models.SET_NULL, related_name="slots")
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reception_slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_field = "reception__org_unit"

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["host", "starts_at"], name="slot_one_per_host_time"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
        ]
        indexes = [models.Index(fields=["reception", "starts_at"], name="slot_reception_time_idx")]

    def __str__(self) -> str:
        return f"{self.host} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class Booking(models.Model):
    """A citizen's booking of a slot. The database allows one live booking per slot."""

    slot = models.ForeignKey(ReceptionSlot, verbose_name=_("time"), on_delete=models.PROTECT, related_name="bookings")
    code = models.CharField(_("confirmation code"), max_length=12, unique=True)
    name = models.CharField(_("full name"), max_length=255)
    phone = models.CharField(_("phone"), max_length=16)
    email = models.EmailField(_("e-mail"), blank=True)
    topic = models.CharField(_("what about"), max_length=500)
    status = models.CharField(_("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    consent_at = models.DateTimeField(_("consent given"))
    created_at = models.DateTimeField(auto_now_add=True)
    appeal = models.ForeignKey(
        "appeals.Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "slot__reception__org_unit"

    class Meta:
        ordering = ["slot__starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=~Q(status=BookingStatus.CANCELLED), name="booking_one_live_per_slot"
            )
        ]

    def __str__(self) -> str:
        return self.code
