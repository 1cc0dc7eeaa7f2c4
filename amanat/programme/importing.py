"""Import and export of a programme's road map as XLSX (section 7 of the issue).

The workbook has two sheets, each with a first row naming its columns (the keys below):
Items (one row per item; `parent_code` names the item above, blank for a top-level one) and
Indicators (one row per indicator, under its item's code). Every row is checked first
(`read_workbook`); only a file without errors is written, all of it in one transaction
(`import_rows`). Items already in the programme are matched by code and updated; indicators by
their Russian name within the item. The export writes the same layout, so a file round-trips.

Import runs in two steps: the checked file is kept under a random token (`keep_upload`) while
the person reads what would be created and updated (`preview`), and "Confirm" writes it from the
kept file, checked again. A kept file is removed once written, or after a day. A token is written
at most once: the audit event of the import names it, and the programme's row is locked meanwhile.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from amanat.audit import services as audit
from amanat.audit.models import AuditEvent
from amanat.core.permissions import has_action
from amanat.org.models import OrgUnit, StateBody, Territory
from amanat.programme.choices import BudgetSource, Direction, ItemKind
from amanat.programme.models import Indicator, Item, Programme
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.services.progress import recompute_all

MAX_ROWS = 5000
ITEMS_SHEET = "Items"
INDICATORS_SHEET = "Indicators"

ITEM_COLUMNS: list[tuple[str, Any]] = [
    ("code", gettext_lazy("Number of the item, unique in the programme: 2.3.1")),
    ("parent_code", gettext_lazy("Number of the item above it; blank for a direction")),
    ("kind", gettext_lazy("direction, commitment or roadmap")),
    ("title_kk", gettext_lazy("Title in Kazakh")),
    ("title_ru", gettext_lazy("Title in Russian")),
    ("title_en", gettext_lazy("Title in English (optional)")),
    ("unit_code", gettext_lazy("Code of the controlling party branch")),
    ("territory_kato", gettext_lazy("KATO code of the territory (optional)")),
    ("responsible_body", gettext_lazy("Responsible state body: its id or its Russian name (optional)")),
    ("planned_start", gettext_lazy("Planned start, YYYY-MM-DD or DD.MM.YYYY (optional)")),
    ("planned_end", gettext_lazy("Planned end, YYYY-MM-DD or DD.MM.YYYY (optional)")),
    ("budget_planned", gettext_lazy("Planned budget in tenge (optional)")),
    ("budget_source", gettext_lazy("republican, local, national_fund, private or other (optional)")),
    ("weight", gettext_lazy("Weight among its siblings, more than 0 (1 when blank)")),
]
INDICATOR_COLUMNS: list[tuple[str, Any]] = [
    ("item_code", gettext_lazy("Number of the item the indicator measures")),
    ("name_kk", gettext_lazy("Name in Kazakh")),
    ("name_ru", gettext_lazy("Name in Russian (unique within the item)")),
    ("unit", gettext_lazy("Unit: km, %, beds…")),
    ("baseline", gettext_lazy("Value at the start")),
    ("target", gettext_lazy("Value to reach")),
    ("direction", gettext_lazy("more or less: which way is better")),
    ("weight", gettext_lazy("Weight among the item's indicators, more than 0 (1 when blank)")),
    ("source", gettext_lazy("Data source (optional)")),
]


@dataclass
class RowError:
    sheet: str
    row: int
    message: str


@dataclass
class ItemRow:
    row: int
    code: str
    parent_code: str
    values: dict[str, Any]


@dataclass
class IndicatorRow:
    row: int
    item_code: str
    values: dict[str, Any]


@dataclass
class Parsed:
    items: list[ItemRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class UnreadableFileError(Exception):
    """The file cannot be read at all."""


# --- reading ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decimal(value: Any, *, digits: int, places: int) -> Decimal:
    """A number from a cell; ValueError when it is not one or does not fit the column."""
    if isinstance(value, bool):
        raise ValueError
    try:
        number = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\xa0", ""))
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    number = number.quantize(Decimal(1).scaleb(-places)) if number.as_tuple().exponent < -places else number
    if abs(number) >= Decimal(10) ** (digits - places):
        raise ValueError
    return number


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    try:
        if "." in text:
            day, month, year = (int(part) for part in text.split("."))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        pass
    raise ValueError


def _rows(workbook: Any, sheet: str, columns: list[tuple[str, Any]]) -> tuple[list[tuple[int, dict[str, Any]]], str]:
    """The sheet's filled rows as (row number, {column: value}); an error text when the sheet or a
    column is missing."""
    if sheet not in workbook.sheetnames:
        return [], _("The sheet “%(sheet)s” is missing.") % {"sheet": sheet}
    rows = workbook[sheet].iter_rows(values_only=True)
    header = [_text(cell).lower() for cell in next(rows, ())]
    missing = [name for name, _help in columns if name not in header]
    if missing:
        return [], _("Columns missing: %(names)s.") % {"names": ", ".join(missing)}
    where = {name: header.index(name) for name, _help in columns}
    out = []
    for number, row in enumerate(rows, start=2):
        if row is None or all(cell in (None, "") for cell in row):
            continue
        out.append((number, {name: (row[i] if i < len(row) else None) for name, i in where.items()}))
    return out, ""


def read_workbook(upload: BinaryIO, *, programme: Programme, actor: Any) -> Parsed:
    """Read and check every row of the file against the programme and the directories."""
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise UnreadableFileError(_("The file is not an XLSX workbook.")) from exc
    parsed = Parsed()
    item_rows, problem = _rows(workbook, ITEMS_SHEET, ITEM_COLUMNS)
    if problem:
        parsed.errors.append(RowError(ITEMS_SHEET, 1, problem))
    indicator_rows, problem = _rows(workbook, INDICATORS_SHEET, INDICATOR_COLUMNS)
    if problem:
        parsed.errors.append(RowError(INDICATORS_SHEET, 1, problem))
    if len(item_rows) + len(indicator_rows) > MAX_ROWS:
        parsed.errors.append(RowError(ITEMS_SHEET, 1, _("At most %(n)s rows in one file.") % {"n": MAX_ROWS}))
    if parsed.errors:
        return parsed
    _check_items(parsed, item_rows, programme=programme, actor=actor)
    _check_indicators(parsed, indicator_rows, programme=programme)
    return parsed


def _check_items(parsed: Parsed, rows: list[tuple[int, dict[str, Any]]], *, programme: Programme, actor: Any) -> None:
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    existing = {item.code: item for item in programme.items.exclude(code="")}
    katos = {_text(raw["territory_kato"]) for _number, raw in rows} - {""}
    territories = {t.kato: t for t in Territory.objects.filter(kato__in=katos)}
    seen: dict[str, int] = {}
    for number, raw in rows:
        errors: list[str] = []
        code = _text(raw["code"])
        parent_code = _text(raw["parent_code"])
        values: dict[str, Any] = {}
        if not code:
            errors.append(_("Give the item's number."))
        elif len(code) > 32:
            errors.append(_("The number is longer than 32 characters."))
        elif code in seen:
            errors.append(_("The number %(code)s is already used in row %(row)s.") % {"code": code, "row": seen[code]})
        else:
            seen[code] = number
        if parent_code and parent_code == code:
            errors.append(_("An item cannot be its own parent."))
        kind = _text(raw["kind"]).lower() or ItemKind.ROADMAP
        if kind not in ItemKind.values:
            errors.append(_("Unknown kind “%(kind)s”: use direction, commitment or roadmap.") % {"kind": kind})
        values["kind"] = kind
        for name, limit in (("title_kk", 500), ("title_ru", 500), ("title_en", 500)):
            values[name] = _text(raw[name])
            if len(values[name]) > limit:
                errors.append(_("%(column)s is longer than %(n)s characters.") % {"column": name, "n": limit})
        if not values["title_kk"] or not values["title_ru"]:
            errors.append(_("Give the title in Kazakh and in Russian."))
        unit = units.get(_text(raw["unit_code"]))
        if unit is None:
            errors.append(_("Unknown party branch code “%(code)s”.") % {"code": _text(raw["unit_code"])})
        elif not has_action(actor, ProgrammeAction.MANAGE, unit):
            errors.append(_("The branch %(code)s is outside your scope.") % {"code": unit.code})
        values["org_unit"] = unit
        values["territory"] = None
        if kato := _text(raw["territory_kato"]):
            values["territory"] = territories.get(kato)
            if values["territory"] is None:
                errors.append(_("Unknown territory KATO code “%(kato)s”.") % {"kato": kato})
        values["responsible_body"] = None
        if body := _text(raw["responsible_body"]):
            found = (
                StateBody.objects.filter(pk=int(body))
                if body.isdigit() and int(body) < 2**31
                else StateBody.objects.filter(name_ru=body)
            )
            bodies = list(found[:2])
            if len(bodies) != 1:
                message = (
                    _("Unknown state body “%(body)s”.")
                    if not bodies
                    else _("Several state bodies are called “%(body)s”: give the id.")
                )
                errors.append(message % {"body": body})
            else:
                values["responsible_body"] = bodies[0]
        for name in ("planned_start", "planned_end"):
            values[name] = None
            if raw[name] not in (None, ""):
                try:
                    values[name] = _date(raw[name])
                except ValueError:
                    errors.append(_("%(column)s is not a date: write YYYY-MM-DD or DD.MM.YYYY.") % {"column": name})
        if values["planned_start"] and values["planned_end"] and values["planned_end"] < values["planned_start"]:
            errors.append(_("The planned end is before the planned start."))
        values["budget_planned"] = None
        if raw["budget_planned"] not in (None, ""):
            try:
                values["budget_planned"] = _decimal(raw["budget_planned"], digits=16, places=2)
                if values["budget_planned"] < 0:
                    errors.append(_("The budget cannot be negative."))
            except ValueError:
                errors.append(_("budget_planned is not a number in tenge."))
        source = _text(raw["budget_source"]).lower()
        if source and source not in BudgetSource.values:
            errors.append(_("Unknown budget source “%(source)s”.") % {"source": source})
        values["budget_source"] = source
        values["weight"] = _weight(raw["weight"], errors)
        for message in errors:
            parsed.errors.append(RowError(ITEMS_SHEET, number, message))
        parsed.items.append(ItemRow(number, code, parent_code, values))
    # Parents: known (in the file or the programme), and no cycle.
    in_file = {row.code: row for row in parsed.items if row.code}
    for row in parsed.items:
        if row.parent_code and row.parent_code not in in_file and row.parent_code not in existing:
            parsed.errors.append(
                RowError(ITEMS_SHEET, row.row, _("Unknown parent item “%(code)s”.") % {"code": row.parent_code})
            )
        if row.code in existing and row.code in in_file:
            old_parent = (
                Item.objects.filter(path=existing[row.code].path[: -Item.steplen]).first()
                if existing[row.code].depth > 1
                else None
            )
            if (old_parent.code if old_parent else "") != row.parent_code:
                parsed.errors.append(
                    RowError(
                        ITEMS_SHEET,
                        row.row,
                        _("Item %(code)s exists under another parent: it cannot be moved by import.")
                        % {"code": row.code},
                    )
                )
    for row in parsed.items:
        chain, current = {row.code}, row.parent_code
        while current in in_file:
            if current in chain:
                parsed.errors.append(
                    RowError(ITEMS_SHEET, row.row, _("The parents of %(code)s form a cycle.") % {"code": row.code})
                )
                break
            chain.add(current)
            current = in_file[current].parent_code


def _weight(raw: Any, errors: list[str]) -> Decimal:
    if raw in (None, ""):
        return Decimal(1)
    try:
        weight = _decimal(raw, digits=6, places=2)
    except ValueError:
        errors.append(_("The weight is not a number."))
        return Decimal(1)
    if weight <= 0:
        errors.append(_("The weight must be more than 0."))
    return weight


def _check_indicators(parsed: Parsed, rows: list[tuple[int, dict[str, Any]]], *, programme: Programme) -> None:
    codes = {row.code for row in parsed.items if row.code} | set(
        programme.items.exclude(code="").values_list("code", flat=True)
    )
    seen: dict[tuple[str, str], int] = {}
    for number, raw in rows:
        errors: list[str] = []
        item_code = _text(raw["item_code"])
        values: dict[str, Any] = {}
        if item_code not in codes:
            errors.append(_("Unknown item “%(code)s”.") % {"code": item_code})
        for name, limit in (("name_kk", 300), ("name_ru", 300), ("unit", 50), ("source", 300)):
            values[name] = _text(raw[name])
            if len(values[name]) > limit:
                errors.append(_("%(column)s is longer than %(n)s characters.") % {"column": name, "n": limit})
        if not values["name_kk"] or not values["name_ru"]:
            errors.append(_("Give the name in Kazakh and in Russian."))
        if not values["unit"]:
            errors.append(_("Give the unit."))
        key = (item_code, values["name_ru"])
        if key in seen:
            errors.append(_("The item already has this indicator in row %(row)s.") % {"row": seen[key]})
        seen.setdefault(key, number)
        numbers: dict[str, Decimal] = {}
        for name in ("baseline", "target"):
            try:
                numbers[name] = _decimal(raw[name], digits=18, places=4)
            except ValueError:
                errors.append(_("%(column)s is not a number.") % {"column": name})
        values.update(numbers)
        direction = _text(raw["direction"]).lower() or Direction.MORE
        if direction not in Direction.values:
            errors.append(_("Unknown direction “%(direction)s”: use more or less.") % {"direction": direction})
        elif len(numbers) == 2:
            baseline, target = numbers["baseline"], numbers["target"]
            if target == baseline:
                errors.append(_("The target equals the baseline: nothing would be measured."))
            elif (direction == Direction.MORE) != (target > baseline):
                errors.append(_("The direction does not match: with “%(direction)s” the target must be %(side)s the baseline.") % {
                    "direction": direction, "side": _("above") if direction == Direction.MORE else _("below"),
                })  # fmt: skip
        values["direction"] = direction
        values["weight"] = _weight(raw["weight"], errors)
        for message in errors:
            parsed.errors.append(RowError(INDICATORS_SHEET, number, message))
        parsed.indicators.append(IndicatorRow(number, item_code, values))


# --- writing ---------------------------------------------------------------------------------


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0


class AlreadyImportedError(Exception):
    """The kept file of this token has been written already."""


@transaction.atomic
def import_rows(*, actor: Any, programme: Programme, parsed: Parsed, token: str = "") -> Result:
    """Write a checked file into the programme, all or nothing, then recompute its items.

    With the token of a kept file: refused (AlreadyImportedError) when that file was written
    already, so a double "Confirm" writes once."""
    if not has_action(actor, ProgrammeAction.MANAGE, programme.org_unit):
        raise PermissionDenied
    if parsed.errors:
        raise ValueError("a file with errors is never written")
    # One import of a programme at a time: the second of two confirms sees the first's event.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if (
        token
        and AuditEvent.objects.filter(
            verb="programme.imported", target_id=str(programme.pk), data__token=token
        ).exists()
    ):
        raise AlreadyImportedError
    result = Result()
    by_code = {item.code: item for item in programme.items.exclude(code="")}
    rows = {row.code: row for row in parsed.items}
    done: set[str] = set()

    def write(row: ItemRow) -> Item:
        if row.code in done:
            return by_code[row.code]
        fields = {**row.values, "code": row.code, "programme": programme}
        item = by_code.get(row.code)
        if item is not None:
            for name, value in fields.items():
                setattr(item, name, value)
            item.save()
            result.updated += 1
        else:
            parent = None
            if row.parent_code:
                parent = write(rows[row.parent_code]) if row.parent_code in rows else by_code[row.parent_code]
                parent.refresh_from_db(fields=["numchild", "path", "depth"])
            item = Item.objects.add_child(parent, fields) if parent else Item.objects.add_root(fields)
            result.created += 1
        by_code[row.code] = item
        done.add(row.code)
        return item

    for row in parsed.items:
        write(row)
    for row in parsed.indicators:
        item = by_code[row.item_code]
        _indicator, created = Indicator.objects.update_or_create(
            item=item, name_ru=row.values["name_ru"], defaults=row.values
        )
        if created:
            result.indicators_created += 1
        else:
            result.indicators_updated += 1
    audit.record(
        actor=actor,
        verb="programme.imported",
        target=programme,
        data={
            "items_created": result.created,
            "items_updated": result.updated,
            "indicators_created": result.indicators_created,
            "indicators_updated": result.indicators_updated,
            **({"token": token} if token else {}),
        },
    )
    recompute_all(Item.objects.filter(programme=programme).select_related("programme").order_by("path"))
    return result


# --- the preview ------------------------------------------------------------------------------

PREVIEW_ROWS = 20
CREATE, UPDATE, SAME = "create", "update", "same"
ITEM_PREVIEW_FIELDS = (
    *("kind", "title_kk", "title_ru", "title_en", "org_unit", "territory", "responsible_body"),
    *("planned_start", "planned_end", "budget_planned", "budget_source", "weight"),
)
INDICATOR_PREVIEW_FIELDS = ("name_kk", "unit", "baseline", "target", "direction", "weight", "source")


@dataclass
class PreviewRow:
    sheet: str
    row: int
    code: str
    title: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)


@dataclass
class Preview:
    items: dict[str, int] = field(default_factory=lambda: {CREATE: 0, UPDATE: 0, SAME: 0})
    indicators: dict[str, int] = field(default_factory=lambda: {CREATE: 0, UPDATE: 0, SAME: 0})
    item_rows: list[PreviewRow] = field(default_factory=list)
    indicator_rows: list[PreviewRow] = field(default_factory=list)

    @property
    def writes_anything(self) -> bool:
        return bool(self.items[CREATE] or self.items[UPDATE] or self.indicators[CREATE] or self.indicators[UPDATE])


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize())
    return str(value)


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, Decimal) or isinstance(after, Decimal):
        return before is not None and after is not None and Decimal(before) == Decimal(after)
    return (before or None) == (after or None)


def _diff(obj: Any, values: dict[str, Any], names: tuple[str, ...]) -> list[tuple[str, str, str]]:
    out = []
    for name in names:
        before, after = getattr(obj, name), values.get(name)
        if not _same(before, after):
            out.append((str(obj._meta.get_field(name).verbose_name), _shown(before), _shown(after)))
    return out


def preview(parsed: Parsed, *, programme: Programme) -> Preview:
    """What writing the checked file would do: items and indicators created, updated (with their
    fields before and after) and unchanged; the first rows of each sheet."""
    result = Preview()
    existing = {
        item.code: item
        for item in programme.items.exclude(code="").select_related("org_unit", "territory", "responsible_body")
    }
    for row in parsed.items:
        item = existing.get(row.code)
        changes = _diff(item, row.values, ITEM_PREVIEW_FIELDS) if item is not None else []
        action = CREATE if item is None else (UPDATE if changes else SAME)
        result.items[action] += 1
        if len(result.item_rows) < PREVIEW_ROWS:
            title = row.values.get("title_ru") or row.values.get("title_kk") or ""
            result.item_rows.append(PreviewRow(ITEMS_SHEET, row.row, row.code, title, action, changes))
    indicators = {
        (indicator.item.code, indicator.name_ru): indicator
        for indicator in Indicator.objects.filter(item__programme=programme).select_related("item")
    }
    for row in parsed.indicators:
        indicator = indicators.get((row.item_code, row.values.get("name_ru")))
        changes = _diff(indicator, row.values, INDICATOR_PREVIEW_FIELDS) if indicator is not None else []
        action = CREATE if indicator is None else (UPDATE if changes else SAME)
        result.indicators[action] += 1
        if len(result.indicator_rows) < PREVIEW_ROWS:
            name = row.values.get("name_ru") or ""
            result.indicator_rows.append(PreviewRow(INDICATORS_SHEET, row.row, row.item_code, name, action, changes))
    return result


# --- the kept file between the preview and "Confirm" -----------------------------------------

KEPT_DIR = "programme/imports"
KEEP_FOR = dt.timedelta(days=1)
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


class StaleTokenError(Exception):
    """No kept file for this token and this person: written already, expired, or never made."""


@dataclass
class Kept:
    token: str
    programme_id: int
    user_id: int
    name: str
    created: dt.datetime


def _names(token: str) -> tuple[str, str]:
    return f"{KEPT_DIR}/{token}.xlsx", f"{KEPT_DIR}/{token}.json"


def keep_upload(upload: Any, *, programme: Programme, actor: Any) -> str:
    """Keep the uploaded file until it is confirmed (or for a day); the token names it."""
    purge_kept()
    token = secrets.token_hex(16)
    data_name, meta_name = _names(token)
    upload.seek(0)
    default_storage.save(data_name, ContentFile(upload.read()))
    meta = {
        "programme": programme.pk,
        "user": actor.pk,
        "name": str(getattr(upload, "name", "") or "")[:200],
        "created": timezone.now().isoformat(),
    }
    default_storage.save(meta_name, ContentFile(json.dumps(meta).encode()))
    return token


def _meta(token: str) -> Kept | None:
    _data_name, meta_name = _names(token)
    try:
        with default_storage.open(meta_name, "rb") as handle:
            meta = json.loads(handle.read().decode())
        return Kept(
            token, int(meta["programme"]), int(meta["user"]), meta["name"], dt.datetime.fromisoformat(meta["created"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def kept(token: str, *, actor: Any) -> Kept:
    """The kept file's record, when the token is this person's and not older than a day."""
    if not TOKEN_RE.match(token or ""):
        raise StaleTokenError
    record = _meta(token)
    if record is None or record.user_id != actor.pk or not default_storage.exists(_names(token)[0]):
        raise StaleTokenError
    if timezone.now() - record.created > KEEP_FOR:
        forget(token)
        raise StaleTokenError
    return record


def open_kept(token: str) -> BinaryIO:
    return io.BytesIO(default_storage.open(_names(token)[0], "rb").read())


def forget(token: str) -> None:
    for name in _names(token):
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def purge_kept(*, now: dt.datetime | None = None) -> int:
    """Remove kept files older than a day (or without their record); the count removed."""
    now = now or timezone.now()
    try:
        _dirs, files = default_storage.listdir(KEPT_DIR)
    except (OSError, NotImplementedError):
        return 0
    removed = 0
    for name in files:
        token = name.rsplit(".", 1)[0]
        if not TOKEN_RE.match(token) or not name.endswith(".json"):
            continue
        record = _meta(token)
        if record is None or now - record.created > KEEP_FOR:
            forget(token)
            removed += 1
    for name in files:  # a file whose record is gone
        token = name.rsplit(".", 1)[0]
        if name.endswith(".xlsx") and TOKEN_RE.match(token) and not default_storage.exists(_names(token)[1]):
            try:
                age = now - default_storage.get_modified_time(f"{KEPT_DIR}/{name}")
            except (OSError, NotImplementedError):
                continue
            if age > KEEP_FOR:
                forget(token)
                removed += 1
    return removed


# --- the template and the export -------------------------------------------------------------


def _workbook() -> tuple[Workbook, Any, Any]:
    workbook = Workbook()
    items = workbook.active
    items.title = ITEMS_SHEET
    items.append([name for name, _help in ITEM_COLUMNS])
    indicators = workbook.create_sheet(INDICATORS_SHEET)
    indicators.append([name for name, _help in INDICATOR_COLUMNS])
    return workbook, items, indicators


def _bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_xlsx() -> bytes:
    """An empty workbook with both sheets' columns and a sheet that explains them."""
    workbook, _items, _indicators = _workbook()
    help_sheet = workbook.create_sheet(_("Help"))
    help_sheet.append([_("Sheet"), _("Column"), _("What to write")])
    for sheet, columns in ((ITEMS_SHEET, ITEM_COLUMNS), (INDICATORS_SHEET, INDICATOR_COLUMNS)):
        for name, text in columns:
            help_sheet.append([sheet, name, str(text)])
    return _bytes(workbook)


