"""Filters of the staff lists (councils, recommendations) and of the public recommendations."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from amanat.core.permissions import in_subtree
from amanat.councils.choices import RecommendationStatus, ResponseKind
from amanat.councils.models import Council, Recommendation
from amanat.councils.permissions import CouncilAction
from amanat.councils.selectors import overdue_q
from amanat.councils.workflow import PUBLIC
from amanat.org.filtersets.people import StyledFilterSet, UnitFilter, yes_no_any
from amanat.org.models import OrgUnit, StateBody


def _addressees(request: Any) -> QuerySet[StateBody]:
    return StateBody.objects.filter(council_recommendations__isnull=False).distinct().order_by("path")


def _councils(request: Any) -> QuerySet[Council]:
    user = getattr(request, "user", None)
    return Council.objects.visible_to(user, CouncilAction.VIEW) if user is not None else Council.objects.none()


class CouncilFilterSet(StyledFilterSet):
    unit = UnitFilter(action=CouncilAction.VIEW)
    q = filters.CharFilter(label=_("Title"), method="filter_q")

    class Meta:
        model = Council
        fields: list[str] = []

    def filter_unit(self, queryset: QuerySet, name: str, value: OrgUnit | None) -> QuerySet:
        return queryset if value is None else queryset.filter(in_subtree("org_unit", value))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()[:100]
        if not value:
            return queryset
        return queryset.filter(title_kk__icontains=value) | queryset.filter(title_ru__icontains=value)


class RecommendationFilterSet(StyledFilterSet):
    council = filters.ModelChoiceFilter(label=_("Council"), queryset=_councils, empty_label=_("All councils"))
    status = filters.ChoiceFilter(label=_("Status"), choices=RecommendationStatus.choices, empty_label=_("Any"))
    addressee = filters.ModelChoiceFilter(
        label=_("Addressee"), field_name="addressee_body", queryset=_addressees, empty_label=_("All addressees")
    )
    response = filters.ChoiceFilter(
        label=_("Response"), field_name="response_kind", choices=ResponseKind.choices, empty_label=_("Any")
    )
    overdue = yes_no_any(_("No response past the deadline"), method="filter_overdue")
    unit = UnitFilter(action=CouncilAction.VIEW)

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def filter_unit(self, queryset: QuerySet, name: str, value: OrgUnit | None) -> QuerySet:
        return queryset if value is None else queryset.filter(in_subtree("council__org_unit", value))

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())


class PublicRecommendationFilterSet(StyledFilterSet):
    status = filters.ChoiceFilter(
        label=_("Status"),
        choices=[c for c in RecommendationStatus.choices if c[0] in PUBLIC],
        empty_label=_("Any"),
    )
    addressee = filters.ModelChoiceFilter(
        label=_("Addressee"), field_name="addressee_body", queryset=_addressees, empty_label=_("All addressees")
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []
