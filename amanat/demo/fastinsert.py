"""Writing many rows of one model fast, for generated benchmark data only.

`bulk_create` spends most of its time preparing each value in Python and, on SQLite, splits a
batch into statements of ~50 rows (999 parameters). Here the values that are the same for every
row (defaults, timestamps) are prepared once, ids are reserved up front, and rows go in with
COPY on PostgreSQL and one `executemany` on SQLite; other databases use `bulk_create`.

Fields are taken from the model as it is now, so a field another app adds later with a default
is filled with that default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def hash_chunk() -> int:
    """How many values one `IN (...)` look-up may hold here (SQLite allows 999 parameters)."""
    return min(connection.features.max_query_params or 10_000, 10_000) - 50


def has_field(model: type[models.Model], name: str) -> bool:
    """Whether this version of the model has the field (copies like `search_name` come and go)."""
    return any(f.name == name for f in model._meta.concrete_fields)


class RowWriter:
    """Insert rows of `model`; each row gives the values of `variable` (attnames), in that order."""

    def __init__(self, model: type[models.Model], variable: Sequence[str]) -> None:
        self.model = model
        self.variable = list(variable)
        meta = model._meta
        self.table = meta.db_table
        self.pk_column = meta.pk.column
        sample = model()
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        known = {f.attname for f in fields}
        unknown = set(self.variable) - known
        if unknown:
            raise ValueError(f"{model.__name__} has no field(s) {sorted(unknown)}")
        self.columns = [self.pk_column] + [f.column for f in fields]
        # A row of values is the template (constants prepared once) with the row's values put in.
        self.template: list[Any] = [None]
        self.slots: list[tuple[int, int]] = []  # (position in the template, index in the row)
        self.dates: list[int] = []  # positions holding a date, adapted for the database
        for position, f in enumerate(fields, start=1):
            if f.attname in self.variable:
                self.template.append(None)
                self.slots.append((position, self.variable.index(f.attname)))
                if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
                    self.dates.append(position)
            else:
                self.template.append(f.get_db_prep_save(f.pre_save(sample, add=True), connection))

    def reserve_ids(self, count: int) -> list[int]:
        """Ids nobody else will use. Call inside the transaction that writes the rows."""
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.table, self.pk_column, count],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the transaction began IMMEDIATE, so no one else writes until it ends.
            cursor.execute(f"SELECT COALESCE(MAX({qn(self.pk_column)}), 0) FROM {qn(self.table)}")  # noqa: S608
            top = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
            seq = cursor.fetchone()
            first = max(top, seq[0] if seq else 0) + 1
        return list(range(first, first + count))

    def _values(self, pk: int, row: Sequence[Any]) -> list[Any]:
        values = self.template.copy()
        values[0] = pk
        for position, index in self.slots:
            values[position] = row[index]
        if self.dates and connection.vendor == "sqlite":
            adapt = connection.ops.adapt_datefield_value
            for position in self.dates:
                if values[position] is not None:
                    values[position] = adapt(values[position])
        return values

    def write(self, rows: Sequence[Sequence[Any]]) -> list[int]:
        """Insert the rows; returns their ids, in order. Call inside a transaction."""
        if not rows:
            return []
        if connection.vendor not in ("postgresql", "sqlite"):
            objs = [self.model(**dict(zip(self.variable, row, strict=True))) for row in rows]
            self.model._default_manager.bulk_create(objs)
            return [obj.pk for obj in objs]
        ids = self.reserve_ids(len(rows))
        qn = connection.ops.quote_name
        columns = ", ".join(qn(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {qn(self.table)} ({columns}) FROM STDIN") as copy:
                    for pk, row in zip(ids, rows, strict=True):
                        copy.write_row(self._values(pk, row))
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {qn(self.table)} ({columns}) VALUES ({marks})",  # noqa: S608
                    [self._values(pk, row) for pk, row in zip(ids, rows, strict=True)],
                )
        return ids
