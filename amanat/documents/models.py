"""Party documents (charter, decisions, programmes) and their versions with kk/ru files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amanat.core.i18n import translated
from amanat.core.models import SoftDeleteModel, TimeStampedModel
from amanat.core.permissions import ScopedQuerySet
from amanat.documents.choices import DocumentKind


class Document(SoftDeleteModel):
    """A document adopted by a branch; its text lives in versions (the newest is the current one)."""

    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("adopted by"), on_delete=models.PROTECT, related_name="documents"
    )
    number = models.CharField(_("number"), max_length=50, blank=True)
    adopted_on = models.DateField(_("date adopted"))
    title_kk = models.CharField(_("title (kk)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (ru)"), max_length=500)
    title_en = models.CharField(_("title (en)"), max_length=500, blank=True)
    summary_kk = models.TextField(_("summary (kk)"), blank=True)
    summary_ru = models.TextField(_("summary (ru)"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    title = translated("title")
    summary = translated("summary")
    scope_field = "org_unit"

    class Meta:
        ordering = ["-adopted_on", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["org_unit", "-adopted_on"], name="doc_unit_adopted"),
            models.Index(fields=["is_public", "-adopted_on"], name="doc_public_adopted"),
        ]

    def __str__(self) -> str:
        number = f"№ {self.number} " if self.number else ""
        return f"{number}{self.title}".strip()


def version_path(instance: DocumentVersion, filename: str) -> str:
    return f"documents/{instance.document_id}/{filename}"


class DocumentVersion(TimeStampedModel):
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    dated_on = models.DateField(_("date of the version"))
    file_kk = models.FileField(_("file (kk)"), upload_to=version_path, blank=True, max_length=300)
    file_ru = models.FileField(_("file (ru)"), upload_to=version_path, blank=True, max_length=300)
    note = models.CharField(_("note"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    objects = models.Manager.from_queryset(ScopedQuerySet)()
    scope_field = "document__org_unit"

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="doc_version_unique")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    @property
    def audit_org_unit(self) -> object:
        return self.document.org_unit
