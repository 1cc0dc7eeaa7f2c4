"""Member files (XLSX or CSV): reading them, checking every row, and writing them in bulk.

Nothing here decides *when* a file is imported (that is `services.member_import`); this package
turns a file into rows (`reading`), finds every problem by row and column (`checking`), and writes
checked rows in batches (`writing`); `columns` names the columns and the limits on a file.
Checks use bulk look-ups (IIN hashes, unit codes, card numbers) so that a file of 50,000 rows
is checked in seconds.

Callers import everything from this package, which re-exports it.
"""

from __future__ import annotations

from amanat.org.importing.checking import (
    ERROR_LIMIT,
    LOOKUP_CHUNK,
    PREVIEW_ROWS,
    PROGRESS_EVERY,
    CheckedRow,
    CheckResult,
    check_rows,
    preview_rows,
)
from amanat.org.importing.columns import (
    COLUMN_NAMES,
    COLUMNS,
    ImportColumn,
    ImportFileError,
    max_bytes,
    max_rows,
    sync_max_rows,
)
from amanat.org.importing.reading import (
    XLSX_MAGIC,
    XLSX_MAX_EXPANSION,
    Table,
    check_size,
    count_rows,
    read_table,
)
from amanat.org.importing.writing import MEMBER_COLUMNS, PERSON_COLUMNS, ROWS_PER_INSERT, write_rows

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "ERROR_LIMIT",
    "LOOKUP_CHUNK",
    "MEMBER_COLUMNS",
    "PERSON_COLUMNS",
    "PREVIEW_ROWS",
    "PROGRESS_EVERY",
    "ROWS_PER_INSERT",
    "XLSX_MAGIC",
    "XLSX_MAX_EXPANSION",
    "CheckResult",
    "CheckedRow",
    "ImportColumn",
    "ImportFileError",
    "Table",
    "check_rows",
    "check_size",
    "count_rows",
    "max_bytes",
    "max_rows",
    "preview_rows",
    "read_table",
    "sync_max_rows",
    "write_rows",
]
