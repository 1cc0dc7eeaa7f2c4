"""Member files (XLSX or CSV): reading them, checking every row, and writing them in bulk.

Nothing here decides *when* a file is imported (that is `services.people`); this module turns a
file into rows, finds every problem by row and column, and writes checked rows in batches.
Checks use bulk look-ups (IIN hashes, unit codes, card numbers) so that a file of 50,000 rows
is checked in seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amanat.accounts.models import normalize_phone, validate_phone
from amanat.core import crypto
from amanat.core.iin import mask, parse_iin
from amanat.core.permissions import grants_for
from amanat.org.choices import OrgUnitKind, Sex
from amanat.org.permissions import OrgAction


@dataclass(frozen=True)
class ImportColumn:
    name: str
    required: bool
    help: Any
    example: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn("last_name", True, gettext_lazy("Last name."), "Ахметов", ("фамилия", "тегі")),
    ImportColumn("first_name", True, gettext_lazy("First name."), "Ерлан", ("имя", "аты")),
    ImportColumn("middle_name", False, gettext_lazy("Patronymic, if any."), "Серикович", ("отчество",)),
    ImportColumn(
        "iin",
        True,
        gettext_lazy("IIN: 12 digits. Keep the column as text so that a leading zero is not lost."),
        "",
        ("иин", "жсн"),
    ),
    ImportColumn(
        "birth_date",
        False,
        gettext_lazy("Date of birth, DD.MM.YYYY. Taken from the IIN when empty; must match it."),
        "14.03.1985",
        ("дата рождения", "туған күні"),
    ),
    ImportColumn(
        "sex", False, gettext_lazy("M or F. Taken from the IIN when empty; must match it."), "M", ("пол", "жынысы")
    ),
    ImportColumn("phone", False, gettext_lazy("Phone: +7 and ten digits."), "+77011234567", ("телефон",)),
    ImportColumn("email", False, gettext_lazy("E-mail address."), "", ("e-mail", "почта")),
    ImportColumn(
        "unit_code",
        True,
        gettext_lazy("Code of the primary organisation (as shown on its page), within your scope."),
        "makat-p1",
        ("код организации", "код"),
    ),
    ImportColumn(
        "joined_on", True, gettext_lazy("Date of joining the party, DD.MM.YYYY."), "01.05.2020", ("дата вступления",)
    ),
    ImportColumn(
        "card_number",
        False,
        gettext_lazy("Party card number; unique."),
        "",
        ("номер билета", "партбилет"),
    ),
    ImportColumn("youth_wing", False, gettext_lazy("1 (yes) or 0 (no)."), "0", ("молодежное крыло", "жастар қанаты")),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
_HEADER_ALIASES = {alias: c.name for c in COLUMNS for alias in (c.name, *c.aliases)}

PREVIEW_ROWS = 20
ERROR_LIMIT = 5000  # errors kept for the preview; all are counted
PROGRESS_EVERY = 1000
LOOKUP_CHUNK = 5000  # stays under SQLite's limit of bound parameters
XLSX_MAGIC = b"PK\x03\x04"
XLSX_MAX_EXPANSION = 20  # an XLSX unzipping to more than this many times its limit is refused


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why in words the uploader understands."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


def max_bytes() -> int:
    return int(float(settings.IMPORT_MAX_MB) * 1024 * 1024)


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 100_000))


def sync_max_rows() -> int:
    """Files with more rows are checked and written by a background task."""
    return int(getattr(settings, "IMPORT_SYNC_MAX_ROWS", 2000))


@dataclass
class Table:
    kind: str  # "xlsx" or "csv"
    rows: list[tuple[int, dict[str, Any]]]  # (row number in the file, column -> raw value)


# --- reading ---------------------------------------------------------------------------------


def _kind(data: bytes, file_name: str) -> str:
    name = file_name.lower()
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    if name.endswith(".xlsx"):
        raise ImportFileError(_("This is not a valid XLSX file. Save it again from Excel as .xlsx, or as CSV."))
    if name.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV."))
    return "csv"


def _header_map(header: Iterable[Any]) -> dict[int, str]:
    """Column index -> our column name; raises when a required column is missing."""
    positions: dict[int, str] = {}
    for index, raw in enumerate(header):
        key = " ".join(str(raw or "").replace("\ufeff", "").strip().lower().split())
        name = _HEADER_ALIASES.get(key) or _HEADER_ALIASES.get(key.replace(" ", "_").replace("-", "_"))
        if name and name not in positions.values():
            positions[index] = name
    missing = [c.name for c in COLUMNS if c.required and c.name not in positions.values()]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; missing: %(columns)s. Download the template to see them.")
            % {"columns": ", ".join(missing)}
        )
    return positions


def _decode_csv(data: bytes) -> str:
    # Excel saves CSV as UTF-8 with a BOM or, on Russian Windows, as cp1251.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The CSV file must be in UTF-8 or Windows-1251 encoding.")) from exc


def _csv_rows(text: str) -> Iterator[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is damaged: %(error)s") % {"error": exc}) from exc


def _open_xlsx(data: bytes) -> Any:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > max_bytes() * XLSX_MAX_EXPANSION:
            raise ImportFileError(_("The XLSX file is too large once unpacked."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return workbook.worksheets[0]
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
        raise ImportFileError(
            _("This is not a valid XLSX file. Save it again from Excel as .xlsx, or as CSV.")
        ) from exc


def _iter_raw(data: bytes, kind: str) -> Iterator[tuple[Any, ...] | list[str]]:
    if kind == "csv":
        yield from _csv_rows(_decode_csv(data))
        return
    sheet = _open_xlsx(data)
    try:
        yield from sheet.iter_rows(values_only=True)
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("The XLSX file is damaged and cannot be read to the end.")) from exc


def _is_blank(values: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def check_size(size: int) -> None:
    if size > max_bytes():
        raise ImportFileError(
            _("The file is larger than %(mb)s MB. Split it into smaller files.") % {"mb": settings.IMPORT_MAX_MB}
        )


def read_table(data: bytes, file_name: str) -> Table:
    """Every non-empty row of the file's first sheet, keyed by our column names."""
    check_size(len(data))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    kind = _kind(data, file_name)
    raw = _iter_raw(data, kind)
    positions: dict[int, str] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    limit = max_rows()
    for number, values in enumerate(raw, start=1):
        if _is_blank(values):
            continue
        if positions is None:
            positions = _header_map(values)
            continue
        if len(rows) >= limit:
            raise ImportFileError(
                _("The file has more than %(limit)s rows. Split it into smaller files.") % {"limit": f"{limit:,}"}
            )
        rows.append((number, {name: values[i] for i, name in positions.items() if i < len(values)}))
    if positions is None:
        raise ImportFileError(_("The file is empty."))
    if not rows:
        raise ImportFileError(_("The file has no rows below the header."))
    return Table(kind=kind, rows=rows)


