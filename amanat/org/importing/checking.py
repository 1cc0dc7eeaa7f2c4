"""Checking every row of a member file: each problem by row and column, and the rows that can be written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from amanat.accounts.models import normalize_phone, validate_phone
from amanat.core import crypto
from amanat.core.iin import mask, parse_iin
from amanat.core.permissions import grants_for
from amanat.org.choices import OrgUnitKind, Sex
from amanat.org.importing.columns import COLUMN_NAMES
from amanat.org.importing.reading import Table
from amanat.org.permissions import OrgAction

PREVIEW_ROWS = 20
ERROR_LIMIT = 5000  # errors kept for the preview; all are counted
PROGRESS_EVERY = 1000
LOOKUP_CHUNK = 5000  # stays under SQLite's limit of bound parameters


@dataclass(slots=True)
class CheckedRow:
    row: int
    last_name: str
    first_name: str
    middle_name: str
    iin: str
    iin_hash: str
    birth_date: dt.date
    sex: str
    phone: str
    email: str
    unit_code: str
    joined_on: dt.date
    card_number: str | None
    youth_wing: bool
    unit_id: int = 0


@dataclass
class CheckResult:
    total: int
    valid: list[CheckedRow] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def add(self, row: int, column: str, message: str, value: Any = "") -> None:
        self.error_count += 1
        if len(self.errors) < ERROR_LIMIT:
            shown = mask(str(value)[-4:]) if column == "iin" and value else str(value or "")[:60]
            self.errors.append({"row": row, "column": column, "message": str(message), "value": shown})


_TRUE = {"1", "yes", "y", "true", "да", "д", "иә", "ия", "+", "x", "✓"}
_FALSE = {"", "0", "no", "n", "false", "нет", "н", "жоқ", "-"}
_MALE = {"m", "м", "male", "муж", "мужской", "ер", "еркек"}
_FEMALE = {"f", "ж", "female", "жен", "женский", "әйел"}
_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    """A date from a cell; None when empty; ValueError when it is not a real date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 1 < value < 200_000:  # an Excel serial number
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    text = _text(value).split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(text)


def _iin_text(value: Any) -> str:
    text = _text(value).replace(" ", "")
    # Excel turns an IIN into a number and drops the leading zero of people born in 2000-2009.
    if text.isdigit() and len(text) == 11:
        text = "0" + text
    return text


def _check_row(number: int, values: dict[str, Any], result: CheckResult, today: dt.date) -> CheckedRow | None:
    bad = result.error_count
    names = {}
    for column, required in (("last_name", True), ("first_name", True), ("middle_name", False)):
        text = _text(values.get(column))
        if required and not text:
            result.add(number, column, _("Required."))
        elif len(text) > 100:
            result.add(number, column, _("At most 100 characters."), text)
        names[column] = text
    iin = _iin_text(values.get("iin"))
    info = None
    if not iin:
        result.add(number, "iin", _("Required."))
    else:
        try:
            info = parse_iin(iin, today=today)
        except ValidationError as exc:
            result.add(number, "iin", exc.messages[0], iin)
    dates: dict[str, dt.date | None] = {}
    bad_dates = set()
    for column in ("birth_date", "joined_on"):
        try:
            dates[column] = _date(values.get(column))
        except (ValueError, OverflowError):
            result.add(number, column, _("Not a real date: write it as DD.MM.YYYY."), values.get(column))
            dates[column] = None
            bad_dates.add(column)
    birth_date = dates["birth_date"]
    if birth_date and info and birth_date != info.birth_date:
        result.add(number, "birth_date", _("The date of birth does not match the IIN."), birth_date.isoformat())
    sex_text = _text(values.get("sex")).lower()
    sex = Sex.MALE if sex_text in _MALE else Sex.FEMALE if sex_text in _FEMALE else ""
    if sex_text and not sex:
        result.add(number, "sex", _("Write M or F."), sex_text)
    elif sex and info and sex != info.sex:
        result.add(number, "sex", _("The sex does not match the IIN (its 7th digit)."), sex_text)
    raw_phone = _text(values.get("phone"))
    phone = normalize_phone(raw_phone)
    try:
        validate_phone(phone if raw_phone else "")
        if raw_phone and not phone:
            raise ValidationError(_("Enter a Kazakhstan phone number: +7 and ten digits."))
    except ValidationError as exc:
        result.add(number, "phone", exc.messages[0], raw_phone)
    email = _text(values.get("email")).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            result.add(number, "email", _("Not a valid e-mail address."), email)
    unit_code = _text(values.get("unit_code"))
    if not unit_code:
        result.add(number, "unit_code", _("Required."))
    joined_on = dates["joined_on"]
    born = (info.birth_date if info else None) or birth_date
    if joined_on is None and "joined_on" not in bad_dates:
        result.add(number, "joined_on", _("Required."))
    elif joined_on and joined_on > today:
        result.add(number, "joined_on", _("The date of joining is in the future."), joined_on.isoformat())
    elif joined_on and born and joined_on < born:
        result.add(number, "joined_on", _("The date of joining is before the date of birth."), joined_on.isoformat())
    card = _text(values.get("card_number")) or None
    if card and len(card) > 32:
        result.add(number, "card_number", _("At most 32 characters."), card)
    youth = _text(values.get("youth_wing")).lower()
    if youth not in _TRUE and youth not in _FALSE:
        result.add(number, "youth_wing", _("Write 1 (yes) or 0 (no)."), youth)
    if result.error_count > bad or info is None or joined_on is None:
        return None
    return CheckedRow(
        row=number,
        last_name=names["last_name"],
        first_name=names["first_name"],
        middle_name=names["middle_name"],
        iin=iin,
        iin_hash=crypto.keyed_hash(iin),
        birth_date=birth_date or info.birth_date,
        sex=sex or info.sex,
        phone=phone,
        email=email,
        unit_code=unit_code,
        joined_on=joined_on,
        card_number=card,
        youth_wing=youth in _TRUE,
    )


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start : start + LOOKUP_CHUNK]


