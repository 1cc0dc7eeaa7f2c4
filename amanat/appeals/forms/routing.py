"""Forms of the routing pages (categories, routing rules, deadline policies): validation of what
was typed only; the writes, and the model's own rules, are in `services.routing`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from amanat.accounts.models import Role, RoleGrant, User
from amanat.appeals.models import Category, DeadlinePolicy, RoutingRule
from amanat.appeals.permissions import AppealAction
from amanat.core.permissions import units_for
from amanat.org.forms.structure import StyledForm, TreeChoiceField
from amanat.org.models import OrgUnit, StateBody, Territory


class CategoryChoiceField(TreeChoiceField):
    pass


def category_field(**kwargs: Any) -> CategoryChoiceField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("label", _("Category"))
    kwargs.setdefault("empty_label", _("Any category"))
    return CategoryChoiceField(queryset=Category.objects.filter(is_active=True).order_by("path"), **kwargs)


def territory_choice(**kwargs: Any) -> TreeChoiceField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("label", _("Territory"))
    kwargs.setdefault("empty_label", _("Any territory"))
    return TreeChoiceField(queryset=Territory.objects.order_by("path"), **kwargs)


def executor_choices(actor: Any) -> QuerySet[User]:
    """People who may work on appeals somewhere in the actor's routing scope: grants on those
    units, or on the branches above them (a grant covers the whole subtree)."""
    units = units_for(actor, AppealAction.MANAGE_ROUTING)
    roots = list(units.values_list("path", flat=True)[:500])
    steplen = OrgUnit.steplen
    ancestors = {p[:i] for p in roots for i in range(steplen, len(p), steplen)}
    role_ids = [pk for pk, actions in Role.objects.values_list("pk", "actions") if AppealAction.WORK in (actions or [])]
    grants = RoleGrant.objects.active().filter(role_id__in=role_ids)
    grants = grants.filter(Q(org_unit__in=units.values("pk")) | Q(org_unit__path__in=ancestors))
    return User.objects.filter(is_active=True, pk__in=grants.values("user_id")).order_by("full_name")


class CategoryForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "name_kk", "name_ru", "name_en"]
        help_texts = {"code": _("Latin letters, digits and hyphens; used in exports and the API.")}


class RoutingRuleForm(StyledForm, forms.ModelForm):
    category = category_field(help_text=_("A rule for a category also covers the categories under it."))
    territory = territory_choice(help_text=_("A rule for a district also covers the places in it."))
    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Responsible unit"))
    default_executor = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Default executor"),
        empty_label=_("Nobody: the unit assigns"),
    )
    state_body = TreeChoiceField(
        queryset=StateBody.objects.filter(is_active=True).order_by("path"),
        required=False,
        label=_("Competent state body"),
        help_text=_("Where appeals of this kind are forwarded when the matter is not the party's to solve."),
    )

    class Meta:
        model = RoutingRule
        fields = ["category", "territory", "org_unit", "default_executor", "state_body"]

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = (
            units_for(actor, AppealAction.MANAGE_ROUTING).filter(is_active=True).order_by("path")
        )
        self.fields["org_unit"].label_from_instance = lambda u: "\u2003" * max(u.depth - 2, 0) + str(u)
        self.fields["default_executor"].queryset = executor_choices(actor)
        instance = kwargs.get("instance")
        if instance is not None and instance.category_id and not instance.category.is_active:
            # A rule keeps its category after the category goes out of use: show it still.
            self.fields["category"].queryset = Category.objects.filter(
                Q(is_active=True) | Q(pk=instance.category_id)
            ).order_by("path")


class RouteTestForm(StyledForm, forms.Form):
    category = category_field(empty_label=_("No category"))
    territory = territory_choice(empty_label=_("No place"))


class DeadlinePolicyForm(StyledForm, forms.ModelForm):
    class Meta:
        model = DeadlinePolicy
        fields = [
            "term_days",
            "forward_days",
            "max_total_months",
            "max_extensions",
            "notify_extension_days",
            "convention",
            "reminder_days",
            "escalation_days",
            "reopen_days",
            "review_below",
        ]
        widgets = {
            "reminder_days": forms.TextInput(attrs={"inputmode": "numeric", "pattern": r"[0-9 ,]*"}),
            "escalation_days": forms.TextInput(attrs={"inputmode": "numeric", "pattern": r"[0-9 ,]*"}),
        }
