"""Filters for the appeals inbox: one set serves the staff list and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import AppealStatus, AppealType, Channel
from amanat.appeals.models import Appeal, Category
from amanat.appeals.permissions import AppealAction
from amanat.appeals.search import SEARCH_MAX, search_appeals
from amanat.core.calendar import add_working_days
from amanat.core.permissions import in_subtree
from amanat.org.filtersets.people import StyledFilterSet, UnitFilter, yes_no_any
from amanat.org.models import Territory


class DeadlineState(filters.ChoiceFilter):
    pass


DEADLINE_CHOICES = [
    ("overdue", _("Overdue")),
    ("today", _("Due today")),
    ("soon", _("Due within N working days")),
]


class AppealFilterSet(StyledFilterSet):
    q = filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, words of the text, applicant")}),
    )
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=AppealStatus.choices)
    appeal_type = filters.ChoiceFilter(label=_("Type"), choices=AppealType.choices, empty_label=_("All types"))
    channel = filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices, empty_label=_("All channels"))
    category = filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.all(),
        method="filter_category",
        empty_label=_("All categories"),
    )
    unit = UnitFilter(action=AppealAction.VIEW, field_name="org_unit")
    executor = filters.NumberFilter(label=_("Executor"), field_name="executor_id", widget=forms.HiddenInput)
    territory = filters.ModelChoiceFilter(
        label=_("Place"),
        queryset=Territory.objects.filter(depth__lte=2),
        method="filter_territory",
        empty_label=_("All places"),
    )
    received_from = filters.DateFilter(
        label=_("Received from"), method="filter_received_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = filters.DateFilter(
        label=_("Received to"), method="filter_received_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = filters.ChoiceFilter(
        label=_("Deadline"), choices=DEADLINE_CHOICES, method="filter_deadline", empty_label=_("Any deadline")
    )
    due_days = filters.NumberFilter(
        label=_("N working days"), method="filter_noop", min_value=1, max_value=60, widget=forms.NumberInput
    )
    needs_review = yes_no_any(_("Needs control review"))
    is_anonymous = yes_no_any(_("Anonymous"))
    ordering = filters.OrderingFilter(
        label=_("Sort"),
        fields=(("received_at", "received"), ("deadline", "deadline"), ("number", "number")),
        field_labels={
            "received": _("Received"),
            "-received": _("Received (newest first)"),
            "deadline": _("Deadline (soonest first)"),
            "-deadline": _("Deadline (latest first)"),
            "number": _("Number"),
            "-number": _("Number (descending)"),
        },
        empty_label=_("Newest first"),
    )

    class Meta:
        model = Appeal
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_appeals(queryset, value)

    def filter_category(self, queryset: QuerySet, name: str, value: Category | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(category__path__startswith=value.path)

    def filter_territory(self, queryset: QuerySet, name: str, value: Territory | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(territory_id__in=Territory.objects.filter(path__startswith=value.path).values("id"))

    def filter_unit(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(in_subtree("org_unit", value)) if value is not None else queryset

    def filter_received_from(self, queryset: QuerySet, name: str, value: dt.date | None) -> QuerySet:
        return queryset.filter(registered_on__gte=value) if value else queryset

    def filter_received_to(self, queryset: QuerySet, name: str, value: dt.date | None) -> QuerySet:
        return queryset.filter(registered_on__lte=value) if value else queryset

    def filter_noop(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset  # read by filter_deadline

    def filter_deadline(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        from amanat.appeals.choices import OPEN_STATUSES

        today = timezone.localdate()
        open_q = Q(status__in=list(OPEN_STATUSES))
        if value == "overdue":
            return queryset.filter(open_q, deadline__lt=today)
        if value == "today":
            return queryset.filter(open_q, deadline=today)
        if value == "soon":
            days = int(self.form.cleaned_data.get("due_days") or 3)
            return queryset.filter(open_q, deadline__gte=today, deadline__lte=add_working_days(today, days))
        return queryset
