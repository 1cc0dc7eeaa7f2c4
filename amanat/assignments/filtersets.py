"""Filters of the assignments list and of one assignment's recipients (the control view)."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.assignments.choices import OPEN, AssignmentStatus, ControlLevel, ExecutionStatus
from amanat.assignments.models import Assignment, Execution
from amanat.assignments.permissions import AssignmentAction
from amanat.org.filtersets.people import StyledFilterSet, UnitFilter, UnitSubtreeMixin, yes_no_any

SEARCH_MAX = 100


def _source_kinds(request: Any) -> QuerySet[ContentType]:
    used = Assignment.objects.filter(source_type__isnull=False).order_by().values("source_type_id").distinct()
    return ContentType.objects.filter(pk__in=used)


class AssignmentFilterSet(UnitSubtreeMixin, StyledFilterSet):
    unit = UnitFilter(action=AssignmentAction.VIEW, label=_("Issuing branch"))
    status = filters.ChoiceFilter(label=_("Status"), choices=AssignmentStatus.choices, empty_label=_("Any"))
    control_level = filters.ChoiceFilter(label=_("Control level"), choices=ControlLevel.choices, empty_label=_("Any"))
    source_kind = filters.ModelChoiceFilter(
        label=_("Source"), queryset=_source_kinds, field_name="source_type", empty_label=_("Any")
    )
    overdue = yes_no_any(_("Has overdue recipients"), method="filter_overdue")
    q = filters.CharFilter(label=_("Text"), method="filter_q", max_length=SEARCH_MAX)

    class Meta:
        model = Assignment
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        late = Execution.objects.filter(
            assignment_id=OuterRef("pk"), status__in=OPEN, deadline__lt=timezone.localdate()
        )
        return queryset.filter(Exists(late)) if value else queryset.exclude(Exists(late))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(issuer_post__icontains=value))


class ExecutionFilterSet(StyledFilterSet):
    status = filters.ChoiceFilter(label=_("Status"), choices=ExecutionStatus.choices, empty_label=_("Any"))
    state = filters.ChoiceFilter(
        label=_("Show"),
        choices=[("not_done", _("Not done")), ("overdue", _("Overdue")), ("late", _("Late or overdue"))],
        empty_label=_("All recipients"),
        method="filter_state",
    )
    q = filters.CharFilter(label=_("Recipient"), method="filter_q", max_length=SEARCH_MAX)

    class Meta:
        model = Execution
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == "not_done":
            return queryset.exclude(status=ExecutionStatus.ACCEPTED)
        if value == "overdue":
            return queryset.filter(status__in=OPEN, deadline__lt=today)
        if value == "late":
            return queryset.filter(Q(status__in=OPEN, deadline__lt=today) | Q(escalation_level__gt=0))
        return queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(recipient_unit__name_kk__icontains=value)
            | Q(recipient_unit__name_ru__icontains=value)
            | Q(recipient_user__full_name__icontains=value)
        )