def count_rows(data: bytes, file_name: str) -> int:
    """Read enough of the file to refuse a bad one at once and to tell how many rows it has
    (from an XLSX's recorded size when present, so that a big file is not read twice here)."""
    check_size(len(data))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    kind = _kind(data, file_name)
    if kind == "csv":
        return len(read_table(data, file_name).rows)
    sheet = _open_xlsx(data)
    recorded = sheet.max_row if sheet.max_row and sheet.max_row > 1 else None
    if recorded is None or recorded > max_rows() + 1:
        return len(read_table(data, file_name).rows)
    for values in sheet.iter_rows(values_only=True, max_row=min(recorded, 50)):
        if not _is_blank(values):
            _header_map(values)
            return recorded - 1
    raise ImportFileError(_("The file is empty."))


# --- checking --------------------------------------------------------------------------------


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


# --- writing ---------------------------------------------------------------------------------


PERSON_COLUMNS = (
    "created_at",
    "updated_at",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "iin_encrypted",
    "iin_hash",
    "iin_tail",
    "phone",
    "email",
    "address",
    "org_unit_id",
    "search_name",
)
MEMBER_COLUMNS = (
    "created_at",
    "updated_at",
    "person_id",
    "org_unit_id",
    "joined_on",
    "card_number",
    "status",
    "status_changed_on",
    "status_reason",
    "youth_wing",
    "search_name",
)


ROWS_PER_INSERT = 500  # 15 columns x 500 rows stays under both databases' limits on parameters


def _insert(cursor: Any, table: str, columns: tuple[str, ...], values: list[tuple[Any, ...]]) -> None:
    """Write many rows: COPY on PostgreSQL (several times faster than INSERT there), else
    INSERTs of several hundred rows each."""
    quote = connection.ops.quote_name
    target = f"{quote(table)} ({', '.join(quote(c) for c in columns)})"  # names from this module only
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        return
    head = "INSERT INTO " + target + " VALUES "  # noqa: S608 - table and column names come from this module
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for start in range(0, len(values), ROWS_PER_INSERT):
        chunk = values[start : start + ROWS_PER_INSERT]
        cursor.execute(head + ", ".join([row] * len(chunk)), [v for r in chunk for v in r])


def write_rows(rows: list[CheckedRow], *, batch_size: int = 2000) -> int:
    """Create a person and a membership for each checked row. Call inside a transaction.

    COPY or multi-row INSERTs: the ORM's bulk_create spends most of its time
    preparing values field by field, which at 50,000 rows is most of the import. The columns are
    listed above; a test checks that they cover every required column of both models.
    """
    from amanat.org.choices import MemberStatus
    from amanat.org.models import Member, Person

    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            names = {
                r.iin_hash: " ".join(p for p in (r.last_name, r.first_name, r.middle_name) if p).lower() for r in batch
            }
            _insert(
                cursor,
                Person._meta.db_table,
                PERSON_COLUMNS,
                [
                    (
                        now,
                        now,
                        r.last_name,
                        r.first_name,
                        r.middle_name,
                        ops.adapt_datefield_value(r.birth_date),
                        r.sex,
                        crypto.encrypt(r.iin),
                        r.iin_hash,
                        r.iin[-4:],
                        r.phone,
                        r.email,
                        "",
                        r.unit_id,
                        names[r.iin_hash],
                    )
                    for r in batch
                ],
            )
            ids = dict(Person.objects.filter(iin_hash__in=list(names)).values_list("iin_hash", "pk"))
            _insert(
                cursor,
                Member._meta.db_table,
                MEMBER_COLUMNS,
                [
                    (
                        now,
                        now,
                        ids[r.iin_hash],
                        r.unit_id,
                        ops.adapt_datefield_value(r.joined_on),
                        r.card_number,
                        MemberStatus.ACTIVE.value,
                        ops.adapt_datefield_value(r.joined_on),
                        "",
                        r.youth_wing,
                        names[r.iin_hash],
                    )
                    for r in batch
                ],
            )
    return len(rows)
