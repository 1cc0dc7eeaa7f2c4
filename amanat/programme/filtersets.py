"""Filters of the programme item list and of the voters' mandates list."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from amanat.appeals.models import Appeal
from amanat.appeals.permissions import AppealAction
from amanat.appeals.search import search_appeals
from amanat.core.permissions import has_action
from amanat.org.filtersets.people import StyledFilterSet, UnitFilter, UnitSubtreeMixin, yes_no_any
from amanat.org.models import StateBody, Territory
from amanat.programme.choices import ItemKind, ItemStatus
from amanat.programme.models import Item, Programme
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.selectors import items_for, programmes_for

SEARCH_MAX = 100


def _programmes(request: Any) -> QuerySet[Programme]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(
        Q(pk__in=programmes_for(user).values("pk"))
        | Q(pk__in=Item.objects.visible_to(user, ProgrammeAction.REPORT).values("programme_id"))
    )


def _branches(request: Any) -> QuerySet[Item]:
    """Directions and commitments (items with sub-items) of the programmes the user sees."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Item.objects.none()
    # Of the programmes the user's items belong to: a district's deputy sees no regional direction
    # as an item of their own, yet filters their items by it.
    return (
        Item.objects.filter(programme_id__in=items_for(user).values("programme_id"))
        .filter(Q(kind__in=[ItemKind.DIRECTION, ItemKind.COMMITMENT]) | Q(numchild__gt=0))
        .only("pk", "path", "depth", "code", "title_kk", "title_ru", "title_en", "programme_id")
        .order_by("programme_id", "path")
    )


class BranchChoiceField(ModelChoiceField):
    """Directions and commitments indented by their depth, so the list reads as the tree."""

    def label_from_instance(self, obj: Item) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + f"{obj.code} {obj.title}".strip()


class BranchFilter(filters.ModelChoiceFilter):
    field_class = BranchChoiceField


def within(queryset: QuerySet[Item], top: Item) -> QuerySet[Item]:
    """The item and everything under it, at any depth (treebeard paths: a prefix is a subtree;
    the programme narrows the lookup to the (programme, path) index)."""
    return queryset.filter(programme_id=top.programme_id, path__startswith=top.path)


class ItemFilterSet(UnitSubtreeMixin, StyledFilterSet):
    programme = filters.ModelChoiceFilter(label=_("Programme"), queryset=_programmes, empty_label=_("All programmes"))
    parent = BranchFilter(
        label=_("Direction or commitment"),
        queryset=_branches,
        empty_label=_("All directions"),
        method="filter_parent",
    )
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

    def filter_parent(self, queryset: QuerySet, name: str, value: Item | None) -> QuerySet:
        """The chosen direction or commitment with all the items under it."""
        if value is None:
            return queryset
        return within(queryset, value)

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


class MandateFilterSet(UnitSubtreeMixin, StyledFilterSet):
    """Voters' mandates (appeals of that type) by place, branch, whether an item answers them, words."""

    territory = filters.ModelChoiceFilter(
        label=_("District or settlement"),
        queryset=Territory.objects.order_by("path"),
        empty_label=_("All territories"),
        method="filter_territory",
    )
    unit = UnitFilter(action=AppealAction.VIEW, label=_("Responsible unit"))
    answered = yes_no_any(_("Answered by a programme item"), method="filter_answered")
    # Last: filters run in order, and the search looks at what the others left.
    q = filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number or words of the mandate")}),
    )

    class Meta:
        model = Appeal
        fields: list[str] = []

    def filter_territory(self, queryset: QuerySet, name: str, value: Territory | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(territory__in=Territory.objects.filter(path__startswith=value.path).values("pk"))

    def filter_answered(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        linked = Item.appeals.through.objects.values("appeal_id")
        return queryset.filter(pk__in=linked) if value else queryset.exclude(pk__in=linked)

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_appeals(queryset, value)
