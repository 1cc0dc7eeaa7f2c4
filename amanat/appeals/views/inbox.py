"""Staff lists of appeals (/manage/appeals/): the inbox, "my appeals", the control-review list,
and bulk assignment from the inbox.

Each list is one URL: the whole page, its `results` partial for htmx, or an XLSX file
(`?export=xlsx`). The query count of a page does not grow with its rows: ids first, then the
rows with their joins; days left come from the stored deadline (no events are read).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db import transaction
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from amanat.appeals.choices import OPEN_STATUSES, AppealStatus, AppealType
from amanat.appeals.filtersets import AppealFilterSet, executors_for
from amanat.appeals.models import Appeal, Category
from amanat.appeals.permissions import AppealAction
from amanat.appeals.selectors import appeals_for
from amanat.appeals.services.transitions import appeal_assign
from amanat.core.calendar import working_days_between
from amanat.core.exports import Column
from amanat.core.lists import COUNT_CAP, CappedPaginator, ScopedListView, rows_in_order
from amanat.core.permissions import grants_for, has_action, need, scope_signature
from amanat.core.process_cache import cached_choices, cached_names
from amanat.org.models import OrgUnit

ROW_RELATED = ("org_unit", "category", "executor")
# What a row of the list shows: the unit's and category's names come from the process's copy of
# those lists (`unit_and_category_names`), the executor's name from the join, the summary from the
# start of the text (a text may run to tens of kilobytes).
ROW_COLUMNS = (
    *("number", "received_at", "appeal_type", "subject", "status", "deadline"),
    *("org_unit", "category", "executor", "executor__full_name", "executor__email", "executor__phone"),
)
SUMMARY_SOURCE = 600  # characters of the text read for a row without a subject
BULK_MAX = 200  # appeals one bulk assignment may take (a page is 50)
SOON_DAYS = 3  # working days left shown in amber
# Beyond this many matches the list says "more than 1,000": counting exactly means reading every
# matching row, which at a million appeals costs more than the rest of the page.
INBOX_COUNT_CAP = min(COUNT_CAP, 1_000)
# The filters always in view; the rest fold under "More filters".
MAIN_FILTERS = ("q", "status", "deadline", "due_days", "unit", "executor")

STATUS_CSS = {
    AppealStatus.REGISTERED: "text-bg-secondary",
    AppealStatus.IN_WORK: "text-bg-primary",
    AppealStatus.FORWARDED: "text-bg-info",
    AppealStatus.PAUSED: "text-bg-warning",
    AppealStatus.ANSWERED: "text-bg-success",
    AppealStatus.CLOSED: "text-bg-dark",
    AppealStatus.DISMISSED: "text-bg-light border",
    AppealStatus.WITHDRAWN: "text-bg-light border",
    AppealStatus.MERGED: "text-bg-light border",
}


class AppealPage(Page):
    """A page that knows whether another follows from the one extra row it read, not from a count."""

    def __init__(self, object_list: list[Appeal], number: int, paginator: AppealPaginator, has_next: bool) -> None:
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class AppealPaginator(CappedPaginator):
    """Pages without counting: a page reads its ids (one more, to know whether a next page exists)
    from the indexes, then only those rows with their joins (`rows_in_order`).

    Counting the matches (up to INBOX_COUNT_CAP) can take longer than the page itself when a
    filter keeps few rows of a big unit, so the list asks for the count separately (`?count=1`,
    loaded by htmx once the rows are shown)."""

    cap = INBOX_COUNT_CAP

    def get_page(self, number: Any) -> AppealPage:
        try:
            wanted = max(int(number), 1)
        except (TypeError, ValueError):
            wanted = 1
        page = self.page(wanted)
        if not page.object_list and wanted > 1:
            # Past the end (an old link): the last page. Counting up to this page is bounded.
            before = self.object_list.order_by()[: (wanted - 1) * self.per_page].count()
            page = self.page(max(math.ceil(before / self.per_page), 1))
        return page

    def page(self, number: Any) -> AppealPage:
        number = max(int(number), 1)
        start = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[start : start + self.per_page + 1])
        has_next = len(ids) > self.per_page
        rows = Appeal.objects.only(*ROW_COLUMNS).annotate(text_start=Substr("text", 1, SUMMARY_SOURCE))
        return AppealPage(rows_in_order(rows, ids[: self.per_page], ["executor"]), number, self, has_next)


def _applicant(user: Any, field: str) -> Any:
    """An export cell with the applicant's data only where the user may see it."""
    grants = grants_for(user)

    def cell(appeal: Appeal) -> str:
        if appeal.executor_id == user.pk or grants.covers(AppealAction.VIEW_APPLICANT, appeal.org_unit.path):
            return getattr(appeal, field)
        return ""

    return cell


