"""Filters for the people list, shared by the staff page and the API."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from amanat.accounts.models import Role, RoleGrant, User
from amanat.accounts.permissions import AccountsAction
from amanat.accounts.selectors import units_where
from amanat.core.permissions import in_subtree
from amanat.org.models import OrgUnit


def _units(request: Any) -> models.QuerySet:
    if request is None:
        return OrgUnit.objects.none()
    return units_where(request.user, AccountsAction.VIEW_USER)


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, e-mail or phone"), method="filter_q")
    org_unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=_units, method="filter_unit")
    role = django_filters.ModelChoiceFilter(
        label=_("Role"), queryset=Role.objects.order_by("code"), to_field_name="code", method="filter_role"
    )

    class Meta:
        model = User
        fields = ["q", "org_unit", "role"]

    @property
    def form(self) -> Any:
        form = super().form
        for field in form.fields.values():
            css = "form-select" if hasattr(field.widget, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)
        return form

    def _grants(self) -> models.QuerySet:
        # Only grants the actor may see: a filter must not reveal roles held elsewhere.
        user = getattr(self.request, "user", None)
        return RoleGrant.objects.visible_to(user, AccountsAction.VIEW_USER)

    def filter_q(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        value = (value or "").strip()[:100]
        if not value:
            return queryset
        q = Q(full_name__icontains=value) | Q(email__icontains=value)
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 4 and "@" not in value:
            # People type the national prefix 8 where the stored number has 7.
            if digits.startswith("8") and len(digits) > 4:
                digits = "7" + digits[1:]
            q |= Q(phone__contains=digits)
        return queryset.filter(q)

    def filter_unit(self, queryset: models.QuerySet, name: str, value: OrgUnit | None) -> models.QuerySet:
        if value is None:
            return queryset
        grants = self._grants().filter(in_subtree("org_unit", value), revoked_at__isnull=True)
        return queryset.filter(pk__in=grants.values("user_id"))

    def filter_role(self, queryset: models.QuerySet, name: str, value: Role | None) -> models.QuerySet:
        if value is None:
            return queryset
        grants = self._grants().active().filter(role=value)
        return queryset.filter(pk__in=grants.values("user_id"))
