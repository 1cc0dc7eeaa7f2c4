"""Staff pages of programme control (/manage/programme/): the item list, an item's card, the
report, verdict and status forms, and the editing of items and indicators.

Everything out of the user's scope is a 404; the forms only read input, the services check the
rules and the right, and their field errors come back on the form.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from amanat.appeals.choices import AppealType
from amanat.appeals.selectors import appeals_for
from amanat.core.exports import Column
from amanat.core.forms import submitted
from amanat.core.lists import ScopedListView
from amanat.core.permissions import has_action, need
from amanat.programme.choices import ItemStatus, ReportState
from amanat.programme.filtersets import ItemFilterSet
from amanat.programme.forms import IndicatorForm, ItemForm, OverrideForm, ReportForm, VerdictForm
from amanat.programme.models import Evidence, Indicator, IndicatorValue, Item, Programme, Report
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.selectors import item_get, items_for, may_report
from amanat.programme.services import items as item_services
from amanat.programme.services.progress import attainment
from amanat.programme.services.reports import ReportInput, report_submit, report_verdict, status_override

STATUS_CSS = {
    ItemStatus.NOT_STARTED: "text-bg-secondary",
    ItemStatus.ON_TRACK: "text-bg-primary",
    ItemStatus.AT_RISK: "text-bg-warning",
    ItemStatus.OVERDUE: "text-bg-danger",
    ItemStatus.DONE: "text-bg-success",
    ItemStatus.NOT_DONE: "text-bg-dark",
    ItemStatus.CANCELLED: "text-bg-light border",
    ItemStatus.UNVERIFIABLE: "text-bg-light border",
}
REPORT_CSS = {
    ReportState.CLAIMED: "text-bg-secondary",
    ReportState.CONFIRMED: "text-bg-success",
    ReportState.PARTLY: "text-bg-warning",
    ReportState.NOT_CONFIRMED: "text-bg-danger",
}


def _percent(share: Decimal | None) -> int:
    return round((share or Decimal(0)) * 100)


def _may_see(user: Any) -> bool:
    return has_action(user, ProgrammeAction.VIEW) or has_action(user, ProgrammeAction.REPORT)


def _status_label(item: Item) -> str:
    return str(ItemStatus(item.status).label)


EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("Number"), "code"),
    (gettext_lazy("Title"), lambda item: item.title),
    (gettext_lazy("Kind"), lambda item: item.get_kind_display()),
    (gettext_lazy("Programme"), lambda item: str(item.programme.title)),
    (gettext_lazy("Responsible state body"), lambda item: str(item.responsible_body or "")),
    (gettext_lazy("Controlling branch"), lambda item: str(item.org_unit)),
    (gettext_lazy("Planned start"), "planned_start"),
    (gettext_lazy("Planned end"), "planned_end"),
    (gettext_lazy("Progress as reported, %"), lambda item: _percent(item.progress_claimed)),
    (gettext_lazy("Progress verified, %"), lambda item: _percent(item.progress_verified)),
    (gettext_lazy("Status"), _status_label),
    (gettext_lazy("Status set by hand: reason"), "override_reason"),
]


class ItemListView(ScopedListView):
    """The items the user may see: a branch's items for party staff, a body's for its official."""

    model = Item
    action = ProgrammeAction.VIEW
    filterset_class = ItemFilterSet
    template_name = "programme/manage/item_list.html"
    export_columns = EXPORT_COLUMNS
    export_filename = "programme-items"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not _may_see(request.user):
            raise Http404
        return super(ScopedListView, self).dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Item]:
        queryset = (
            items_for(self.request.user)
            .select_related("programme", "responsible_body", "org_unit")
            .order_by("programme_id", "path")
        )
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_bound else queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            {
                "item": item,
                "claimed": _percent(item.progress_claimed),
                "verified": _percent(item.progress_verified),
                "css": STATUS_CSS.get(item.status, "text-bg-secondary"),
            }
            for item in context["object_list"]
        ]
        context["can_manage"] = has_action(self.request.user, ProgrammeAction.MANAGE)
        return context


def _indicator_rows(item: Item) -> list[dict[str, Any]]:
    indicators = list(item.indicators.all())
    values: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in IndicatorValue.objects.filter(indicator__in=indicators).order_by("year", "quarter"):
        values[value.indicator_id].append(value)
    rows = []
    for indicator in indicators:
        actuals = [v for v in values[indicator.pk] if v.actual is not None]
        latest = actuals[-1].actual if actuals else None
        rows.append(
            {
                "indicator": indicator,
                "values": values[indicator.pk],
                "latest": latest,
                "attainment": _percent(attainment(indicator.baseline, indicator.target, latest)),
            }
        )
    return rows


@login_required
@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_get(request.user, pk)
    user = request.user
    reports = list(
        item.reports.select_related("submitted_by", "verdict_by")
        .prefetch_related("evidence")
        .order_by("-year", "-quarter")
    )
    may_verify = has_action(user, ProgrammeAction.VERIFY, item.org_unit)
    for report in reports:
        report.css = REPORT_CSS.get(report.state, "text-bg-secondary")
        report.may_verdict = may_verify and report.state == ReportState.CLAIMED and report.submitted_by_id != user.pk
    context = {
        "item": item,
        "ancestors": list(Item.objects.get_ancestors(item)),
        "children": list(Item.objects.get_children(item).select_related("responsible_body")),
        "indicators": _indicator_rows(item),
        "reports": reports,
        "claimed": _percent(item.progress_claimed),
        "verified": _percent(item.progress_verified),
        "status_css": STATUS_CSS.get(item.status, "text-bg-secondary"),
        "may_report": may_report(user, item),
        "may_override": has_action(user, ProgrammeAction.OVERRIDE, item.org_unit),
        "may_manage": has_action(user, ProgrammeAction.MANAGE, item.org_unit),
        "may_verify": may_verify,
        **_linked_appeals(user, item),
    }
    return render(request, "programme/manage/item_detail.html", context)


def _linked_appeals(user: Any, item: Item) -> dict[str, Any]:
    """The appeals the item answers, voters' mandates apart from other appeals; only those the
    user may see are shown, the rest are counted."""
    visible = list(
        item.appeals.filter(pk__in=appeals_for(user).values("pk"))
        .select_related("territory")
        .order_by("-received_at", "-id")
    )
    mandates = [appeal for appeal in visible if appeal.appeal_type == AppealType.MANDATE]
    return {
        "linked_mandates": mandates,
        "linked_appeals": [appeal for appeal in visible if appeal.appeal_type != AppealType.MANDATE],
        "linked_hidden": item.appeals.count() - len(visible),
    }


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = Evidence.objects.select_related("report").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    item_get(request.user, evidence.report.item_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type)


def _submitted(request: HttpRequest, form: Any, save: Callable[[], Item], done: str) -> HttpResponse | None:
    """`core.forms.submitted`, going on to the page of the item the service returns."""
    return submitted(request, form, lambda: reverse("programme:item-detail", args=[save().pk]), done)


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_get(request.user, pk)
    if not may_report(request.user, item):
        raise Http404
    today = timezone.localdate()
    form = ReportForm(request.POST or None, request.FILES or None, item=item, today=today)

    def save() -> Item:
        year, quarter = form.period()
        data = ReportInput(
            year=year,
            quarter=quarter,
            narrative=form.cleaned_data["narrative"],
            actuals=form.actuals(),
            money_spent=form.cleaned_data["money_spent"],
            files=form.cleaned_data["files"],
        )
        return report_submit(actor=request.user, item=item, data=data).item

    done = _("The report was saved. It counts once party control has verified it.")
    if answer := _submitted(request, form, save, done):
        return answer
    return render(
        request,
        "programme/manage/report_form.html",
        {"item": item, "form": form, "title": _("Report on the item")},
    )


@login_required
def verdict(request: HttpRequest, pk: int) -> HttpResponse:
    found = Report.objects.filter(pk=pk, item__in=items_for(request.user)).select_related("item").first()
    if found is None:
        raise Http404
    item = found.item
    need(request.user, ProgrammeAction.VERIFY, item.org_unit)
    form = VerdictForm(request.POST or None, request.FILES or None, initial={"version": found.version})

    def save() -> Item:
        data = form.cleaned_data
        report_verdict(
            actor=request.user,
            report=found,
            verdict=data["verdict"],
            comment=data["comment"],
            files=data["files"],
            version=data["version"],
        )
        return item

    if answer := _submitted(request, form, save, _("The verdict was saved.")):
        return answer
    return render(
        request,
        "programme/manage/verdict_form.html",
        {"item": item, "report": found, "form": form, "title": _("Verify the report")},
    )


@login_required
def override(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_get(request.user, pk)
    need(request.user, ProgrammeAction.OVERRIDE, item.org_unit)
    form = OverrideForm(request.POST or None, initial={"status": item.status_override, "reason": item.override_reason})

    def save() -> Item:
        data = form.cleaned_data
        return status_override(actor=request.user, item=item, status=data["status"], reason=data["reason"])

    if answer := _submitted(request, form, save, _("The status was saved.")):
        return answer
    return render(
        request,
        "programme/manage/form.html",
        {
            "item": item,
            "form": form,
            "title": _("Set the status by hand"),
            "intro": _("A status set by hand is shown with its reason and audited. Choose “by the rules” to clear it."),
        },
    )


def _form_page(
    request: HttpRequest, form: Any, *, title: str, item: Item | None = None, cancel: str = ""
) -> HttpResponse:
    return render(
        request, "programme/manage/form.html", {"form": form, "title": title, "item": item, "cancel_url": cancel}
    )


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    need(request.user, ProgrammeAction.MANAGE)
    parent = None
    if request.GET.get("parent"):
        parent = item_get(request.user, request.GET["parent"], action=ProgrammeAction.MANAGE)
    programmes = Programme.objects.visible_to(request.user, ProgrammeAction.MANAGE)
    if parent is not None:
        programme = parent.programme
    else:
        programme = programmes.filter(pk=request.GET.get("programme") or 0).first() or programmes.first()
        if programme is None:
            raise Http404
    initial = {"org_unit": parent.org_unit if parent else programme.org_unit, "weight": Decimal(1)}
    form = ItemForm(request.POST or None, user=request.user, initial=initial)

    def save() -> Item:
        values = form.cleaned_data
        return item_services.item_create(actor=request.user, programme=programme, parent=parent, values=values)

    if answer := _submitted(request, form, save, _("The item was added.")):
        return answer
    title = (
        _("New item under %(parent)s") % {"parent": parent}
        if parent
        else _("New item of %(programme)s") % {"programme": programme}
    )
    cancel = reverse("programme:item-detail", args=[parent.pk]) if parent else reverse("programme:item-list")
    return _form_page(request, form, title=title, item=parent, cancel=cancel)


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_get(request.user, pk, action=ProgrammeAction.MANAGE)
    current_parent = Item.objects.get_parent(item)
    parents = items_for(request.user, ProgrammeAction.MANAGE).filter(programme_id=item.programme_id).order_by("path")
    form = ItemForm(
        request.POST or None,
        instance=item,
        user=request.user,
        parents=parents,
        initial={"parent": current_parent.pk if current_parent else None},
    )

    def save() -> Item:
        values = {name: form.cleaned_data[name] for name in item_services.ITEM_FIELDS if name in form.cleaned_data}
        if values.get("weight") is None:
            values["weight"] = item.weight
        parent = form.cleaned_data.get("parent")
        # One transaction: a refused move (a cycle) or change saves nothing at all.
        with transaction.atomic():
            if (parent.pk if parent else None) != (current_parent.pk if current_parent else None):
                item_services.item_move(actor=request.user, item=item, parent=parent)
            item_services.item_update(actor=request.user, item=Item.objects.get(pk=item.pk), values=values)
        return item

    if answer := _submitted(request, form, save, _("The item was saved.")):
        return answer
    return _form_page(
        request,
        form,
        title=_("Edit item %(item)s") % {"item": item},
        item=item,
        cancel=reverse("programme:item-detail", args=[item.pk]),
    )


@login_required
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_get(request.user, pk, action=ProgrammeAction.MANAGE)
    form = IndicatorForm(request.POST or None, initial={"weight": Decimal(1)})

    def save() -> Item:
        item_services.indicator_create(actor=request.user, item=item, values=form.cleaned_data)
        return item

    if answer := _submitted(request, form, save, _("The indicator was added.")):
        return answer
    return _form_page(
        request,
        form,
        title=_("New indicator of %(item)s") % {"item": item},
        item=item,
        cancel=reverse("programme:item-detail", args=[item.pk]),
    )


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = (
        Indicator.objects.visible_to(request.user, ProgrammeAction.MANAGE).select_related("item").filter(pk=pk).first()
    )
    if indicator is None:
        raise Http404
    item = indicator.item
    form = IndicatorForm(request.POST or None, instance=indicator)

    def save() -> Item:
        values = dict(form.cleaned_data)
        if values.get("weight") is None:
            values["weight"] = indicator.weight
        item_services.indicator_update(actor=request.user, indicator=indicator, values=values)
        return item

    if answer := _submitted(request, form, save, _("The indicator was saved.")):
        return answer
    return _form_page(
        request,
        form,
        title=_("Edit indicator %(indicator)s") % {"indicator": indicator},
        item=item,
        cancel=reverse("programme:item-detail", args=[item.pk]),
    )


urlpatterns = [
    path("", ItemListView.as_view(), name="item-list"),
    path("new/", item_create, name="item-create"),
    path("<int:pk>/", item_detail, name="item-detail"),
    path("<int:pk>/edit/", item_edit, name="item-edit"),
    path("<int:pk>/report/", report, name="report"),
    path("<int:pk>/status/", override, name="override"),
    path("<int:pk>/indicators/new/", indicator_create, name="indicator-create"),
    path("indicators/<int:pk>/edit/", indicator_edit, name="indicator-edit"),
    path("reports/<int:pk>/verdict/", verdict, name="verdict"),
    path("evidence/<int:pk>/", evidence_download, name="manage-evidence"),
]
