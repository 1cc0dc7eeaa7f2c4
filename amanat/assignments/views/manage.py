"""Staff pages of assignments under /manage/assignments/.

- list: assignments issued in the user's scope (filters, XLSX);
- detail: the issuer's control view of one assignment — every recipient, the share done, quick
  accept / return, XLSX; removal from control;
- issue: the form (units, "all primaries under", named people; a date or N working days);
- mine: what the user carries out, overdue first; the execution page with the report form and
  the extension request; the issuer's extension decisions.
Out of scope answers 404; a service's refusal of the right answers 404 as well.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amanat.assignments import selectors, services
from amanat.assignments.choices import OPEN, ExecutionStatus, ExtensionStatus
from amanat.assignments.filtersets import AssignmentFilterSet, ExecutionFilterSet
from amanat.assignments.forms import ExtensionForm, IssueForm, ReasonForm, ReportForm
from amanat.assignments.models import Assignment, Execution, ExecutionFile, ExtensionRequest
from amanat.assignments.permissions import AssignmentAction
from amanat.core.exports import xlsx_response
from amanat.core.forms import submitted
from amanat.core.lists import CappedPaginator, rows_in_order
from amanat.core.permissions import has_action, need
from amanat.core.views import safe_next

VIEW, ISSUE, EXECUTE, ACCEPT = (
    AssignmentAction.VIEW,
    AssignmentAction.ISSUE,
    AssignmentAction.EXECUTE,
    AssignmentAction.ACCEPT,
)
PAGE = 50


# --- helpers ------------------------------------------------------------------------------


def _paged(request: HttpRequest, queryset: Any) -> Any:
    paginator = CappedPaginator(queryset, PAGE, allow_empty_first_page=True)
    return paginator.get_page(request.GET.get("page"))


def _query(request: HttpRequest) -> dict[str, str]:
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return {"query_without_page": encoded, "export_query": (encoded + "&" if encoded else "") + "export=xlsx"}


def _template(request: HttpRequest, name: str) -> str:
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return f"{name}#results"
    return name


def _status_css(status: str, late: bool) -> str:
    if status == ExecutionStatus.ACCEPTED:
        return "text-bg-success"
    if late:
        return "text-bg-danger"
    if status == ExecutionStatus.REPORTED:
        return "text-bg-info"
    if status == ExecutionStatus.RETURNED:
        return "text-bg-warning"
    return "text-bg-secondary"


# --- the list -----------------------------------------------------------------------------


@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    need(request.user, VIEW)
    queryset = selectors.assignments_for(request.user)
    filterset = AssignmentFilterSet(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound:
        queryset = filterset.qs
    queryset = queryset.order_by("-issued_on", "-id")
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        return _export_assignments(queryset, today)
    page = _paged(request, queryset.values_list("pk", flat=True))
    ids = list(page.object_list)
    rows = rows_in_order(Assignment, ids, select=("org_unit", "source_type"))
    counts = selectors.counts_for(ids, today)
    items = []
    for assignment in rows:
        c = counts[assignment.pk]
        share = round(100 * c["done"] / c["total"]) if c["total"] else 0
        items.append({"a": assignment, "c": c, "share": share})
    context = {
        "filter": filterset,
        "rows": items,
        "page_obj": page,
        "paginator": page.paginator,
        "may_issue": has_action(request.user, ISSUE),
        **_query(request),
    }
    response = render(request, _template(request, "assignments/list.html"), context)
    response["Vary"] = "HX-Request"
    return response


def _export_assignments(queryset: Any, today: Any) -> HttpResponse:
    annotated = selectors.with_counts(queryset.select_related("org_unit"), today)
    columns = [
        (_("Issued on"), "issued_on"),
        (_("Issuing branch"), "org_unit"),
        (_("Issued by (post)"), "issuer_post"),
        (_("Title"), "title"),
        (_("Control level"), "control_level"),
        (_("Deadline"), "deadline"),
        (_("Status"), "status"),
        (_("Recipients"), "n_total"),
        (_("Reported"), "n_reported"),
        (_("Accepted"), "n_done"),
        (_("Overdue"), "n_overdue"),
    ]
    return xlsx_response(annotated, columns, filename="assignments", title=str(_("Assignments")))


# --- the control view ---------------------------------------------------------------------


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(actor=request.user, pk=pk)
    today = timezone.localdate()
    executions = assignment.executions.all()
    filterset = ExecutionFilterSet(request.GET or None, queryset=executions, request=request)
    if filterset.is_bound:
        executions = filterset.qs
    late_first = Case(
        When(Q(status__in=OPEN, deadline__lt=today), then=Value(0)),
        When(status=ExecutionStatus.REPORTED, then=Value(1)),
        When(status__in=OPEN, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    executions = executions.annotate(rank=late_first).order_by("rank", "deadline", "id")
    if request.GET.get("export") == "xlsx":
        return _export_executions(assignment, executions)
    summary = assignment.executions.order_by().aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=ExecutionStatus.ACCEPTED)),
        reported=Count("id", filter=Q(status=ExecutionStatus.REPORTED)),
        overdue=Count("id", filter=Q(status__in=OPEN, deadline__lt=today)),
        escalated=Count("id", filter=Q(status__in=OPEN, escalation_level__gt=0)),
    )
    summary["share"] = round(100 * summary["done"] / summary["total"]) if summary["total"] else 0
    page = _paged(request, executions.values_list("pk", flat=True))
    rows = rows_in_order(Execution, list(page.object_list), select=("recipient_unit", "recipient_user"))
    for row in rows:
        row.css = _status_css(row.status, row.is_late)
    pending = ExtensionRequest.objects.filter(
        execution__assignment=assignment, status=ExtensionStatus.PENDING
    ).select_related("execution__recipient_unit", "execution__recipient_user", "requested_by")
    context = {
        "assignment": assignment,
        "filter": filterset,
        "rows": rows,
        "page_obj": page,
        "paginator": page.paginator,
        "summary": summary,
        "may_accept": selectors.is_issuer_side(request.user, assignment) and assignment.on_control,
        "pending": list(pending[:50]),
        "source": _source_label(assignment),
        **_query(request),
    }
    response = render(request, _template(request, "assignments/detail.html"), context)
    response["Vary"] = "HX-Request"
    return response


def _source_label(assignment: Assignment) -> dict[str, Any] | None:
    if not assignment.source_type_id:
        return None
    try:
        obj = assignment.source
    except ObjectDoesNotExist:
        obj = None
    url = ""
    if obj is not None and assignment.source_type.app_label == "documents":
        url = reverse("documents:detail", args=[obj.pk])
    return {"kind": assignment.source_type.name, "obj": obj, "url": url}


def _export_executions(assignment: Assignment, executions: Any) -> HttpResponse:
    columns = [
        (_("Recipient"), lambda e: str(e.recipient)),
        (_("Status"), "status"),
        (_("Deadline"), "deadline"),
        (_("Reported on"), "reported_on"),
        (_("Accepted on"), "accepted_on"),
        (_("Late"), lambda e: e.is_late),
        (_("Escalation level"), "escalation_level"),
        (_("Report"), "report_text"),
    ]
    rows = executions.select_related("recipient_unit", "recipient_user")
    return xlsx_response(rows, columns, filename=f"assignment-{assignment.pk}", title=str(_("Recipients")))


@login_required
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(actor=request.user, pk=pk, action=ACCEPT)
    form = ReasonForm(request.POST or None)

    def save() -> str:
        services.assignment_remove_from_control(
            actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
        )
        return reverse("assignments:detail", args=[assignment.pk])

    if answer := submitted(request, form, save, _("The assignment was removed from control.")):
        return answer
    return render(
        request,
        "assignments/form.html",
        {"form": form, "title": _("Remove from control"), "intro": assignment.title,
         "cancel_url": reverse("assignments:detail", args=[assignment.pk])},
    )  # fmt: skip


# --- issuing ------------------------------------------------------------------------------


def _source_from(request: HttpRequest, type_key: str, pk: Any) -> Any:
    """The source object named by "app_label.model" and id, if the user may see it (else 404)."""
    if not type_key or not pk:
        return None
    try:
        app_label, model = type_key.split(".", 1)
        source_type = ContentType.objects.get_by_natural_key(app_label, model)
        model_class = source_type.model_class()
        queryset = model_class._default_manager.all()
        if hasattr(queryset, "visible_to"):
            from amanat.core.permissions import grants_for

            grants = grants_for(request.user)
            if not grants.everywhere:
                action = f"{app_label}.view"
                queryset = queryset.visible_to(request.user, action)
        return queryset.get(pk=pk)
    except (ValueError, ObjectDoesNotExist, AttributeError) as exc:
        raise Http404 from exc


@login_required
def assignment_issue(request: HttpRequest) -> HttpResponse:
    need(request.user, ISSUE)
    initial = {
        "deadline_days": 10,
        "source_type": request.GET.get("source_type", ""),
        "source_id": request.GET.get("source_id") or None,
    }
    form = IssueForm(request.POST or None, user=request.user, initial=initial)
    source_key = (request.POST or request.GET).get("source_type", "")
    source = _source_from(request, source_key, (request.POST or request.GET).get("source_id"))
    if source is not None and request.method != "POST":
        unit = getattr(source, "org_unit", None)
        if unit is not None and form.fields["org_unit"].queryset.filter(pk=unit.pk).exists():
            form.initial["org_unit"] = unit.pk
        form.initial["title"] = str(source)[:500]

    def save() -> str:
        data = form.cleaned_data
        assignment = services.assignment_issue(
            actor=request.user,
            org_unit=data["org_unit"],
            title=data["title"],
            text=data.get("text") or "",
            text_kk=data.get("text_kk") or "",
            issuer_post=data.get("issuer_post") or "",
            deadline=data.get("deadline"),
            deadline_days=data.get("deadline_days") if not data.get("deadline") else None,
            control_level=data["control_level"],
            unit_recipients=form.recipients(),
            user_recipients=list(data.get("user_recipients") or []),
            source=source,
        )
        return reverse("assignments:detail", args=[assignment.pk])

    if answer := submitted(request, form, save, _("The assignment was issued.")):
        return answer
    return render(
        request,
        "assignments/issue.html",
        {"form": form, "title": _("Issue an assignment"), "source": source, "cancel_url": reverse("assignments:list")},
    )


# --- my assignments -----------------------------------------------------------------------


@login_required
def my_list(request: HttpRequest) -> HttpResponse:
    has_personal = Execution.objects.filter(recipient_user=request.user).exists()
    if not has_action(request.user, EXECUTE) and not has_personal:
        raise Http404
    today = timezone.localdate()
    executions = selectors.my_executions(request.user)
    show = request.GET.get("show", "open")
    if show == "open":
        executions = executions.exclude(status=ExecutionStatus.ACCEPTED)
    late_first = Case(
        When(Q(status__in=OPEN, deadline__lt=today), then=Value(0)),
        When(status=ExecutionStatus.RETURNED, then=Value(1)),
        When(status__in=OPEN, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    executions = executions.annotate(rank=late_first).order_by("rank", "deadline", "id")
    page = _paged(request, executions.values_list("pk", flat=True))
    rows = rows_in_order(
        Execution, list(page.object_list), select=("assignment__org_unit", "recipient_unit", "recipient_user")
    )
    for row in rows:
        row.css = _status_css(row.status, row.is_late)
    return render(
        request,
        _template(request, "assignments/mine.html"),
        {"rows": rows, "page_obj": page, "paginator": page.paginator, "show": show, **_query(request)},
    )


@login_required
def execution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    execution = selectors.execution_get(actor=request.user, pk=pk)
    assignment = execution.assignment
    mine = selectors.is_recipient(request.user, execution)
    issuer = selectors.is_issuer_side(request.user, assignment)
    on_control = assignment.on_control
    context = {
        "execution": execution,
        "assignment": assignment,
        "css": _status_css(execution.status, execution.is_late),
        "events": execution.events.select_related("actor"),
        "files": execution.files.all(),
        "extensions": execution.extensions.select_related("requested_by", "decided_by"),
        "may_report": mine
        and on_control
        and execution.status != ExecutionStatus.ACCEPTED
        and execution.status != ExecutionStatus.REPORTED,
        "may_start": mine and on_control and execution.status in (ExecutionStatus.ISSUED, ExecutionStatus.RETURNED),
        "may_extend": mine
        and on_control
        and execution.is_open
        and not execution.extensions.filter(status=ExtensionStatus.PENDING).exists(),
        "may_decide": issuer and on_control,
        "report_form": ReportForm(),
        "extension_form": ExtensionForm(),
        "return_form": ReasonForm(),
        "is_issuer": issuer,
    }
    return render(request, "assignments/execution.html", context)


def _execution_action(
    request: HttpRequest, pk: int, act: Callable[[Execution], Any], done: str, form: forms.Form | None = None
) -> HttpResponse:
    execution = selectors.execution_get(actor=request.user, pk=pk)
    back = safe_next(request, reverse("assignments:execution", args=[execution.pk]))
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        act(execution)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect(back)
    messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def execution_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _execution_action(
        request, pk, lambda e: services.execution_start(actor=request.user, execution=e), _("Taken in hand.")
    )


@login_required
@require_POST
def execution_report(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReportForm(request.POST, request.FILES)
    return _execution_action(
        request,
        pk,
        lambda e: services.execution_report(
            actor=request.user, execution=e, text=form.cleaned_data["text"], files=form.cleaned_data.get("files") or []
        ),
        _("The report was sent."),
        form,
    )


@login_required
@require_POST
def execution_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _execution_action(
        request, pk, lambda e: services.execution_accept(actor=request.user, execution=e), _("The report was accepted.")
    )


@login_required
@require_POST
def execution_return(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    return _execution_action(
        request,
        pk,
        lambda e: services.execution_return(actor=request.user, execution=e, reason=form.cleaned_data["reason"]),
        _("The report was returned for rework."),
        form,
    )


@login_required
@require_POST
def extension_ask(request: HttpRequest, pk: int) -> HttpResponse:
    form = ExtensionForm(request.POST)
    return _execution_action(
        request,
        pk,
        lambda e: services.extension_request(
            actor=request.user,
            execution=e,
            new_deadline=form.cleaned_data["new_deadline"],
            reason=form.cleaned_data["reason"],
        ),
        _("The extension request was sent."),
        form,
    )


@login_required
def extension_list(request: HttpRequest) -> HttpResponse:
    need(request.user, ACCEPT)
    pending = (
        ExtensionRequest.objects.visible_to(request.user, ACCEPT)
        .filter(status=ExtensionStatus.PENDING, execution__assignment__status="on_control")
        .select_related(
            "execution__assignment", "execution__recipient_unit", "execution__recipient_user", "requested_by"
        )
        .order_by("created_at", "id")
    )
    return render(request, "assignments/extensions.html", {"pending": list(pending[:200])})


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    ext = (
        ExtensionRequest.objects.visible_to(request.user, VIEW)
        .select_related("execution__assignment")
        .filter(pk=pk)
        .first()
    )
    if ext is None:
        raise Http404
    back = safe_next(request, reverse("assignments:extensions"))
    approve = request.POST.get("decision") == "approve"
    try:
        services.extension_decide(actor=request.user, request=ext, approve=approve, note=request.POST.get("note", ""))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect(back)
    messages.success(request, _("The extension was approved.") if approve else _("The extension was refused."))
    return redirect(back)


@login_required
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    item = ExecutionFile.objects.filter(pk=pk).select_related("execution").first()
    if item is None:
        raise Http404
    selectors.execution_get(actor=request.user, pk=item.execution_id)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)


@login_required
@require_POST
def file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = ExecutionFile.objects.filter(pk=pk).select_related("execution").first()
    if item is None:
        raise Http404
    execution = selectors.execution_get(actor=request.user, pk=item.execution_id)
    try:
        services.report_file_delete(actor=request.user, item=item)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    return redirect(reverse("assignments:execution", args=[execution.pk]))
