"""Filters for people, members and positions: one set serves the staff pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import QuerySet
from django.forms import DateInput
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from amanat.core.permissions import in_subtree
from amanat.core.widgets import quick_selects
from amanat.org.choices import MemberStatus, PositionKind
from amanat.org.forms.people import style_form
from amanat.org.models import Member, OrgUnit, Person, Position
from amanat.org.permissions import OrgAction
from amanat.org.selectors.people import SEARCH_MAX, current_q, search, units_for


class UnitChoiceField(ModelChoiceField):
    """Units indented by their depth in the tree, so that a long list reads as the structure."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + str(obj)


class UnitFilter(filters.ModelChoiceFilter):
    """A unit and everything under it (a district branch selects all its primaries)."""

    field_class = UnitChoiceField

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        self.action = action
        kwargs.setdefault("label", _("Unit"))
        kwargs.setdefault("empty_label", _("All units"))
        kwargs.setdefault("method", "filter_unit")
        super().__init__(*args, queryset=self.units, **kwargs)

    def units(self, request: Any) -> QuerySet[OrgUnit]:
        user = getattr(request, "user", None)
        return units_for(user, self.action) if user is not None else OrgUnit.objects.none()


def yes_no_any(label: Any, **kwargs: Any) -> filters.BooleanFilter:
    """A yes/no filter whose empty choice reads "any" (the API takes true/false)."""
    choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]
    return filters.BooleanFilter(label=label, widget=forms.Select(choices=choices), **kwargs)


class StyledFilterSet(filters.FilterSet):
    @property
    def form(self) -> Any:
        form = super().form
        if not getattr(form, "_styled", False):
            style_form(quick_selects(form))
            form._styled = True
        return form


class UnitSubtreeMixin:
    def filter_unit(self, queryset: QuerySet, name: str, value: OrgUnit | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(in_subtree("org_unit", value))


class PersonFilterSet(UnitSubtreeMixin, StyledFilterSet):
    unit = UnitFilter(action=OrgAction.VIEW_PERSON)
    # Last: filters run in order, and the name search looks at what the others left.
    q = filters.CharFilter(
        method="filter_q",
        label=_("Name, IIN or phone"),
        max_length=SEARCH_MAX,
        help_text=_("Start of the name, a full IIN, or a phone number."),
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search(queryset, value, name="search_name", person="")


class MemberFilterSet(UnitSubtreeMixin, StyledFilterSet):
    unit = UnitFilter(action=OrgAction.VIEW_MEMBER)
    status = filters.ChoiceFilter(choices=MemberStatus.choices, label=_("Status"), empty_label=_("Any"))
    youth_wing = yes_no_any(_("Youth wing"))
    # A real date picker on phones and desktops; the value travels as YYYY-MM-DD.
    joined_after = filters.DateFilter(
        field_name="joined_on",
        lookup_expr="gte",
        label=_("Joined on or after"),
        widget=DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    joined_before = filters.DateFilter(
        field_name="joined_on",
        lookup_expr="lte",
        label=_("Joined on or before"),
        widget=DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Last: filters run in order, and the name search looks at what the others left.
    q = filters.CharFilter(
        method="filter_q",
        label=_("Name, card or IIN"),
        max_length=SEARCH_MAX,
        help_text=_("Start of the name, a party card number, or a full IIN."),
    )

    class Meta:
        model = Member
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search(queryset, value, name="search_name", person="person", card="card_number")


class PositionFilterSet(UnitSubtreeMixin, StyledFilterSet):
    unit = UnitFilter(action=OrgAction.VIEW_POSITION)
    kind = filters.ChoiceFilter(choices=PositionKind.choices, label=_("Position"), empty_label=_("Any"))
    current = yes_no_any(_("Current term"), method="filter_current")

    class Meta:
        model = Position
        fields: list[str] = []

    def filter_current(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(current_q()) if value else queryset.exclude(current_q())
