"""Staff pages of party documents under /manage/documents/ and public pages under /documents/.

The detail page shows the versions (the newest is current), the kk/ru files, and the assignments
the document created with how they went (recipients done / total, overdue).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from amanat.core.forms import submitted
from amanat.core.lists import ScopedListView
from amanat.core.permissions import get_visible_or_404, has_action, need
from amanat.documents import selectors
from amanat.documents.filtersets import DocumentFilterSet, PublicDocumentFilterSet
from amanat.documents.forms import DocumentForm, VersionForm
from amanat.documents.models import Document, DocumentVersion
from amanat.documents.permissions import DocumentAction
from amanat.documents.services import documents as services

VIEW, MANAGE = DocumentAction.VIEW, DocumentAction.MANAGE


def _form_page(request: HttpRequest, form: forms.Form, title: str, cancel: str) -> HttpResponse:
    return render(request, "assignments/form.html", {"form": form, "title": title, "cancel_url": cancel})


class DocumentListView(ScopedListView):
    model = Document
    action = VIEW
    filterset_class = DocumentFilterSet
    template_name = "documents/list.html"
    export_filename = "documents"
    context_object_name = "documents"

    @property
    def export_columns(self) -> list[Any]:  # type: ignore[override]
        return [
            (_("Kind"), "kind"),
            (_("Number"), "number"),
            (_("Date adopted"), "adopted_on"),
            (_("Title"), "title"),
            (_("Adopted by"), "org_unit"),
            (_("Public"), "is_public"),
        ]

    def base_queryset(self) -> Any:
        return Document.objects.select_related("org_unit").order_by("-adopted_on", "-id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_manage"] = has_action(self.request.user, MANAGE)
        return context


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_visible_or_404(
        selectors.with_versions(Document.objects.select_related("org_unit")), request.user, VIEW, pk=pk
    )
    versions = list(document.versions.all())
    from amanat.assignments import selectors as assignment_selectors
    from amanat.assignments.permissions import AssignmentAction

    assignments = list(assignment_selectors.assignments_from(document)[:100])
    for a in assignments:
        a.share = round(100 * a.n_done / a.n_total) if a.n_total else 0
        a.may_open = has_action(request.user, AssignmentAction.VIEW, a.org_unit)
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "current": versions[0] if versions else None,
            "earlier": versions[1:],
            "assignments": assignments,
            "may_manage": has_action(request.user, MANAGE, document.org_unit),
            "may_issue": has_action(request.user, AssignmentAction.ISSUE),
        },
    )


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    need(request.user, MANAGE)
    form = DocumentForm(request.POST or None, user=request.user)

    def save() -> str:
        document = services.document_create(actor=request.user, **form.cleaned_data)
        return reverse("documents:detail", args=[document.pk])

    if answer := submitted(request, form, save, _("The document was added.")):
        return answer
    return _form_page(request, form, _("New document"), reverse("documents:list"))


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_visible_or_404(Document.objects.all(), request.user, MANAGE, pk=pk)
    initial = {name: getattr(document, name) for name in services.FIELDS}
    form = DocumentForm(request.POST or None, user=request.user, initial=initial)

    def save() -> str:
        services.document_update(actor=request.user, document=document, **form.cleaned_data)
        return reverse("documents:detail", args=[document.pk])

    if answer := submitted(request, form, save, _("The document was saved.")):
        return answer
    return _form_page(request, form, _("Edit the document"), reverse("documents:detail", args=[document.pk]))


@login_required
def version_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_visible_or_404(Document.objects.all(), request.user, MANAGE, pk=pk)
    form = VersionForm(request.POST or None, request.FILES or None)

    def save() -> str:
        services.version_add(actor=request.user, document=document, **form.cleaned_data)
        return reverse("documents:detail", args=[document.pk])

    if answer := submitted(request, form, save, _("The new version was added.")):
        return answer
    return _form_page(request, form, _("Add a version"), reverse("documents:detail", args=[document.pk]))


def _file(version: DocumentVersion, lang: str) -> FileResponse:
    field = version.file_kk if lang == "kk" else version.file_ru if lang == "ru" else None
    if not field:
        raise Http404
    name = field.name.rsplit("/", 1)[-1]
    return FileResponse(field.open("rb"), as_attachment=False, filename=name)


@login_required
def version_file(request: HttpRequest, pk: int, lang: str) -> FileResponse:
    version = get_visible_or_404(DocumentVersion.objects.select_related("document"), request.user, VIEW, pk=pk)
    if version.document.deleted_at is not None:
        raise Http404
    return _file(version, lang)


# --- public -------------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    filterset = PublicDocumentFilterSet(request.GET or None, queryset=selectors.public_documents(), request=request)
    documents = filterset.qs if filterset.is_bound else selectors.public_documents()
    from django.core.paginator import Paginator

    page = Paginator(documents.order_by("-adopted_on", "-id"), 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/public/list.html",
        {"filter": filterset, "documents": page.object_list, "page_obj": page, "query_without_page": query.urlencode()},
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.with_versions(selectors.public_documents()).filter(pk=pk).first()
    if document is None:
        raise Http404
    versions = list(document.versions.all())
    return render(
        request,
        "documents/public/detail.html",
        {"document": document, "current": versions[0] if versions else None, "earlier": versions[1:]},
    )


def public_file(request: HttpRequest, pk: int, lang: str) -> FileResponse:
    version = (
        DocumentVersion.objects.select_related("document")
        .filter(pk=pk, document__is_public=True, document__deleted_at__isnull=True)
        .first()
    )
    if version is None:
        raise Http404
    return _file(version, lang)