def export_xlsx(programme: Programme) -> bytes:
    """The programme's items and indicators in the import layout (tree order)."""
    workbook, items_sheet, indicators_sheet = _workbook()
    items = list(programme.items.select_related("org_unit", "territory", "responsible_body").order_by("path"))
    by_path = {item.path: item for item in items}
    for item in items:
        parent = by_path.get(item.path[: -Item.steplen]) if item.depth > 1 else None
        items_sheet.append([
            item.code, parent.code if parent else "", item.kind, item.title_kk, item.title_ru, item.title_en,
            item.org_unit.code, item.territory.kato if item.territory else "",
            item.responsible_body_id or "",
            item.planned_start.isoformat() if item.planned_start else "",
            item.planned_end.isoformat() if item.planned_end else "",
            str(item.budget_planned) if item.budget_planned is not None else "",
            item.budget_source, str(item.weight),
        ])  # fmt: skip
    indicators = Indicator.objects.filter(item__programme=programme).select_related("item").order_by("item__path", "id")
    for indicator in indicators:
        indicators_sheet.append([
            indicator.item.code, indicator.name_kk, indicator.name_ru, indicator.unit, str(indicator.baseline),
            str(indicator.target), indicator.direction, str(indicator.weight), indicator.source,
        ])  # fmt: skip
    return _bytes(workbook)
