"""Versions of a programme: each adoption (the first, then every revision by a party decision)
freezes the whole tree of items with their indicators, so that a deadline moved or a target
lowered stays visible and comparable against any earlier version or against the tree today.

- `snapshot_of` is the frozen tree (JSON-safe: decimals as strings, dates ISO);
- `version_adopt` records a version (needs `programme.manage` on the programme's branch);
- `compare` lists what changed between two snapshots: items added, removed and changed field by
  field, their indicators added, removed and changed; a later deadline and a weaker target are
  flagged, since that is how a failure gets hidden.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amanat.audit import services as audit
from amanat.core.permissions import has_action
from amanat.programme.choices import Direction
from amanat.programme.models import Indicator, Item, Programme, ProgrammeVersion
from amanat.programme.permissions import ProgrammeAction

SNAPSHOT_FORMAT = 1
VERB_ADOPTED = "programme.version_adopted"

# What is compared, in the order a reader sees it.
ITEM_FIELDS = (
    *("code", "parent", "kind", "title_kk", "title_ru", "title_en", "weight", "org_unit", "territory"),
    *("responsible_body", "responsible_official", "planned_start", "planned_end"),
    *("budget_planned", "budget_source", "is_published"),
)
INDICATOR_FIELDS = ("name_kk", "name_ru", "name_en", "unit", "baseline", "target", "direction", "weight")
# Changes a reader must not miss: when, how much, towards what.
DECIMAL_FIELDS = frozenset({"weight", "budget_planned", "baseline", "target"})
KEY_FIELDS = frozenset({"planned_start", "planned_end", "budget_planned", "baseline", "target", "direction", "weight"})

FLAG_DEADLINE_LATER = "deadline_later"
FLAG_DEADLINE_EARLIER = "deadline_earlier"
FLAG_TARGET_WEAKER = "target_weaker"
FLAG_TARGET_STRONGER = "target_stronger"
FLAG_BUDGET_CUT = "budget_cut"


# --- the frozen tree -------------------------------------------------------------------------


def _text(value: Any) -> Any:
    """A value as JSON keeps it: decimals as strings, dates ISO, the rest as is."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _names(obj: Any, base: str = "name") -> dict[str, str]:
    return {f"{base}_{code}": getattr(obj, f"{base}_{code}", "") or "" for code in ("kk", "ru", "en")}


def snapshot_of(programme: Programme) -> dict[str, Any]:
    """The programme's whole tree as it stands now, with each item's indicators."""
    items = list(
        Item.objects.filter(programme=programme)
        .select_related("territory", "responsible_body", "responsible_official__person", "org_unit")
        .order_by("path")
    )
    by_path = {item.path: item for item in items}
    indicators: dict[int, list[dict[str, Any]]] = {}
    for indicator in Indicator.objects.filter(item__programme=programme).order_by("item_id", "id"):
        indicators.setdefault(indicator.item_id, []).append(
            {
                "id": indicator.pk,
                **_names(indicator),
                "unit": indicator.unit,
                "baseline": _text(indicator.baseline),
                "target": _text(indicator.target),
                "direction": indicator.direction,
                "weight": _text(indicator.weight),
            }
        )
    rows = []
    for item in items:
        parent = by_path.get(item.path[: -Item.steplen]) if item.depth > 1 else None
        official = item.responsible_official
        rows.append(
            {
                "id": item.pk,
                "path": item.path,
                "code": item.code,
                "parent": {"id": parent.pk, "code": parent.code} if parent else None,
                "kind": item.kind,
                "title_kk": item.title_kk,
                "title_ru": item.title_ru,
                "title_en": item.title_en,
                "weight": _text(item.weight),
                "org_unit": {"id": item.org_unit_id, "code": item.org_unit.code, "name": str(item.org_unit)},
                "territory": (
                    {"id": item.territory_id, "kato": item.territory.kato, **_names(item.territory)}
                    if item.territory
                    else None
                ),
                "responsible_body": (
                    {"id": item.responsible_body_id, **_names(item.responsible_body)} if item.responsible_body else None
                ),
                # The post is public; the person's name is kept for staff and never shown publicly.
                "responsible_official": (
                    {"id": official.pk, **_names(official, "title"), "person": str(official.person)}
                    if official
                    else None
                ),
                "planned_start": _text(item.planned_start),
                "planned_end": _text(item.planned_end),
                "budget_planned": _text(item.budget_planned),
                "budget_source": item.budget_source,
                "is_published": item.is_published,
                "indicators": indicators.get(item.pk, []),
            }
        )
    return {
        "format": SNAPSHOT_FORMAT,
        "programme": {
            "id": programme.pk,
            "code": programme.code,
            **_names(programme, "title"),
            "first_year": programme.first_year,
            "last_year": programme.last_year,
        },
        "items": rows,
    }