def check_rows(
    table: Table,
    *,
    actor: Any,
    scope_unit: Any,
    progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Every problem in the file, by row and column; the rows that can be written.

    A row is refused for: a missing required value, a bad IIN (which check failed), an
    impossible date, an unknown unit code, a unit outside the uploader's scope or not a primary
    organisation, an IIN already in the platform or repeated in the file, a card number already
    taken or repeated.
    """
    from amanat.org.models import Member, OrgUnit, Person

    today = timezone.localdate()
    result = CheckResult(total=len(table.rows))
    candidates: list[CheckedRow] = []
    for done, (number, values) in enumerate(table.rows, start=1):
        row = _check_row(number, values, result, today)
        if row is not None:
            candidates.append(row)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)

    units = {u.code: u for u in OrgUnit.objects.filter(code__in={r.unit_code for r in candidates})}
    grants = grants_for(actor)
    hashes = [r.iin_hash for r in candidates]
    known_hashes: set[str] = set()
    for chunk in _chunks(hashes):
        known_hashes.update(Person.objects.filter(iin_hash__in=chunk).values_list("iin_hash", flat=True))
    cards = [r.card_number for r in candidates if r.card_number]
    taken_cards: set[str] = set()
    for chunk in _chunks(cards):
        taken_cards.update(Member.objects.filter(card_number__in=chunk).values_list("card_number", flat=True))

    first_iin: dict[str, int] = {}
    first_card: dict[str, int] = {}
    for row in candidates:
        bad = result.error_count
        unit = units.get(row.unit_code)
        if unit is None:
            result.add(row.row, "unit_code", _("No org unit has this code."), row.unit_code)
        elif not unit.path.startswith(scope_unit.path) or not grants.covers(OrgAction.IMPORT_MEMBERS, unit.path):
            result.add(row.row, "unit_code", _("This unit is outside your scope for this import."), row.unit_code)
        elif unit.kind != OrgUnitKind.PRIMARY:
            result.add(row.row, "unit_code", _("Members belong to primary organisations only."), row.unit_code)
        else:
            row.unit_id = unit.pk
        if row.iin_hash in known_hashes:
            result.add(row.row, "iin", _("A person with this IIN is already in the platform."), row.iin)
        elif row.iin_hash in first_iin:
            result.add(
                row.row,
                "iin",
                _("This IIN is repeated in the file (first at row %(row)s).") % {"row": first_iin[row.iin_hash]},
                row.iin,
            )
        else:
            first_iin[row.iin_hash] = row.row
        if row.card_number:
            if row.card_number in taken_cards:
                result.add(row.row, "card_number", _("This party card number is already taken."), row.card_number)
            elif row.card_number in first_card:
                result.add(
                    row.row,
                    "card_number",
                    _("This card number is repeated in the file (first at row %(row)s).")
                    % {"row": first_card[row.card_number]},
                    row.card_number,
                )
            else:
                first_card[row.card_number] = row.row
        if result.error_count == bad:
            result.valid.append(row)
    result.errors.sort(key=lambda e: (e["row"], COLUMN_NAMES.index(e["column"]) if e["column"] in COLUMN_NAMES else 99))
    if progress is not None:
        progress(len(table.rows))
    return result


def preview_rows(rows: list[CheckedRow], units: dict[int, Any]) -> list[dict[str, Any]]:
    """The first rows that will be created, as shown on the preview page (IIN masked)."""
    return [
        {
            "row": r.row,
            "name": " ".join(p for p in (r.last_name, r.first_name, r.middle_name) if p),
            "iin": mask(r.iin[-4:]),
            "birth_date": r.birth_date.strftime("%d.%m.%Y"),
            "unit": str(units[r.unit_id]) if r.unit_id in units else r.unit_code,
            "joined_on": r.joined_on.strftime("%d.%m.%Y"),
            "card_number": r.card_number or "",
            "youth_wing": r.youth_wing,
        }
        for r in rows[:PREVIEW_ROWS]
    ]
