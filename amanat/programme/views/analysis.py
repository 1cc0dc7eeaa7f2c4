"""Analysis of the programme for staff: completion, rankings, problem items, trends; each table
also as XLSX (`?export=xlsx&table=…`) and the whole as a PDF report for a bureau meeting.

Scoped by `selectors.items_for(user)`: a district deputy sees only their district's figures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amanat.core.exports import xlsx_response
from amanat.core.permissions import has_action
from amanat.programme import analysis
from amanat.programme.figures_cache import kept_figures
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.selectors import items_for, programmes_for, trend_cells_for

ROW_TABLES = {
    "directions": (gettext_lazy("Completion by direction"), gettext_lazy("Direction")),
    "districts": (gettext_lazy("Completion by district"), gettext_lazy("District")),
    "bodies": (gettext_lazy("Ranking of state bodies"), gettext_lazy("State body")),
    "officials": (gettext_lazy("Ranking of officials"), gettext_lazy("Official")),
}
TABLES = [*ROW_TABLES, "problems", "trends"]


def _quarters(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("quarters", 2)), 1), 12)
    except (TypeError, ValueError):
        return 2


def _programme(request: HttpRequest) -> int | None:
    programme = request.GET.get("programme", "")
    return int(programme) if programme.isdigit() else None


def _scope(request: HttpRequest) -> Any:
    if not has_action(request.user, ProgrammeAction.VIEW):
        raise Http404
    items = items_for(request.user)
    if programme := _programme(request):
        items = items.filter(programme_id=programme)
    return items


PROBLEMS_SHOWN = 100


def _figures(request: HttpRequest) -> dict[str, Any]:
    items = _scope(request)
    quarters = _quarters(request)

    def compute() -> dict[str, Any]:
        problems = analysis.problem_items(items, quarters=quarters)
        tables = analysis.tables(items, names=True)
        return {
            "directions": tables["directions"],
            "districts": tables["districts"],
            "bodies": tables["ranking_bodies"],
            "officials": tables["officials"],
            # The page and the PDF show the first ones; the XLSX export reads them all afresh.
            "problems": list(problems[:PROBLEMS_SHOWN]),
            "problems_total": problems.count(),
            "trends": analysis.trends(items, cells=trend_cells_for(request.user, _programme(request))),
            "quarters": quarters,
        }

    return kept_figures(request.user, (request.GET.get("programme", ""), quarters), compute)


def _row_columns(first: str) -> list[tuple[Any, Any]]:
    return [
        (first, "label"),
        (_("Items"), "total"),
        (_("On track"), "on_track"),
        (_("At risk"), "at_risk"),
        (_("Overdue"), "overdue"),
        (_("Not done"), "not_done"),
        (_("Done"), "done"),
        (_("Verified progress, %"), lambda r: float(r.verified * 100)),
        (_("Claimed progress, %"), lambda r: float(r.claimed * 100)),
        (_("Reports verified, %"), lambda r: float(r.verified_share * 100)),
        (_("Reports late"), "reports_late"),
    ]


def _export(table: str, figures: dict[str, Any], items: Any) -> HttpResponse:
    if table in ROW_TABLES:
        title, first = ROW_TABLES[table]
        return xlsx_response(figures[table], _row_columns(str(first)), filename=f"programme-{table}", title=str(title))
    if table == "problems":
        figures = {**figures, "problems": analysis.problem_items(items, quarters=figures["quarters"])}
        columns = [
            (_("Number"), "code"),
            (_("Item"), "title"),
            (_("Status"), lambda i: i.get_status_display()),
            (_("District"), "territory"),
            (_("Responsible state body"), "responsible_body"),
            (_("Verified progress, %"), lambda i: float(i.progress_verified * 100)),
        ]
        return xlsx_response(figures["problems"], columns, filename="programme-problems", title=_("Problem items"))
    if table == "trends":
        columns = [
            (_("Quarter"), "label"),
            (_("Verified progress, %"), lambda p: float(p.verified * 100)),
            (_("Claimed progress, %"), lambda p: float(p.claimed * 100)),
        ]
        return xlsx_response(figures["trends"], columns, filename="programme-trends", title=_("Trends"))
    raise Http404


@login_required
def analysis_page(request: HttpRequest) -> HttpResponse:
    figures = _figures(request)
    if request.GET.get("export") == "xlsx":
        return _export(request.GET.get("table", ""), figures, _scope(request))
    context = {
        **figures,
        "title": _("Analysis of the programme"),
        "programmes": programmes_for(request.user),
        "programme": request.GET.get("programme", ""),
        "item_list_url": analysis.item_list_url(),
        "max_trend": 100,
    }
    return render(request, "programme/analysis/page.html", context)


def report_html(request: HttpRequest, figures: dict[str, Any]) -> str:
    context = {**figures, "title": _("Election programme: how it is carried out"), "date": timezone.localdate()}
    return render_to_string("programme/analysis/report.html", context, request=request)


@login_required
def analysis_pdf(request: HttpRequest) -> HttpResponse:
    from weasyprint import HTML

    html = report_html(request, _figures(request))
    pdf = HTML(string=html).write_pdf()  # self-contained: no files or URLs are fetched
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="programme-report-{timezone.localdate():%Y%m%d}.pdf"'
    return response


urlpatterns = [
    path("analysis/", analysis_page, name="analysis"),
    path("analysis/report.pdf", analysis_pdf, name="analysis-pdf"),
]
