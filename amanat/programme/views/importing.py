"""Import of a programme's road map from XLSX, its template and the export (section 7 of the issue).

Two steps. The upload is checked row by row and kept under a random token; the preview lists
what would be created and updated and every error by sheet and row, and nothing is written.
"Confirm import" writes the kept file (checked again) in one transaction, all or nothing, and
then offers to record the programme as a new version.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from amanat.core.permissions import has_action, need
from amanat.programme import importing
from amanat.programme.models import Programme
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.services import versions

MAX_BYTES = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programmes(user: Any) -> Any:
    return Programme.objects.visible_to(user, ProgrammeAction.MANAGE).order_by("-first_year", "code")


class ImportForm(forms.Form):
    programme = forms.ModelChoiceField(label=gettext_lazy("Programme"), queryset=Programme.objects.none())
    file = forms.FileField(label=gettext_lazy("XLSX file"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = _programmes(user)
        self.fields["programme"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx"})

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an XLSX file (made from the template)."))
        return upload


def _page(request: HttpRequest, form: ImportForm, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The upload page: the form, the columns of both sheets, the export links."""
    context = {
        "form": form,
        "errors": [],
        "item_columns": importing.ITEM_COLUMNS,
        "indicator_columns": importing.INDICATOR_COLUMNS,
        "programmes": _programmes(request.user),
        "max_rows": importing.MAX_ROWS,
        **extra,
    }
    return render(request, "programme/importing/import.html", context, status=status)


def _imported(request: HttpRequest) -> Programme | None:
    """?imported=<id>: the programme just imported into, to offer recording a new version."""
    raw = request.GET.get("imported", "")
    if not raw.isdigit() or int(raw) >= 2**31:
        return None
    return _programmes(request.user).filter(pk=int(raw)).first()


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """Step 1: upload. The file is checked row by row and kept; the preview shows what would be
    written and every error. Nothing is written here."""
    need(request.user, ProgrammeAction.MANAGE)
    initial = {}
    if (wanted := request.GET.get("programme", "")).isdigit() and int(wanted) < 2**31:
        initial["programme"] = _programmes(request.user).filter(pk=int(wanted)).first()
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        programme = form.cleaned_data["programme"]
        upload = form.cleaned_data["file"]
        try:
            parsed = importing.read_workbook(upload, programme=programme, actor=request.user)
        except importing.UnreadableFileError as exc:
            form.add_error("file", str(exc))
        else:
            token = "" if parsed.errors else importing.keep_upload(upload, programme=programme, actor=request.user)
            return _preview(request, programme=programme, parsed=parsed, token=token, name=upload.name)
    imported = _imported(request)
    last = versions.last_version(imported) if imported else None
    return _page(request, form, imported=imported, imported_last=last)


def _preview(
    request: HttpRequest, *, programme: Programme, parsed: importing.Parsed, token: str, name: str
) -> HttpResponse:
    context = {
        "programme": programme,
        "errors": parsed.errors,
        "preview": importing.preview(parsed, programme=programme),
        "token": token,
        "file_name": name,
        "preview_rows": importing.PREVIEW_ROWS,
    }
    return render(request, "programme/importing/preview.html", context)


class ConfirmForm(forms.Form):
    token = forms.CharField(max_length=64)


@login_required
@require_POST
def confirm_view(request: HttpRequest) -> HttpResponse:
    """Step 2: write the kept file, checked again (the programme may have changed meanwhile), all
    or nothing; the file is removed once written. A token already written, expired or not the
    person's answers 410 and writes nothing."""
    need(request.user, ProgrammeAction.MANAGE)
    form = ConfirmForm(request.POST)
    token = form.data.get("token", "")
    stale = _("This preview has expired or its file was imported already. Nothing was written: upload the file again.")
    try:
        kept = importing.kept(token, actor=request.user)
    except importing.StaleTokenError:
        return _page(request, ImportForm(user=request.user), status=410, stale=stale)
    programme = _programmes(request.user).filter(pk=kept.programme_id).first()
    if programme is None:
        importing.forget(token)
        raise Http404
    try:
        parsed = importing.read_workbook(importing.open_kept(token), programme=programme, actor=request.user)
    except importing.UnreadableFileError:
        importing.forget(token)
        return _page(request, ImportForm(user=request.user), status=410, stale=stale)
    if parsed.errors:
        importing.forget(token)
        return _preview(request, programme=programme, parsed=parsed, token="", name=kept.name)
    try:
        result = importing.import_rows(actor=request.user, programme=programme, parsed=parsed, token=token)
    except importing.AlreadyImportedError:
        importing.forget(token)
        return _page(request, ImportForm(user=request.user), status=410, stale=stale)
    except PermissionDenied:
        raise Http404 from None
    importing.forget(token)
    messages.success(
        request,
        _(
            "Imported into %(programme)s: %(created)s items added, %(updated)s updated; "
            "%(ind_created)s indicators added, %(ind_updated)s updated."
        )
        % {
            "programme": programme,
            "created": result.created,
            "updated": result.updated,
            "ind_created": result.indicators_created,
            "ind_updated": result.indicators_updated,
        },
    )
    return redirect(f"{reverse('programme:import')}?imported={programme.pk}")


@login_required
def template_view(request: HttpRequest) -> HttpResponse:
    need(request.user, ProgrammeAction.MANAGE)
    response = HttpResponse(importing.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="programme-template.xlsx"'
    return response


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    """?programme=<id>: the programme's items and indicators in the import layout."""
    raw = request.GET.get("programme", "")
    if not raw.isdigit() or int(raw) >= 2**31:
        raise Http404
    programme = Programme.objects.visible_to(request.user, ProgrammeAction.VIEW).filter(pk=int(raw)).first()
    if programme is None or not has_action(request.user, ProgrammeAction.VIEW, programme.org_unit):
        raise Http404
    response = HttpResponse(importing.export_xlsx(programme), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.code}.xlsx"'
    return response


urlpatterns = [
    path("import/", import_view, name="import"),
    path("import/confirm/", confirm_view, name="import-confirm"),
    path("import/template.xlsx", template_view, name="import-template"),
    path("export.xlsx", export_view, name="export"),
]
