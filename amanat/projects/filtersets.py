"""Filters of the event list and the volunteer list, shared by the HTML lists and the API."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.core.permissions import in_subtree
from amanat.org.filtersets.people import StyledFilterSet, UnitFilter
from amanat.org.models import OrgUnit
from amanat.projects.choices import EventKind, SignUpStatus
from amanat.projects.models import Event, Project, SignUp
from amanat.projects.permissions import ProjectAction
from amanat.projects.selectors import projects_for

SEARCH_MAX = 100


def _projects(request: Any) -> QuerySet[Project]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Project.objects.none()
    return projects_for(user)


WHEN = [("upcoming", _("Upcoming")), ("past", _("Past"))]


class EventFilterSet(StyledFilterSet):
    project = filters.ModelChoiceFilter(label=_("Project"), queryset=_projects, empty_label=_("All projects"))
    unit = UnitFilter(action=ProjectAction.VIEW, label=_("Organising unit"))
    kind = filters.ChoiceFilter(label=_("Kind"), choices=EventKind.choices, empty_label=_("Any"))
    when = filters.ChoiceFilter(label=_("When"), choices=WHEN, empty_label=_("Any time"), method="filter_when")
    q = filters.CharFilter(label=_("Title"), method="filter_q", max_length=SEARCH_MAX)

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_unit(self, queryset: QuerySet, name: str, value: OrgUnit | None) -> QuerySet:
        return queryset if value is None else queryset.filter(in_subtree("org_unit", value))

    def filter_when(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(ends_at__gt=now)
        if value == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title_kk__icontains=value) | Q(title_ru__icontains=value) | Q(title_en__icontains=value)
        )


class SignUpFilterSet(StyledFilterSet):
    project = filters.ModelChoiceFilter(
        label=_("Project"), queryset=_projects, empty_label=_("All projects"), field_name="shift__event__project"
    )
    event = filters.NumberFilter(field_name="shift__event_id", label=_("Event"))
    unit = UnitFilter(action=ProjectAction.VIEW, label=_("Organising unit"))
    status = filters.ChoiceFilter(label=_("Status"), choices=SignUpStatus.choices, empty_label=_("Any"))
    year = filters.NumberFilter(field_name="shift__starts_at__year", label=_("Year"))

    html_hidden = ("event",)

    class Meta:
        model = SignUp
        fields: list[str] = []

    def filter_unit(self, queryset: QuerySet, name: str, value: OrgUnit | None) -> QuerySet:
        return queryset if value is None else queryset.filter(in_subtree("shift__event__org_unit", value))
