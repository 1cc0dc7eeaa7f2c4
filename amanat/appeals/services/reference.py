"""Intake's copy of the reference data it reads on every registration: the categories, places and
units a request names, the routing table, the deadline policies.

An admin changes them rarely, so each process keeps a copy, read again as `core.process_cache`
describes: at once after this process's own save (the signals below), on another worker's save
through the shared token, and at the latest after REFERENCE_TTL seconds. The caller's grants are
never kept here: they are read per request.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models.signals import post_delete, post_save

from amanat.appeals.models import Category, DeadlinePolicy, RoutingRule
from amanat.core.process_cache import ProcessCopy
from amanat.org.models import OrgUnit, Territory

REFERENCE_KEY = "appeals:intake-reference"
REFERENCE_TTL = 30


class Reference:
    """One process's copy of the reference data of intake; shared by requests, never changed."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, int], Any] = {}
        self._policies: dict[str, DeadlinePolicy] = {}
        self._default_units: dict[str, OrgUnit | None] = {}

    def _row(self, kind: str, pk: int, queryset: Any) -> Any:
        found = self._rows.get((kind, pk))
        if found is None:
            # An unknown id is asked for again next time: it may have been added since.
            found = queryset.filter(pk=pk).first()
            if found is not None:
                self._rows[(kind, pk)] = found
        return found

    def category(self, pk: int) -> Category | None:
        """An active category (its parents are not checked: as the staff form)."""
        return self._row("category", pk, Category.objects.filter(is_active=True))

    def territory(self, pk: int) -> Territory | None:
        return self._row("territory", pk, Territory.objects.all())

    def unit(self, pk: int) -> OrgUnit | None:
        """An active unit."""
        return self._row("unit", pk, OrgUnit.objects.filter(is_active=True))

    @cached_property
    def rules(self) -> dict[tuple[str, str], RoutingRule]:
        """The routing table by (category path, place path), "" for "any" (one rule per pair).

        Without the default executor: a User keeps its grants cached on itself (`route` copies)."""
        rules = RoutingRule.objects.select_related("category", "territory", "org_unit", "state_body")
        return {
            (r.category.path if r.category_id else "", r.territory.path if r.territory_id else ""): r for r in rules
        }

    def policy(self, appeal_type: str) -> DeadlinePolicy:
        if appeal_type not in self._policies:
            self._policies[appeal_type] = DeadlinePolicy.for_type(appeal_type)
        return self._policies[appeal_type]

    def default_unit(self, code: str) -> OrgUnit | None:
        if code not in self._default_units:
            unit = OrgUnit.objects.filter(code=code).first() if code else None
            if unit is None:
                unit = OrgUnit.objects.filter(kind="regional", is_active=True).order_by("path").first()
            self._default_units[code] = unit or OrgUnit.objects.order_by("path").first()
        return self._default_units[code]


_reference = ProcessCopy(REFERENCE_KEY, REFERENCE_TTL, Reference)


def reference() -> Reference:
    """This process's copy of the reference data, read again when it may be stale (see above)."""
    return _reference.get()


def forget_reference(**kwargs: Any) -> None:
    """Drop the copies (this process's at once, the others' through the shared token)."""
    _reference.drop()


for _model in (Category, Territory, OrgUnit, RoutingRule, DeadlinePolicy):
    post_save.connect(forget_reference, sender=_model, dispatch_uid=f"appeals-intake-reference-saved-{_model.__name__}")
    post_delete.connect(
        forget_reference, sender=_model, dispatch_uid=f"appeals-intake-reference-deleted-{_model.__name__}"
    )
