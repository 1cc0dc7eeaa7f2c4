"""Filters of the documents list (staff and public)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from amanat.documents.choices import DocumentKind
from amanat.documents.models import Document
from amanat.documents.permissions import DocumentAction
from amanat.org.filtersets.people import StyledFilterSet, UnitFilter, UnitSubtreeMixin

SEARCH_MAX = 100


class PublicDocumentFilterSet(StyledFilterSet):
    kind = filters.ChoiceFilter(label=_("Kind"), choices=DocumentKind.choices, empty_label=_("Any"))
    year = filters.NumberFilter(
        label=_("Year"), field_name="adopted_on", lookup_expr="year", min_value=1990, max_value=2100
    )
    q = filters.CharFilter(label=_("Text"), method="filter_q", max_length=SEARCH_MAX)

    class Meta:
        model = Document
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title_kk__icontains=value) | Q(title_ru__icontains=value) | Q(title_en__icontains=value)
            | Q(number__icontains=value)
        )  # fmt: skip


class DocumentFilterSet(UnitSubtreeMixin, PublicDocumentFilterSet):
    unit = UnitFilter(action=DocumentAction.VIEW, label=_("Branch"))

    class Meta:
        model = Document
        fields: list[str] = []
