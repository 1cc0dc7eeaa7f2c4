"""Export any list to XLSX: streamed row by row (openpyxl write-only), in the user's language."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import models
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

Column = tuple[Any, str | Callable[[Any], Any]]  # (header, attribute path "a.b" or a function)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 1_048_575  # Excel's sheet limit less the header row


def _resolve(obj: Any, accessor: str | Callable[[Any], Any]) -> Any:
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("."):
        if value is None:
            return None
        display = getattr(value, f"get_{part}_display", None)
        value = display() if callable(display) else getattr(value, part)
    return value


def _cell_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int | float | dt.date):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def write_xlsx(
    rows: Iterable[Any], columns: Sequence[Column], *, title: str = "Export"
) -> tempfile.SpooledTemporaryFile:
    """Write rows to a temporary XLSX file and return it rewound."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31] or "Export")
    bold = Font(bold=True)
    header = []
    for name, _accessor in columns:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for count, obj in enumerate(rows):
        if count >= EXPORT_MAX_ROWS:
            break
        sheet.append([_cell_value(_resolve(obj, accessor)) for _name, accessor in columns])
    out = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 - handed to FileResponse
    workbook.save(out)
    out.seek(0)
    return out


def xlsx_response(
    rows: Iterable[Any], columns: Sequence[Column], *, filename: str, title: str = "Export"
) -> FileResponse:
    """An XLSX download of rows; querysets are iterated in chunks so memory stays flat."""
    if isinstance(rows, models.QuerySet):
        rows = rows.iterator(chunk_size=2000)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        write_xlsx(rows, columns, title=title),
        as_attachment=True,
        filename=f"{filename}-{stamp}.xlsx",
        content_type=XLSX_TYPE,
    )
