"""Reads of the documents module."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from amanat.documents.models import Document, DocumentVersion
from amanat.documents.permissions import DocumentAction


def documents_for(user: Any) -> QuerySet[Document]:
    """Documents of the branches the user may see."""
    return Document.objects.visible_to(user, DocumentAction.VIEW).select_related("org_unit")


def public_documents() -> QuerySet[Document]:
    """Documents published on the public site (no personal data is shown with them)."""
    return Document.objects.filter(is_public=True).select_related("org_unit")


def with_versions(queryset: QuerySet[Document]) -> QuerySet[Document]:
    return queryset.prefetch_related(Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number")))


def current_version(document: Document) -> DocumentVersion | None:
    versions = list(document.versions.all())
    return versions[0] if versions else None
