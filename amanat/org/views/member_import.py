"""Staff pages for member imports (/manage/org/members/import/…): upload, template, preview.

Their URLs are listed in `people.py` with the other member pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from amanat.core.exports import XLSX_TYPE
from amanat.core.permissions import need
from amanat.org import importing
from amanat.org.forms.people import MemberImportForm
from amanat.org.permissions import OrgAction
from amanat.org.selectors import people as selectors
from amanat.org.services import member_import as services

IMPORT_ERRORS_PER_PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request: HttpRequest) -> HttpResponse:
    """Upload a member file; it is checked at once (or in the background when large)."""
    need(request.user, OrgAction.IMPORT_MEMBERS)
    form = MemberImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.member_import_start(
                actor=request.user, org_unit=form.cleaned_data["org_unit"], upload=form.cleaned_data["file"]
            )
        except importing.ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("org:member-import-detail", pk=job.pk)
    context = {
        "form": form,
        "columns": importing.COLUMNS,
        "imports": selectors.member_import_list(actor=request.user)[:10],
        "max_mb": importing.max_bytes() // (1024 * 1024),
        "max_rows": importing.max_rows(),
        "sync_rows": importing.sync_max_rows(),
    }
    return render(request, "org/people/import_form.html", context, status=400 if form.errors else 200)


@login_required
def member_import_template(request: HttpRequest) -> HttpResponse:
    """An empty XLSX with the column names (IIN formatted as text) and a sheet explaining them."""
    need(request.user, OrgAction.IMPORT_MEMBERS)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "members"
    sheet.append(list(importing.COLUMN_NAMES))
    for index, _name in enumerate(importing.COLUMN_NAMES, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 18
    for row in range(2, 1002):  # keep leading zeros of IINs typed into the sheet
        sheet.cell(row=row, column=importing.COLUMN_NAMES.index("iin") + 1).number_format = "@"
    notes = workbook.create_sheet("help")
    notes.append([_("Column"), _("Required"), _("What to write"), _("Example")])
    for column in importing.COLUMNS:
        notes.append([column.name, _("yes") if column.required else _("no"), str(column.help), column.example])
    response = HttpResponse(content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="members-import-template.xlsx"'
    workbook.save(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def member_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while a file is checked or written; then the preview (counts, first rows, every
    error by row and column) and the button that imports it; POST confirms."""
    job = selectors.member_import_get(actor=request.user, pk=pk)
    if request.method == "POST":
        try:
            job = services.member_import_confirm(actor=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("org:member-import-detail", pk=job.pk)
    if request.htmx and not request.htmx.boosted:
        if job.is_running:
            return render(request, "org/people/import_detail.html#progress", {"job": job})
        return HttpResponseClientRefresh()
    errors = Paginator(job.errors or [], IMPORT_ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"job": job, "errors": errors, "page_obj": errors, "paginator": errors.paginator}
    context["query_without_page"] = query.urlencode()
    return render(request, "org/people/import_detail.html", context)
