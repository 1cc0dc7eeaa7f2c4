"""Filters for territories, units, maslikhats, factions, deputies, state bodies and officials.

One filterset serves the staff list page and the API viewset. Odd input (`?parent=abc`, a NUL
in `q`, a huge number) is a form error: the API answers 400, the page ignores that filter.
"""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from amanat.org.choices import MaslikhatLevel, OrgUnitKind, StateBodyKind, TerritoryKind
from amanat.org.forms.structure import style_form
from amanat.org.models import Deputy, Faction, Maslikhat, Official, OrgUnit, StateBody, Territory
from amanat.org.permissions import OrgAction
from amanat.org.selectors.structure import SEARCH_MAX, children_q, clean_query, current_q, text_q


class YesNo(forms.NullBooleanSelect):
    """Any / Yes / No (the API takes true / false)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


YES_NO = YesNo
MAX_ID = 2**63 - 1


def _user(request: Any) -> Any:
    return getattr(request, "user", None)


def _territories(request: Any) -> QuerySet[Territory]:
    return Territory.objects.order_by("path") if _user(request) is not None else Territory.objects.none()


def _maslikhats(request: Any) -> QuerySet[Maslikhat]:
    user = _user(request)
    return Maslikhat.objects.visible_to(user, OrgAction.VIEW_DEPUTY) if user is not None else Maslikhat.objects.none()


def _factions(request: Any) -> QuerySet[Faction]:
    user = _user(request)
    return Faction.objects.visible_to(user, OrgAction.VIEW_DEPUTY) if user is not None else Faction.objects.none()


def _bodies(request: Any) -> QuerySet[StateBody]:
    user = _user(request)
    if user is None:
        return StateBody.objects.none()
    return StateBody.objects.visible_to(user, OrgAction.VIEW_STATE_BODY).order_by("path")


class TreeChoiceField(forms.ModelChoiceField):
    """Tree nodes indented by depth, so that a long list reads as the tree."""

    def label_from_instance(self, obj: Any) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + str(obj)


class TreeChoiceFilter(filters.ModelChoiceFilter):
    field_class = TreeChoiceField


class SearchFilter(filters.CharFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("method", "filter_q")
        kwargs.setdefault("max_length", SEARCH_MAX * 2)
        super().__init__(*args, **kwargs)


class StyledFilterSet(filters.FilterSet):
    search_fields: tuple[str, ...] = ()
    html_hidden: tuple[str, ...] = ()  # API filters the page keeps but does not offer (raw ids)

    @property
    def form(self) -> Any:
        form = super().form
        if not getattr(form, "_styled", False):
            style_form(form)
            form._styled = True
        return form

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = clean_query(value)
        return queryset.filter(text_q(self.search_fields, value)) if value else queryset

    def filter_territory(self, queryset: QuerySet, name: str, value: Territory | None) -> QuerySet:
        # A territory selects everything in it: the region selects its districts' units too.
        return queryset.filter(**{f"{name}__path__startswith": value.path}) if value is not None else queryset

    def filter_children_of(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(children_q(value)) if value is not None else queryset


class TerritoryFilterSet(StyledFilterSet):
    q = SearchFilter(label=_("Name or KATO code"))
    kind = filters.ChoiceFilter(label=_("Kind"), choices=TerritoryKind.choices)
    parent = filters.CharFilter(
        label=_("Inside (KATO code)"), method="filter_parent", max_length=9, help_text=_("Nine digits.")
    )
    search_fields = ("name_kk", "name_ru", "name_en")

    class Meta:
        model = Territory
        fields = ["q", "kind", "parent"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = clean_query(value)
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(kato__startswith=value)
        return queryset.filter(text_q(self.search_fields, value))

    def filter_parent(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = clean_query(value)
        if not value:
            return queryset
        parent = Territory.objects.filter(kato=value).first() if value.isdigit() else None
        return queryset.filter(children_q(parent)) if parent is not None else queryset.none()


class OrgUnitFilterSet(StyledFilterSet):
    html_hidden = ("parent",)
    q = SearchFilter(label=_("Name or code"))
    kind = filters.ChoiceFilter(label=_("Kind"), choices=OrgUnitKind.choices)
    parent = filters.NumberFilter(
        label=_("Directly under unit (id)"), method="filter_parent", min_value=1, max_value=MAX_ID
    )
    territory = TreeChoiceFilter(label=_("Territory"), queryset=_territories, method="filter_territory")
    hosts_reception = filters.BooleanFilter(label=_("Hosts a public reception"), widget=YES_NO)
    is_active = filters.BooleanFilter(label=_("Active"), widget=YES_NO)
    search_fields = ("name_kk", "name_ru", "name_en", "code")

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "parent", "territory", "hosts_reception", "is_active"]

    def filter_parent(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if value is None:
            return queryset
        # Looked up in the whole visible list: other filters (kind…) may already exclude the parent.
        parent = self.queryset.filter(pk=int(value)).first()
        return queryset.filter(children_q(parent)) if parent is not None else queryset.none()


class MaslikhatFilterSet(StyledFilterSet):
    q = SearchFilter(label=_("Name"))
    level = filters.ChoiceFilter(label=_("Level"), choices=MaslikhatLevel.choices)
    territory = TreeChoiceFilter(label=_("Territory"), queryset=_territories, method="filter_territory")
    convocation = filters.NumberFilter(label=_("Convocation"), min_value=1, max_value=1000)
    search_fields = ("name_kk", "name_ru", "name_en")

    class Meta:
        model = Maslikhat
        fields = ["q", "level", "territory", "convocation"]


class FactionFilterSet(StyledFilterSet):
    q = SearchFilter(label=_("Name"))
    maslikhat = filters.ModelChoiceFilter(label=_("Maslikhat"), queryset=_maslikhats)
    level = filters.ChoiceFilter(label=_("Level"), choices=MaslikhatLevel.choices, field_name="maslikhat__level")
    search_fields = ("name_kk", "name_ru", "name_en")

    class Meta:
        model = Faction
        fields = ["q", "maslikhat", "level"]


class DeputyFilterSet(StyledFilterSet):
    q = SearchFilter(label=_("Full name"))
    maslikhat = filters.ModelChoiceFilter(label=_("Maslikhat"), queryset=_maslikhats)
    faction = filters.ModelChoiceFilter(label=_("Faction"), queryset=_factions)
    level = filters.ChoiceFilter(label=_("Level"), choices=MaslikhatLevel.choices, field_name="maslikhat__level")
    current = filters.BooleanFilter(label=_("Sitting now"), method="filter_current", widget=YES_NO)

    class Meta:
        model = Deputy
        fields = ["q", "maslikhat", "faction", "level", "current"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = clean_query(value).lower()
        return queryset.filter(person__search_name__contains=value) if value else queryset

    def filter_current(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        q = current_q("term_start", "term_end")
        return queryset.filter(q) if value else queryset.exclude(q)


class StateBodyFilterSet(StyledFilterSet):
    html_hidden = ("parent",)
    q = SearchFilter(label=_("Name, short name or BIN"))
    kind = filters.ChoiceFilter(label=_("Kind"), choices=StateBodyKind.choices)
    territory = TreeChoiceFilter(label=_("Territory"), queryset=_territories, method="filter_territory")
    parent = filters.NumberFilter(
        label=_("Directly under body (id)"), method="filter_parent", min_value=1, max_value=MAX_ID
    )
    is_active = filters.BooleanFilter(label=_("Active"), widget=YES_NO)
    search_fields = ("name_kk", "name_ru", "name_en", "short_name")

    class Meta:
        model = StateBody
        fields = ["q", "kind", "territory", "parent", "is_active"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = clean_query(value)
        if not value:
            return queryset
        q = text_q(self.search_fields, value)
        if value.isdigit():
            q |= Q(bin__startswith=value)
        return queryset.filter(q)

    def filter_parent(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if value is None:
            return queryset
        parent = StateBody.objects.filter(pk=int(value)).first()
        return queryset.filter(children_q(parent)) if parent is not None else queryset.none()


class OfficialFilterSet(StyledFilterSet):
    html_hidden = ("parent",)
    q = SearchFilter(label=_("Name or post"))
    body = TreeChoiceFilter(label=_("State body"), queryset=_bodies)
    kind = filters.ChoiceFilter(label=_("Kind of body"), choices=StateBodyKind.choices, field_name="body__kind")
    territory = TreeChoiceFilter(label=_("Territory"), queryset=_territories, method="filter_body_territory")
    parent = filters.NumberFilter(
        label=_("In bodies under (id)"), method="filter_parent", min_value=1, max_value=MAX_ID
    )
    current = filters.BooleanFilter(label=_("In office now"), method="filter_current", widget=YES_NO)
    is_head = filters.BooleanFilter(label=_("Head of the body"), widget=YES_NO)

    class Meta:
        model = Official
        fields = ["q", "body", "kind", "territory", "parent", "current", "is_head"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = clean_query(value)
        if not value:
            return queryset
        q = Q(person__search_name__contains=value.lower()) | text_q(("title_kk", "title_ru", "title_en"), value)
        return queryset.filter(q)

    def filter_body_territory(self, queryset: QuerySet, name: str, value: Territory | None) -> QuerySet:
        return queryset.filter(body__territory__path__startswith=value.path) if value is not None else queryset

    def filter_parent(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if value is None:
            return queryset
        parent = StateBody.objects.filter(pk=int(value)).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(body__path__startswith=parent.path)

    def filter_current(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(current_q()) if value else queryset.exclude(current_q())