def export_columns_for(user: Any) -> list[Column]:
    """The XLSX columns. Applicant name and phone only for a user who holds
    appeals.view_applicant somewhere, and filled only on the rows where they hold it (or are the
    executor) — an auditor's export carries no personal data."""
    columns: list[Column] = [
        (gettext_lazy("Registration No."), "number"),
        (gettext_lazy("Received"), "received_at"),
        (gettext_lazy("Type"), "appeal_type"),
        (gettext_lazy("Category"), lambda a: str(a.category.name) if a.category_id else ""),
        (gettext_lazy("Channel"), "channel"),
        (gettext_lazy("Responsible unit"), "org_unit"),
        (gettext_lazy("Executor"), "executor"),
        (gettext_lazy("Status"), "status"),
        (gettext_lazy("Deadline"), "deadline"),
        (gettext_lazy("Answered"), "answered_at"),
        (gettext_lazy("Subject"), lambda a: a.subject or _first_words(a.text, 30)),
    ]
    if has_action(user, AppealAction.VIEW_APPLICANT):
        columns += [
            (gettext_lazy("Applicant"), _applicant(user, "applicant_name")),
            (gettext_lazy("Phone"), _applicant(user, "applicant_phone")),
        ]
    return columns


def _first_words(text: str, count: int) -> str:
    words = (text or "").split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def unit_and_category_names() -> tuple[dict[int, str], dict[int, str]]:
    """Every unit's and category's name in the current language, by id (the process's copy)."""
    return cached_names(OrgUnit.objects.order_by()), cached_names(Category.objects.order_by())


def _clip(text: str, length: int = 120) -> str:
    """At most `length` characters, "…" ending a cut (as Truncator.chars, without its HTML care)."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class DeadlineView:
    """What the list shows about a deadline; computed once per distinct date on a page."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self._left: dict[dt.date, int] = {}
        self._labels: dict[int, str] = {}

    def days_left(self, deadline: dt.date) -> int:
        if deadline not in self._left:
            self._left[deadline] = working_days_between(self.today, deadline)
        return self._left[deadline]

    def label(self, left: int) -> str:
        if left not in self._labels:
            if left < 0:
                text = ngettext("overdue by %(n)s working day", "overdue by %(n)s working days", -left) % {"n": -left}
            elif left == 0:
                text = _("due today")
            else:
                text = ngettext("%(n)s working day left", "%(n)s working days left", left) % {"n": left}
            self._labels[left] = text
        return self._labels[left]

    def css(self, left: int) -> str:
        if left < 0:
            return "text-danger fw-semibold"
        if left <= SOON_DAYS:
            return "text-warning-emphasis fw-semibold"
        return "text-success"