def public_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the public may read of a snapshot: published items only, officials by post only."""
    items = []
    for row in snapshot.get("items", []):
        if not row.get("is_published", True):
            continue
        row = dict(row)
        if row.get("responsible_official"):
            row["responsible_official"] = {
                key: value for key, value in row["responsible_official"].items() if key != "person"
            }
        items.append(row)
    return {**snapshot, "items": items}


# --- adoption --------------------------------------------------------------------------------


def last_version(programme: Programme) -> ProgrammeVersion | None:
    return ProgrammeVersion.objects.filter(programme=programme).order_by("-number").first()


@transaction.atomic
def version_adopt(
    *,
    actor: Any,
    programme: Programme,
    adopted_on: dt.date | None,
    basis: str,
    note_kk: str = "",
    note_ru: str = "",
    note_en: str = "",
) -> ProgrammeVersion:
    """Record the programme as it stands now as its next version, adopted by a decision.

    The number is the last one plus one (1 for the first) and becomes the version in force.
    The basis (the decision) is required; the date may be neither in the future nor before the
    last version's. The same submission twice records one version.
    """
    programme = Programme.objects.select_for_update().select_related("org_unit").get(pk=programme.pk)
    if not has_action(actor, ProgrammeAction.MANAGE, programme.org_unit):
        raise PermissionDenied
    basis = (basis or "").strip()
    notes = {"note_kk": (note_kk or "").strip(), "note_ru": (note_ru or "").strip(), "note_en": (note_en or "").strip()}
    last = last_version(programme)
    errors: dict[str, list[str]] = {}
    if not basis:
        errors["basis"] = [_("Give the decision that adopted the version: body, date and number.")]
    elif len(basis) > 500:
        errors["basis"] = [_("The basis is longer than 500 characters.")]
    if adopted_on is None:
        errors["adopted_on"] = [_("Give the date the version was adopted.")]
    elif adopted_on > timezone.localdate():
        errors["adopted_on"] = [_("The date of adoption cannot be in the future.")]
    elif last is not None and adopted_on < last.adopted_on:
        errors["adopted_on"] = [
            _("Version %(number)s was adopted on %(date)s: a later version cannot be adopted before it.")
            % {"number": last.number, "date": last.adopted_on.strftime("%d.%m.%Y")}
        ]
    if errors:
        raise ValidationError(errors)
    snapshot = snapshot_of(programme)
    if (
        last is not None
        and last.basis == basis
        and last.adopted_on == adopted_on
        and last.snapshot.get("items") == snapshot["items"]
    ):
        return last  # a double submit: the version is already recorded
    number = last.number + 1 if last else 1
    try:
        with transaction.atomic():
            version = ProgrammeVersion.objects.create(
                programme=programme,
                number=number,
                adopted_on=adopted_on,
                basis=basis,
                snapshot=snapshot,
                created_by=actor,
                **notes,
            )
    except IntegrityError:
        raise ValidationError(
            _("Another version was recorded at the same time: reload the page and try again."), code="conflict"
        ) from None
    previous = programme.version
    programme.version = number
    programme.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        verb=VERB_ADOPTED,
        target=programme,
        changes={"version": [previous, number]} if previous != number else {},
        data={
            "version": number,
            "adopted_on": adopted_on,
            "basis": basis,
            "items": len(snapshot["items"]),
            "changes": len(compare(last.snapshot, snapshot)) if last else None,
        },
    )
    return version


# --- comparison ------------------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _key(name: str, value: Any) -> Any:
    """What decides whether a field changed: an id for a linked record, a number for a decimal
    ("40" and "40.0000" are the same target)."""
    if isinstance(value, dict):
        return value.get("id")
    if name in DECIMAL_FIELDS:
        number = _number(value)
        return number if number is not None else value
    return value


def _field_changes(old: dict[str, Any], new: dict[str, Any], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for name in fields:
        before, after = old.get(name), new.get(name)
        if _key(name, before) != _key(name, after):
            out.append({"field": name, "before": before, "after": after, "key": name in KEY_FIELDS})
    return out


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _item_flags(changes: list[dict[str, Any]]) -> list[str]:
    flags = []
    for change in changes:
        if change["field"] == "planned_end":
            before, after = _date(change["before"]), _date(change["after"])
            if before and (after is None or after > before):
                flags.append(FLAG_DEADLINE_LATER)
            elif before and after and after < before:
                flags.append(FLAG_DEADLINE_EARLIER)
        if change["field"] == "budget_planned":
            before, after = _number(change["before"]), _number(change["after"])
            if before is not None and (after is None or after < before):
                flags.append(FLAG_BUDGET_CUT)
    return flags


def _indicator_flags(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """A target is weaker when it asks for less progress from the baseline than before."""
    before, after = _number(old.get("target")), _number(new.get("target"))
    if before is None or after is None or before == after or old.get("direction") != new.get("direction"):
        return []
    better = after > before if new.get("direction") == Direction.MORE else after < before
    return [FLAG_TARGET_STRONGER if better else FLAG_TARGET_WEAKER]


def _match(old_rows: list[dict[str, Any]], new_rows: list[dict[str, Any]], name: str) -> list[tuple[Any, Any]]:
    """Pairs (old, new) of the same record: by id, then by `name` among the rest; None for a side
    that does not have it. New order first, then what was removed."""
    old_by_id = {row["id"]: row for row in old_rows}
    used: set[Any] = set()
    pairs: list[tuple[Any, Any]] = []
    unmatched_new = []
    for row in new_rows:
        if row["id"] in old_by_id:
            pairs.append((old_by_id[row["id"]], row))
            used.add(row["id"])
        else:
            unmatched_new.append(row)
    rest = {row.get(name): row for row in old_rows if row["id"] not in used and row.get(name)}
    for row in unmatched_new:
        found = rest.pop(row.get(name), None) if row.get(name) else None
        if found is not None:
            used.add(found["id"])
        pairs.append((found, row))
    pairs.extend((row, None) for row in old_rows if row["id"] not in used)
    return pairs


def _label(row: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {"id": row.get("id"), **{name: row.get(name, "") for name in names}}


def compare(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[dict[str, Any]]:
    """What changed from one snapshot to another, item by item.

    Each change: {"change": "added" | "removed" | "changed", "item": {id, code, title_*},
    "fields": [{field, before, after, key}], "indicators": [{"change", "indicator": {id, name_*,
    unit}, "fields": […], "flags": […]}], "flags": […]}. An unchanged item is left out.
    """
    old_items = (old or {}).get("items", [])
    new_items = (new or {}).get("items", [])
    changes = []
    item_label = ("code", "title_kk", "title_ru", "title_en")
    indicator_label = ("name_kk", "name_ru", "name_en", "unit")
    for before, after in _match(old_items, new_items, "code"):
        current = after or before
        entry: dict[str, Any] = {"item": _label(current, item_label), "fields": [], "indicators": [], "flags": []}
        if before is None:
            entry["change"] = "added"
            entry["indicators"] = [
                {"change": "added", "indicator": _label(row, indicator_label), "fields": [], "flags": []}
                for row in after.get("indicators", [])
            ]
            changes.append(entry)
            continue
        if after is None:
            entry["change"] = "removed"
            changes.append(entry)
            continue
        entry["change"] = "changed"
        entry["fields"] = _field_changes(before, after, ITEM_FIELDS)
        entry["flags"] = _item_flags(entry["fields"])
        for old_ind, new_ind in _match(before.get("indicators", []), after.get("indicators", []), "name_ru"):
            row = new_ind or old_ind
            if old_ind is None or new_ind is None:
                kind = "added" if old_ind is None else "removed"
                entry["indicators"].append(
                    {"change": kind, "indicator": _label(row, indicator_label), "fields": [], "flags": []}
                )
                continue
            fields = _field_changes(old_ind, new_ind, INDICATOR_FIELDS)
            if fields:
                entry["indicators"].append(
                    {
                        "change": "changed",
                        "indicator": _label(row, indicator_label),
                        "fields": fields,
                        "flags": _indicator_flags(old_ind, new_ind),
                    }
                )
        if entry["fields"] or entry["indicators"]:
            for indicator in entry["indicators"]:
                entry["flags"].extend(flag for flag in indicator["flags"] if flag not in entry["flags"])
            changes.append(entry)
    return changes


def summary(changes: list[dict[str, Any]]) -> dict[str, int]:
    """Counts for a headline: items added, removed, changed; deadlines moved later; weaker targets."""
    out = {"added": 0, "removed": 0, "changed": 0, FLAG_DEADLINE_LATER: 0, FLAG_TARGET_WEAKER: 0}
    for change in changes:
        out[change["change"]] += 1
        for flag in (FLAG_DEADLINE_LATER, FLAG_TARGET_WEAKER):
            if flag in change["flags"]:
                out[flag] += 1
    return out


def changes_in(version: ProgrammeVersion) -> list[dict[str, Any]]:
    """What the version changed against the one before it (everything is new in the first)."""
    previous = (
        ProgrammeVersion.objects.filter(programme_id=version.programme_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    return compare(previous.snapshot if previous else None, version.snapshot)


def changes_since(version: ProgrammeVersion) -> list[dict[str, Any]]:
    """What has changed in the programme since the version was adopted (to the tree today)."""
    return compare(version.snapshot, snapshot_of(version.programme))
