"""Writes of the programme tree: items and their indicators.

Each is one transaction that checks `programme.manage` on the item's branch, refuses bad input
with field errors and changes nothing then, writes an audit event, and recomputes the item and
the items above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from amanat.audit import services as audit
from amanat.core.permissions import has_action
from amanat.programme.choices import Direction
from amanat.programme.models import Indicator, Item, Programme
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.services.progress import rebuild_cells, recompute_up

ITEM_FIELDS = (
    *("kind", "code", "title_kk", "title_ru", "title_en", "description_kk", "description_ru", "description_en"),
    *("weight", "org_unit", "territory", "responsible_body", "responsible_official"),
    *("curator_faction", "curator_deputy", "planned_start", "planned_end"),
    *("budget_planned", "budget_spent", "budget_source", "is_published"),
)
INDICATOR_FIELDS = (*("name_kk", "name_ru", "name_en", "unit", "baseline", "target", "direction", "weight", "source"),)


def _need_manage(actor: Any, unit: Any) -> None:
    if unit is None or not has_action(actor, ProgrammeAction.MANAGE, unit):
        raise PermissionDenied


def _item_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (values.get("title_kk") or "").strip():
        errors["title_kk"] = [_("Give the title in Kazakh.")]
    if not (values.get("title_ru") or "").strip():
        errors["title_ru"] = [_("Give the title in Russian.")]
    weight = values.get("weight")
    if weight is None or Decimal(weight) <= 0:
        errors["weight"] = [_("The weight must be greater than zero.")]
    start, end = values.get("planned_start"), values.get("planned_end")
    if start and end and end < start:
        errors["planned_end"] = [_("The planned end cannot be before the planned start.")]
    if values.get("org_unit") is None:
        errors["org_unit"] = [_("Choose the controlling branch.")]
    return errors


def _changes(obj: Any, values: Mapping[str, Any]) -> dict[str, list[str]]:
    changes = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [str(before if before is not None else ""), str(value if value is not None else "")]
    return changes


@transaction.atomic
def item_create(*, actor: Any, programme: Programme, values: Mapping[str, Any], parent: Item | None = None) -> Item:
    """Add an item to the programme, at the top or under `parent`."""
    values = {name: values[name] for name in ITEM_FIELDS if name in values}
    values.setdefault("weight", Decimal(1))
    _need_manage(actor, values.get("org_unit") or (parent.org_unit if parent else programme.org_unit))
    if parent is not None:
        _need_manage(actor, parent.org_unit)
    errors = _item_errors(values)
    if parent is not None and parent.programme_id != programme.pk:
        errors["parent"] = [_("The parent item belongs to another programme.")]
    if errors:
        raise ValidationError(errors)
    instance = Item(programme=programme, **values)
    item = (
        Item.objects.add_child(parent, instance=instance)
        if parent is not None
        else Item.objects.add_root(instance=instance)
    )
    audit.record(
        actor=actor,
        verb="programme.item_created",
        target=item,
        data={"programme": programme.pk, "parent": parent.pk if parent else None, "code": item.code},
    )
    recompute_up(item)
    return item


@transaction.atomic
def item_update(*, actor: Any, item: Item, values: Mapping[str, Any]) -> Item:
    """Change an item's texts, dates, budget and responsibility (not its place in the tree)."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    _need_manage(actor, item.org_unit)
    values = {name: values[name] for name in ITEM_FIELDS if name in values}
    if "org_unit" in values and values["org_unit"] is not None and values["org_unit"] != item.org_unit:
        _need_manage(actor, values["org_unit"])
    merged = {name: getattr(item, name) for name in ITEM_FIELDS} | values
    if errors := _item_errors(merged):
        raise ValidationError(errors)
    changes = _changes(item, values)
    old_unit = item.org_unit_id
    for name, value in values.items():
        setattr(item, name, value)
    item.save()
    if changes:
        audit.record(actor=actor, verb="programme.item_updated", target=item, changes=changes)
    recompute_up(item)
    if item.org_unit_id != old_unit:  # its trend moves now count for the other branch
        rebuild_cells([(item.programme_id, old_unit), (item.programme_id, item.org_unit_id)])
    return item