class AppealListView(ScopedListView):
    """The inbox: appeals of the user's units and those assigned to them."""

    model = Appeal
    action = AppealAction.VIEW
    filterset_class = AppealFilterSet
    template_name = "appeals/inbox/list.html"
    context_object_name = "appeals"
    paginator_class = AppealPaginator
    export_filename = "appeals"
    list_name = "inbox"
    title = gettext_lazy("Appeals")
    hidden_filters: tuple[str, ...] = ()
    bulk_assign = True

    def scoped(self) -> QuerySet[Appeal]:
        return appeals_for(self.request.user, self.action)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("count") == "1":
            # The "N found" line, asked for by the page after its rows are shown.
            paginator = self.get_paginator(self.get_queryset(), self.paginate_by)
            return TemplateResponse(request, "core/_found.html", {"paginator": paginator})
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Appeal]:
        queryset = self.scoped().select_related(*ROW_RELATED)
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        for name in self.hidden_filters:
            self.filterset.filters.pop(name, None)
            self.filterset.form.fields.pop(name, None)
        return self.filterset.qs if self.filterset.is_bound else queryset

    @property
    def export_columns(self) -> list[Column]:  # type: ignore[override]
        return export_columns_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        clock = DeadlineView(timezone.localdate())
        # Labels once per distinct value, not per row: a page of 50 rows stays cheap to render.
        status_labels = {value: str(label) for value, label in AppealStatus.choices}
        type_labels = {value: str(label) for value, label in AppealType.choices}
        # Every cell's text is made here, once per distinct value where it repeats: a page of 50
        # rows then costs the template little more than printing strings.
        units, categories = unit_and_category_names()
        executors: dict[int, str] = {}
        # One reverse() for the page: the same URL with each appeal's id in place of the marker.
        marker = "2147483647"
        detail_url = reverse("appeals:detail", args=[marker])
        for appeal in context["object_list"]:
            appeal.detail_url = detail_url.replace(marker, str(appeal.pk))
            appeal.received_label = timezone.localtime(appeal.received_at).strftime("%d.%m.%Y %H:%M")
            appeal.deadline_text = appeal.deadline.strftime("%d.%m.%Y") if appeal.deadline else ""
            appeal.category_label = categories.get(appeal.category_id, "—")
            appeal.unit_label = units.get(appeal.org_unit_id, "—")
            if appeal.executor_id is None:
                appeal.executor_label = "—"
            elif appeal.executor_id not in executors:
                appeal.executor_label = executors[appeal.executor_id] = str(appeal.executor)
            else:
                appeal.executor_label = executors[appeal.executor_id]
            appeal.status_css = STATUS_CSS.get(appeal.status, "text-bg-secondary")
            appeal.status_label = status_labels.get(appeal.status, appeal.status)
            appeal.type_label = type_labels.get(appeal.appeal_type, appeal.appeal_type)
            appeal.is_open_now = appeal.status in OPEN_STATUSES
            appeal.days_left = None
            if appeal.is_open_now and appeal.deadline is not None:
                appeal.days_left = clock.days_left(appeal.deadline)
                appeal.deadline_css = clock.css(appeal.days_left)
                appeal.deadline_label = clock.label(appeal.days_left)
            appeal.summary = _clip(appeal.subject or _first_words(appeal.text_start, 12))
        can_assign = self.bulk_assign and has_action(user, AppealAction.ASSIGN)
        form = self.filterset.form
        main = [form[name] for name in MAIN_FILTERS if name in form.fields]
        more = [form[name] for name in form.fields if name not in MAIN_FILTERS]
        context.update(
            title=self.title,
            list_name=self.list_name,
            can_assign=can_assign,
            executors=self.assignable(user) if can_assign else [],
            show_lists=self.list_links(),
            main_filters=main,
            more_filters=more,
            more_open=any(field.value() not in (None, "", []) for field in more),
        )
        return context

    def assignable(self, user: Any) -> list[tuple[str, str]]:
        """The people the ticked appeals may be assigned to (the form checks the choice afresh)."""
        key = ("appeal_assignees", scope_signature(user, AppealAction.ASSIGN))
        return cached_choices(lambda: executors_for(user, AppealAction.ASSIGN), key=key)

    def list_links(self) -> list[tuple[str, Any, bool]]:
        user = self.request.user
        links = [
            ("inbox", gettext_lazy("All appeals"), has_action(user, AppealAction.VIEW)),
            ("my", gettext_lazy("My appeals"), has_action(user, AppealAction.WORK)),
            ("review-list", gettext_lazy("Control review"), has_action(user, AppealAction.REVIEW)),
        ]
        return [(name, label, name == self.list_name) for name, label, allowed in links if allowed]


