"""Writes of the documents module: add and edit a document, add a version, remove a document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from amanat.audit import services as audit
from amanat.core.permissions import require
from amanat.core.uploads import check_upload
from amanat.documents.choices import DocumentKind
from amanat.documents.models import Document, DocumentVersion
from amanat.documents.permissions import DocumentAction

MAX_FILE = 20 * 2**20
DOCX_MAGIC = b"PK\x03\x04"
FIELDS = ("kind", "org_unit", "number", "adopted_on", "title_kk", "title_ru", "title_en", "summary_kk", "summary_ru",
          "is_public")  # fmt: skip


def check_document_file(upload: UploadedFile) -> None:
    """A PDF (checked like every upload) or a DOCX (a zip that says so in its name)."""
    name = (upload.name or "").lower()
    if name.endswith(".docx"):
        if upload.size is not None and upload.size > MAX_FILE:
            raise ValidationError(
                _("The file “%(name)s” is too large: at most %(mb)s MB.")
                % {"name": upload.name, "mb": MAX_FILE // 2**20}
            )
        upload.seek(0)
        head = upload.read(4)
        upload.seek(0)
        if head == DOCX_MAGIC:
            return
        raise ValidationError(
            _("The file “%(name)s” is not accepted: attach PDF or DOCX documents.") % {"name": upload.name}
        )
    try:
        content_type = check_upload(upload, limit=MAX_FILE)
    except ValidationError:
        raise ValidationError(
            _("The file “%(name)s” is not accepted: attach PDF or DOCX documents.") % {"name": upload.name}
        ) from None
    if content_type != "application/pdf":
        raise ValidationError(
            _("The file “%(name)s” is not accepted: attach PDF or DOCX documents.") % {"name": upload.name}
        )


def _check(values: dict[str, Any]) -> None:
    errors: dict[str, Any] = {}
    if not (values.get("title_ru") or "").strip() and not (values.get("title_kk") or "").strip():
        errors["title_ru"] = _("Give the title in Russian or Kazakh.")
    if values.get("kind") not in DocumentKind.values:
        errors["kind"] = _("Choose the kind of document.")
    if values.get("adopted_on") is None:
        errors["adopted_on"] = _("Give the date it was adopted.")
    if values.get("org_unit") is None:
        errors["org_unit"] = _("Choose the branch that adopted it.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def document_create(
    *,
    actor: Any,
    kind: str,
    org_unit: Any,
    adopted_on: dt.date,
    title_ru: str,
    title_kk: str = "",
    title_en: str = "",
    number: str = "",
    summary_kk: str = "",
    summary_ru: str = "",
    is_public: bool = False,
) -> Document:
    """Record a document adopted by a branch (needs documents.manage on that branch)."""
    values = {"kind": kind, "org_unit": org_unit, "adopted_on": adopted_on, "title_ru": title_ru,
              "title_kk": title_kk, "title_en": title_en, "number": number, "summary_kk": summary_kk,
              "summary_ru": summary_ru, "is_public": bool(is_public)}  # fmt: skip
    _check(values)
    require(actor, DocumentAction.MANAGE, org_unit)
    title_ru = title_ru or title_kk
    values["title_ru"] = title_ru
    same = Document.objects.select_for_update().filter(
        kind=kind, org_unit=org_unit, number=number, adopted_on=adopted_on, title_ru=title_ru
    )
    if existing := same.first():
        return existing  # the same document again (a second click): it is recorded already
    document = Document.objects.create(**values, created_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, verb="documents.created", target=document)
    return document


@transaction.atomic
def document_update(*, actor: Any, document: Document, **changes: Any) -> Document:
    """Change a document's details; moving it to another branch needs the right there too."""
    require(actor, DocumentAction.MANAGE, document.org_unit)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    before = audit.snapshot(document, FIELDS)
    values = {name: getattr(document, name) for name in FIELDS} | changes
    _check(values)
    if values["org_unit"] != document.org_unit:
        require(actor, DocumentAction.MANAGE, values["org_unit"])
    for name, value in changes.items():
        setattr(document, name, value)
    document.save()
    audit.record(
        actor=actor,
        verb="documents.updated",
        target=document,
        changes=audit.diff(before, audit.snapshot(document, FIELDS)),
    )
    return document


@transaction.atomic
def version_add(
    *,
    actor: Any,
    document: Document,
    dated_on: dt.date,
    file_kk: UploadedFile | None = None,
    file_ru: UploadedFile | None = None,
    note: str = "",
) -> DocumentVersion:
    """Add the next version of a document (the newest becomes the current one, earlier ones stay)."""
    require(actor, DocumentAction.MANAGE, document.org_unit)
    errors: dict[str, Any] = {}
    if dated_on is None:
        errors["dated_on"] = _("Give the date of the version.")
    if not file_kk and not file_ru:
        errors["file_ru"] = _("Attach the text in Kazakh or Russian.")
    for name, upload in (("file_kk", file_kk), ("file_ru", file_ru)):
        if upload:
            try:
                check_document_file(upload)
            except ValidationError as exc:
                errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    Document.objects.select_for_update().filter(pk=document.pk).first()
    newest = document.versions.order_by("-number").first()
    if newest is not None and _same_version(newest, dated_on=dated_on, note=note, files=(file_kk, file_ru)):
        return newest  # the same version again (a second click): it is recorded already
    last = newest.number if newest else 0
    version = DocumentVersion(document=document, number=last + 1, dated_on=dated_on, note=note or "",
                              added_by=actor if getattr(actor, "pk", None) else None)  # fmt: skip
    if file_kk:
        version.file_kk.save(file_kk.name, file_kk, save=False)
    if file_ru:
        version.file_ru.save(file_ru.name, file_ru, save=False)
    version.save()
    audit.record(actor=actor, verb="documents.version_added", target=document, data={"version": version.number})
    return version


def _same_version(version: DocumentVersion, *, dated_on: dt.date, note: str, files: tuple[Any, Any]) -> bool:
    """Whether the upload repeats the newest version: same date, note and file sizes."""
    if (version.dated_on, version.note) != (dated_on, note or ""):
        return False
    stored = (version.file_kk, version.file_ru)
    return all(
        (not upload and not kept) or (upload and kept and upload.size == kept.size)
        for upload, kept in zip(files, stored, strict=True)
    )


@transaction.atomic
def document_delete(*, actor: Any, document: Document) -> None:
    """Hide a document (kept, soft-deleted, audited)."""
    require(actor, DocumentAction.MANAGE, document.org_unit)
    document.soft_delete(actor=actor)
    audit.record(actor=actor, verb="documents.deleted", target=document)
