"""Filters for people, members and positions: one set serves the staff pages and the API."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

import django_filters as filters
from django import forms
from django.db import models
from django.db.models import QuerySet
from django.forms import DateInput
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from amanat.core.permissions import in_subtree, scope_signature
from amanat.core.widgets import quick_selects
from amanat.org.choices import MemberStatus, PositionKind
from amanat.org.forms.people import style_form
from amanat.org.models import Member, OrgUnit, Person, Position
from amanat.org.permissions import OrgAction
from amanat.org.selectors.people import SEARCH_MAX, current_q, search, units_for


class ScopedChoiceField(ModelChoiceField):
    """A choice among the rows of the user's scope. Its options come from the process's copy
    (`choices_key`); the scoped queryset (`scoped`) is built and read only when a value is chosen,
    to check it: building it costs more than rendering the options."""

    scoped: Callable[[], QuerySet] | None = None
    choices_key: Any = None

    def to_python(self, value: Any) -> Any:
        if self.scoped is not None and value not in self.empty_values:
            self.queryset, self.scoped = self.scoped(), None
        return super().to_python(value)


class UnitChoiceField(ScopedChoiceField):
    """Units indented by their depth in the tree, so that a long list reads as the structure."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + str(obj)


class ScopedChoicesFilter(filters.ModelChoiceFilter):
    """A choice filter whose options follow the user's scope: the option list is kept per process
    under `choices_key(user)` (`core.process_cache`), shared by the users of the same scope, and
    the field starts with an empty queryset of `choices_model` until a chosen value is checked."""

    field_class = ScopedChoiceField
    choices_model: type[models.Model]

    def choices_key(self, user: Any) -> Any:
        raise NotImplementedError

    def get_queryset(self, request: Any) -> QuerySet:
        return self.choices_model._default_manager.none()

    @property
    def field(self) -> Any:
        field = super().field
        request = self.get_request()
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and field.choices_key is None:
            field.choices_key = self.choices_key(user)
            field.scoped = partial(filters.ModelChoiceFilter.get_queryset, self, request)
        return field


class UnitFilter(ScopedChoicesFilter):
    """A unit and everything under it (a district branch selects all its primaries)."""

    field_class = UnitChoiceField
    choices_model = OrgUnit

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        self.action = action
        kwargs.setdefault("label", _("Unit"))
        kwargs.setdefault("empty_label", _("All units"))
        kwargs.setdefault("method", "filter_unit")
        super().__init__(*args, queryset=self.units, **kwargs)

    def units(self, request: Any) -> QuerySet[OrgUnit]:
        user = getattr(request, "user", None)
        return units_for(user, self.action) if user is not None else OrgUnit.objects.none()

    def choices_key(self, user: Any) -> Any:
        return ("units_for", self.action, scope_signature(user, self.action))


def yes_no_any(label: Any, **kwargs: Any) -> filters.BooleanFilter:
    """A yes/no filter whose empty choice reads "any" (the API takes true/false)."""
    choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]
    return filters.BooleanFilter(label=label, widget=forms.Select(choices=choices), **kwargs)


class _ShallowCopies(dict):
    """The class's filters, copied shallowly for each filter set: django-filter deep-copies them
    (every choice, label and widget; ~800 copies for the appeals inbox), though a filter set only
    sets attributes on its own copies and each form field copies its widget itself."""

    def __deepcopy__(self, memo: dict) -> dict:
        copies = {}
        for name, original in self.items():
            clone = copy.copy(original)
            clone.extra = dict(original.extra)  # a filter writes its request's queryset in there
            clone.__dict__.pop("_field", None)  # a field made once for the class is not shared
            if getattr(original, "method", None) is not None:
                clone.method = original.method  # its FilterMethod looks the method up on the clone's parent
            copies[name] = clone
        return copies


class StyledFilterSet(filters.FilterSet):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.base_filters = _ShallowCopies(type(self).base_filters)
        super().__init__(*args, **kwargs)

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
