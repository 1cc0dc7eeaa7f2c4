"""Reading a member file (XLSX or CSV) into rows keyed by our column names."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from amanat.org.importing.columns import COLUMNS, ImportFileError, max_bytes, max_rows

_HEADER_ALIASES = {alias: c.name for c in COLUMNS for alias in (c.name, *c.aliases)}

XLSX_MAGIC = b"PK\x03\x04"
XLSX_MAX_EXPANSION = 20  # an XLSX unzipping to more than this many times its limit is refused


@dataclass
class Table:
    kind: str  # "xlsx" or "csv"
    rows: list[tuple[int, dict[str, Any]]]  # (row number in the file, column -> raw value)


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