@transaction.atomic
def item_move(*, actor: Any, item: Item, parent: Item | None) -> Item:
    """Put the item (with its sub-items) under `parent`, or at the top of its programme."""
    item = Item.objects.get(pk=item.pk)
    _need_manage(actor, item.org_unit)
    if parent is not None:
        parent = Item.objects.get(pk=parent.pk)
        _need_manage(actor, parent.org_unit)
        if parent.pk == item.pk or parent.path.startswith(item.path):
            raise ValidationError(
                {"parent": [_("An item cannot be put under itself or its own sub-item: a cycle in the tree.")]}
            )
        if parent.programme_id != item.programme_id:
            raise ValidationError({"parent": [_("The parent item belongs to another programme.")]})
    old_parent = Item.objects.get_parent(item)
    if (old_parent.pk if old_parent else None) == (parent.pk if parent else None):
        return item
    if parent is None:
        Item.objects.move(item, Item.objects.get_first_root_node(), pos="last-sibling")
    else:
        Item.objects.move(item, parent, pos="last-child")
    item = Item.objects.get(pk=item.pk)
    audit.record(
        actor=actor,
        verb="programme.item_moved",
        target=item,
        changes={"parent": [str(old_parent or ""), str(parent or "")]},
    )
    recompute_up(item)
    if old_parent is not None:
        recompute_up(Item.objects.get(pk=old_parent.pk))
    return item


def _indicator_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, message in (
        ("name_kk", _("Give the name in Kazakh.")),
        ("name_ru", _("Give the name in Russian.")),
        ("unit", _("Give the unit of measure.")),
    ):
        if not (values.get(name) or "").strip():
            errors[name] = [message]
    baseline, target = values.get("baseline"), values.get("target")
    if baseline is None:
        errors["baseline"] = [_("Give the baseline value.")]
    if target is None:
        errors["target"] = [_("Give the target value.")]
    if baseline is not None and target is not None:
        direction = values.get("direction") or Direction.MORE
        if target == baseline:
            errors["target"] = [_("The target must differ from the baseline.")]
        elif direction == Direction.MORE and target < baseline:
            errors["target"] = [_("When more is better, the target must be above the baseline.")]
        elif direction == Direction.LESS and target > baseline:
            errors["target"] = [_("When less is better, the target must be below the baseline.")]
    if values.get("direction") not in Direction.values:
        errors["direction"] = [_("Choose which way the indicator gets better.")]
    weight = values.get("weight")
    if weight is None or Decimal(weight) <= 0:
        errors["weight"] = [_("The weight must be greater than zero.")]
    return errors


@transaction.atomic
def indicator_create(*, actor: Any, item: Item, values: Mapping[str, Any]) -> Indicator:
    """Add a measurable target to the item."""
    _need_manage(actor, item.org_unit)
    values = {name: values[name] for name in INDICATOR_FIELDS if name in values}
    values.setdefault("weight", Decimal(1))
    values.setdefault("direction", Direction.MORE)
    if errors := _indicator_errors(values):
        raise ValidationError(errors)
    indicator = Indicator.objects.create(item=item, **values)
    audit.record(
        actor=actor,
        verb="programme.indicator_created",
        target=item,
        data={"indicator": indicator.pk, "name": indicator.name_ru},
    )
    recompute_up(item)
    return indicator


@transaction.atomic
def indicator_update(*, actor: Any, indicator: Indicator, values: Mapping[str, Any]) -> Indicator:
    """Change an indicator: its names, unit, baseline, target, direction, weight or source."""
    indicator = Indicator.objects.select_for_update().select_related("item").get(pk=indicator.pk)
    _need_manage(actor, indicator.item.org_unit)
    values = {name: values[name] for name in INDICATOR_FIELDS if name in values}
    merged = {name: getattr(indicator, name) for name in INDICATOR_FIELDS} | values
    if errors := _indicator_errors(merged):
        raise ValidationError(errors)
    changes = _changes(indicator, values)
    for name, value in values.items():
        setattr(indicator, name, value)
    indicator.save()
    if changes:
        audit.record(
            actor=actor,
            verb="programme.indicator_updated",
            target=indicator.item,
            changes=changes,
            data={"indicator": indicator.pk},
        )
    recompute_up(indicator.item)
    return indicator
