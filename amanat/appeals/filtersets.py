"""Filters for the appeals inbox: one set serves the staff lists and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as filters
from django import forms
from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from amanat.accounts.models import Role, RoleGrant, User
from amanat.appeals.choices import OPEN_LIST, AppealStatus, AppealType, Channel
from amanat.appeals.models import Appeal, Category
from amanat.appeals.permissions import AppealAction
from amanat.appeals.search import SEARCH_MAX, search_appeals
from amanat.core.calendar import add_working_days
from amanat.core.permissions import in_subtree, scope_signature
from amanat.core.process_cache import cached_choices
from amanat.org.filtersets.people import ScopedChoicesFilter, StyledFilterSet, UnitFilter, yes_no_any
from amanat.org.models import Territory

DUE_DAYS_DEFAULT = 3

# The open statuses written into the SQL as constants, exactly as in the partial indexes'
# conditions (models.Appeal.Meta): SQLite uses a partial index only for a query that repeats its
# condition literally — not with bound parameters, which is how Q(status__in=…) sends them.
# The column is not qualified: inside a subquery Django renames the appeals table (U0), and a name
# of a joined table's own "status" column would be refused as ambiguous rather than read wrongly.
OPEN_CONDITION = RawSQL(  # noqa: S611 - constants of ours, no input
    '"status" IN ({})'.format(", ".join(f"'{status}'" for status in OPEN_LIST)),
    [],
    output_field=BooleanField(),
)

DEADLINE_CHOICES = [
    ("overdue", _("Overdue")),
    ("today", _("Due today")),
    ("soon", _("Due within N working days")),
]


def executors_for(user: Any, action: str = AppealAction.VIEW) -> QuerySet[User]:
    """People who may work on appeals (hold appeals.work) on units where `user` holds action."""
    if not getattr(user, "is_authenticated", False):
        return User.objects.none()
    grants = RoleGrant.objects.active().visible_to(user, action).filter(role_id__in=_worker_roles(user))
    return User.objects.filter(is_active=True, pk__in=grants.values("user_id")).order_by("full_name", "pk")


def _worker_roles(user: Any) -> list[int]:
    """Ids of the roles that include appeals.work (the process's copy of the roles, read once per
    request). Roles are few; their action lists are JSON, which SQLite cannot search inside."""
    cached = getattr(user, "_appeal_worker_roles", None)
    if cached is None:
        rows = cached_choices(Role.objects.order_by("pk"), _works_on_appeals)
        cached = user._appeal_worker_roles = [int(pk) for pk, works in rows if works]
    return cached


def _works_on_appeals(role: Role) -> str:
    return "yes" if AppealAction.WORK in (role.actions or []) else ""


class CategoryChoiceField(ModelChoiceField):
    """Categories indented by their depth, so the list reads as the tree."""

    def label_from_instance(self, obj: Category) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + str(obj)


class CategoryFilter(filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


class ExecutorFilter(ScopedChoicesFilter):
    """An executor among the people who may work on appeals in the user's scope (or the user)."""

    choices_model = User

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, queryset=self.people, **kwargs)

    def people(self, request: Any) -> QuerySet[User]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return User.objects.none()
        return User.objects.filter(Q(pk__in=executors_for(user).values("pk")) | Q(pk=user.pk)).order_by(
            "full_name", "pk"
        )

    def choices_key(self, user: Any) -> Any:
        return ("appeal_executors", user.pk, scope_signature(user, AppealAction.VIEW))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AppealFilterSet(StyledFilterSet):
    # First: the search may order by relevance, and the filters below only narrow.
    q = filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        max_length=SEARCH_MAX,
        help_text=_("A registration number, or words (at least 3 letters) of the subject, text or address."),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number or words of the text")}),
    )
    # distinct=False: one status per appeal, so no duplicates to remove — and SELECT DISTINCT over
    # every column would make a million-row count sort whole rows.
    status = filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=AppealStatus.choices,
        distinct=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    appeal_type = filters.ChoiceFilter(label=_("Type"), choices=AppealType.choices, empty_label=_("All types"))
    channel = filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices, empty_label=_("All channels"))
    category = CategoryFilter(
        label=_("Category"),
        queryset=Category.objects.order_by("path"),
        method="filter_category",
        empty_label=_("All categories"),
    )
    unit = UnitFilter(action=AppealAction.VIEW, field_name="org_unit")
    executor = ExecutorFilter(label=_("Executor"), field_name="executor", empty_label=_("Anyone"))
    territory = filters.ModelChoiceFilter(
        label=_("Place"),
        queryset=Territory.objects.filter(depth__lte=2).order_by("path"),
        method="filter_territory",
        empty_label=_("All places"),
    )
    received_from = filters.DateFilter(
        label=_("Received from"),
        method="filter_received_from",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_to = filters.DateFilter(
        label=_("Received to"),
        method="filter_received_to",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deadline = filters.ChoiceFilter(
        label=_("Deadline"), choices=DEADLINE_CHOICES, method="filter_deadline", empty_label=_("Any deadline")
    )
    due_days = filters.NumberFilter(
        label=_("N working days"),
        method="filter_noop",
        min_value=1,
        max_value=60,
        widget=forms.NumberInput(attrs={"min": 1, "max": 60, "placeholder": DUE_DAYS_DEFAULT}),
    )
    needs_review = yes_no_any(_("Needs control review"))
    is_anonymous = yes_no_any(_("Anonymous"))
    ordering = filters.OrderingFilter(
        label=_("Sort"),
        fields=(("received_at", "received"), ("deadline", "deadline"), ("number", "number")),
        field_labels={
            "received": _("Received"),
            "-received": _("Received (newest first)"),
            "deadline": _("Deadline (soonest first)"),
            "-deadline": _("Deadline (latest first)"),
            "number": _("Number"),
            "-number": _("Number (descending)"),
        },
        empty_label=_("Default order"),
    )

    class Meta:
        model = Appeal
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_appeals(queryset, value)

    def filter_category(self, queryset: QuerySet, name: str, value: Category | None) -> QuerySet:
        if value is None:
            return queryset
        # A subquery of ids rather than a join on path: the appeal's (category, received) index serves it.
        subtree = Category.objects.filter(path__startswith=value.path).values("id")
        return queryset.filter(category_id__in=subtree)

    def filter_territory(self, queryset: QuerySet, name: str, value: Territory | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(territory_id__in=Territory.objects.filter(path__startswith=value.path).values("id"))

    def filter_unit(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(in_subtree("org_unit", value)) if value is not None else queryset

    def filter_received_from(self, queryset: QuerySet, name: str, value: dt.date | None) -> QuerySet:
        # A range on the aware moment (its index), the day taken in Atyrau time.
        return queryset.filter(received_at__gte=_day_start(value)) if value else queryset

    def filter_received_to(self, queryset: QuerySet, name: str, value: dt.date | None) -> QuerySet:
        return queryset.filter(received_at__lt=_day_start(value + dt.timedelta(days=1))) if value else queryset

    def filter_noop(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset  # read by filter_deadline

    def filter_deadline(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        open_q = OPEN_CONDITION  # only open appeals have a running deadline
        if value == "overdue":
            matching = queryset.filter(open_q, deadline__lt=today)
        elif value == "today":
            matching = queryset.filter(open_q, deadline=today)
        elif value == "soon":
            days = int(self.form.cleaned_data.get("due_days") or DUE_DAYS_DEFAULT)
            matching = queryset.filter(open_q, deadline__gte=today, deadline__lte=add_working_days(today, days))
        else:
            return queryset
        # The most urgent first (a chosen "Sort" still wins: it is applied after). Newest first
        # would also be slow here: overdue appeals are old ones, so a walk from the newest would
        # pass tens of thousands of rows before the first one; appeal_open_due_idx gives them in order.
        if self.form.cleaned_data.get("unit") is not None and connections[queryset.db].vendor == "sqlite":
            # With a unit chosen, SQLite would still walk that index in deadline order over the
            # whole region (80 ms for a primary's overdue housing appeals at a million); the unary
            # plus keeps it off the index for the order, so it reads the unit's open appeals by
            # appeal_open_deadline_idx and sorts those few. PostgreSQL weighs both plans itself.
            return matching.order_by(Func(F("deadline"), template="+%(expressions)s"), "id")
        return matching.order_by("deadline", "id")
