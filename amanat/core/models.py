"""Base models shared by every app, the calendar override table and the site settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.core.i18n import translated
from amanat.core.permissions import ScopedQuerySet


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class SoftDeleteQuerySet(ScopedQuerySet):
    def alive(self) -> SoftDeleteQuerySet:
        return self.filter(deleted_at__isnull=True)


class AliveManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """The default manager: soft-deleted rows are hidden everywhere but the admin's trash."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(TimeStampedModel):
    """Domain data is never deleted: it is marked deleted, hidden, and the deletion audited."""

    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AliveManager()
    all_objects = models.Manager.from_queryset(SoftDeleteQuerySet)()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    def soft_delete(self, *, actor: Any) -> None:
        self.deleted_at = timezone.now()
        self.deleted_by = actor if getattr(actor, "pk", None) else None
        self.save(update_fields=["deleted_at", "deleted_by", "updated_at"])


class CalendarOverride(models.Model):
    """A day the `holidays` package gets wrong or does not know yet, with its legal basis."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Extra day off")
        WORKING_DAY = "working_day", _("Extra working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    basis_kk = models.CharField(_("legal basis (kk)"), max_length=500, blank=True)
    basis_ru = models.CharField(_("legal basis (ru)"), max_length=500)
    basis_en = models.CharField(_("legal basis (en)"), max_length=500, blank=True)
    basis = translated("basis")

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class SiteSettings(models.Model):
    """The party's name, logo and the branch's public details: settings, not code.

    The party was renamed in 2022 and may be again; nothing in templates names it.
    """

    party_name_kk = models.CharField(_("party name (kk)"), max_length=200, default="AMANAT")
    party_name_ru = models.CharField(_("party name (ru)"), max_length=200, default="AMANAT")
    party_name_en = models.CharField(_("party name (en)"), max_length=200, default="AMANAT")
    branch_name_kk = models.CharField(
        _("branch name (kk)"), max_length=300, default="AMANAT партиясының Атырау облыстық филиалы"
    )
    branch_name_ru = models.CharField(
        _("branch name (ru)"), max_length=300, default="Атырауский областной филиал партии AMANAT"
    )
    branch_name_en = models.CharField(
        _("branch name (en)"), max_length=300, default="Atyrau Regional Branch of the AMANAT Party"
    )
    logo = models.FileField(_("logo"), upload_to="site/", blank=True)
    address_kk = models.CharField(_("address (kk)"), max_length=300, blank=True)
    address_ru = models.CharField(_("address (ru)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (en)"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    about_kk = models.TextField(_("about (kk)"), blank=True)
    about_ru = models.TextField(_("about (ru)"), blank=True)
    about_en = models.TextField(_("about (en)"), blank=True)

    party_name = translated("party_name")
    branch_name = translated("branch_name")
    address = translated("address")
    about = translated("about")

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(self.branch_name)

    def save(self, *args: Any, **kwargs: Any) -> None:
        from django.core.cache import cache

        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete("amanat:site-settings")

    @classmethod
    def load(cls) -> SiteSettings:
        from django.core.cache import cache

        cached = cache.get("amanat:site-settings")
        if cached is not None:
            return cached
        obj, _created = cls.objects.get_or_create(pk=1)
        cache.set("amanat:site-settings", obj, 300)
        return obj