class MyAppealsView(AppealListView):
    """Appeals the user is the executor of: open ones first, the soonest deadline first."""

    action = AppealAction.WORK
    list_name = "my"
    title = gettext_lazy("My appeals")
    export_filename = "my-appeals"
    hidden_filters = ("executor",)
    bulk_assign = False

    def scoped(self) -> QuerySet[Appeal]:
        open_first = Case(
            When(status__in=list(OPEN_STATUSES), then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        # Assigned appeals are always visible to their executor (appeals_for), so the scope is
        # just "executor = me": the (executor, status, deadline) index answers it.
        return Appeal.objects.filter(executor_id=self.request.user.pk).order_by(
            open_first, F("deadline").asc(nulls_last=True), "-id"
        )


class ReviewListView(AppealListView):
    """Appeals the applicant rated low or found unsolved, waiting for party control's review."""

    action = AppealAction.REVIEW
    list_name = "review-list"
    title = gettext_lazy("Control review")
    export_filename = "control-review"
    hidden_filters = ("needs_review",)
    bulk_assign = False

    def scoped(self) -> QuerySet[Appeal]:
        return appeals_for(self.request.user, AppealAction.REVIEW).filter(needs_review=True)


# --- bulk assignment ---------------------------------------------------------------------------


class AppealIdsField(forms.Field):
    """The ticked appeals' ids (the view checks that the user may see each one)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        ids: list[int] = []
        for raw in value or []:
            try:
                ids.append(int(raw))
            except (TypeError, ValueError):
                raise ValidationError(gettext_lazy("Choose appeals from the list."), code="invalid") from None
        return list(dict.fromkeys(ids))

    def validate(self, value: list[int]) -> None:
        if not value:
            raise ValidationError(gettext_lazy("Tick the appeals to assign."), code="required")
        if len(value) > BULK_MAX:
            raise ValidationError(
                gettext_lazy("At most %(n)s appeals can be assigned at once."), code="max", params={"n": BULK_MAX}
            )


class BulkAssignForm(forms.Form):
    appeal = AppealIdsField(required=False)
    executor = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("Executor"),
        error_messages={
            "required": gettext_lazy("Choose the executor."),
            "invalid_choice": gettext_lazy("This person may not work on appeals in your units."),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executor"].queryset = executors_for(user, AppealAction.ASSIGN)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    inbox = reverse("appeals:inbox")
    if target.startswith(inbox) and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return inbox


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the ticked appeals to one executor: all of them, or none (each refusal is named)."""
    user = request.user
    need(user, AppealAction.ASSIGN)
    back = _back(request)
    form = BulkAssignForm(request.POST, user=user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["appeal"]
    executor = form.cleaned_data["executor"]
    appeals = list(appeals_for(user, AppealAction.VIEW).filter(pk__in=ids).select_related("org_unit"))
    if len(appeals) != len(ids):
        messages.error(request, _("Nothing was assigned: some of the chosen appeals were not found."))
        return redirect(back)
    refused: list[str] = []
    with transaction.atomic():
        for appeal in sorted(appeals, key=lambda a: a.pk):
            try:
                appeal_assign(appeal=appeal, executor=executor, actor=user)
            except PermissionDenied:
                refused.append(_("%(number)s: you may not assign appeals of this unit") % {"number": appeal.number})
            except ValidationError as exc:
                refused.append(f"{appeal.number}: {' '.join(_flat(exc))}")
        if refused:
            transaction.set_rollback(True)
    if refused:
        messages.error(request, _("Nothing was assigned. %(reasons)s.") % {"reasons": "; ".join(refused)})
    else:
        messages.success(
            request,
            ngettext("%(n)s appeal assigned to %(name)s.", "%(n)s appeals assigned to %(name)s.", len(appeals))
            % {"n": len(appeals), "name": executor},
        )
    return redirect(back)


def _flat(exc: ValidationError) -> list[str]:
    return [str(m).rstrip(".") for m in exc.messages]


urlpatterns = [
    path("", AppealListView.as_view(), name="inbox"),
    path("my/", MyAppealsView.as_view(), name="my"),
    path("review/", ReviewListView.as_view(), name="review-list"),
    path("bulk-assign/", bulk_assign, name="bulk-assign"),
]
