"""Import of a programme's road map from XLSX, its template and the export (section 7 of the issue).

A file is checked row by row first; if any row is wrong the page lists the errors by sheet and
row and nothing is written; otherwise everything is written in one transaction.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from amanat.core.permissions import has_action, need
from amanat.programme import importing
from amanat.programme.models import Programme
from amanat.programme.permissions import ProgrammeAction

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


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    need(request.user, ProgrammeAction.MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    errors: list[importing.RowError] = []
    if request.method == "POST" and form.is_valid():
        programme = form.cleaned_data["programme"]
        try:
            parsed = importing.read_workbook(form.cleaned_data["file"], programme=programme, actor=request.user)
        except importing.UnreadableFileError as exc:
            form.add_error("file", str(exc))
        else:
            errors = parsed.errors
            if not errors:
                result = importing.import_rows(actor=request.user, programme=programme, parsed=parsed)
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
                return redirect("programme:import")
    return render(
        request,
        "programme/importing/import.html",
        {
            "form": form,
            "errors": errors,
            "item_columns": importing.ITEM_COLUMNS,
            "indicator_columns": importing.INDICATOR_COLUMNS,
            "programmes": _programmes(request.user),
            "max_rows": importing.MAX_ROWS,
        },
    )


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
    path("import/template.xlsx", template_view, name="import-template"),
    path("export.xlsx", export_view, name="export"),
]
