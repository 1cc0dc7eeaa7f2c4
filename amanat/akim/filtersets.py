"""Filters of the campaign list, shared by the HTML list and the API."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from amanat.akim.choices import CampaignStatus
from amanat.akim.models import AkimCampaign
from amanat.akim.permissions import AkimAction
from amanat.org.filtersets.people import StyledFilterSet, UnitFilter, UnitSubtreeMixin


class CampaignFilterSet(UnitSubtreeMixin, StyledFilterSet):
    unit = UnitFilter(action=AkimAction.VIEW, label=_("Branch"))
    status = filters.ChoiceFilter(label=_("Status"), choices=CampaignStatus.choices, empty_label=_("Any"))
    year = filters.NumberFilter(label=_("Year of the election"), method="filter_year", min_value=2000, max_value=2100)

    class Meta:
        model = AkimCampaign
        fields: list[str] = []

    def filter_year(self, queryset: QuerySet, name: str, value: int | None) -> QuerySet:
        return queryset if value is None else queryset.filter(election_date__year=int(value))
