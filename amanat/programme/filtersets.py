"""Filters of the programme item list."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from amanat.core.permissions import has_action
from amanat.org.filtersets.people import StyledFilterSet, UnitFilter, UnitSubtreeMixin
from amanat.org.models import StateBody, Territory
from amanat.programme.choices import ItemKind, ItemStatus
from amanat.programme.models import Item, Programme
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.selectors import programmes_for

SEARCH_MAX = 100


def _programmes(request: Any) -> QuerySet[Programme]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(
        Q(pk__in=programmes_for(user).values("pk"))
        | Q(pk__in=Item.objects.visible_to(user, ProgrammeAction.REPORT).values("programme_id"))
    )


class ItemFilterSet(UnitSubtreeMixin, StyledFilterSet):
    programme = filters.ModelChoiceFilter(label=_("Programme"), queryset=_programmes, empty_label=_("All programmes"))
    kind = filters.ChoiceFilter(label=_("Kind"), choices=ItemKind.choices, empty_label=_("Any"))
    status = filters.ChoiceFilter(
        label=_("Status"), choices=ItemStatus.choices, empty_label=_("Any"), method="filter_status"
    )
    territory = filters.ModelChoiceFilter(
        label=_("Territory"),
        queryset=Territory.objects.order_by("path"),
        empty_label=_("All territories"),
        method="filter_territory",
    )
    responsible_body = filters.ModelChoiceFilter(
        label=_("Responsible state body"),
        queryset=StateBody.objects.order_by("path"),
        empty_label=_("All bodies"),
    )
    unit = UnitFilter(action=ProgrammeAction.VIEW, label=_("Controlling branch"))
    q = filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number or words of the title")}),
    )

    class Meta:
        model = Item
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not has_action(user, ProgrammeAction.VIEW):
            # An official who only reports sees their bodies' items, with no branches to choose.
            self.filters.pop("unit", None)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The status the item shows: the one set by hand, or else the rules'."""
        if not value:
            return queryset
        return queryset.filter(Q(status_override=value) | Q(status_override="", computed_status=value))

    def filter_territory(self, queryset: QuerySet, name: str, value: Territory | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(territory__path__startswith=value.path)

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__istartswith=value)
            | Q(title_kk__icontains=value)
            | Q(title_ru__icontains=value)
            | Q(title_en__icontains=value)
        )
