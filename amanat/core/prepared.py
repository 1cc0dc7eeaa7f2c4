"""An INSERT compiled ahead of the moment it runs.

Registering an appeal holds the year's counter row locked from taking the number to the commit,
and every other registration waits that long. Compiling the appeal's and its audit event's INSERTs
(Django's own compiler: the fields' `pre_save`, the database's value preparation) before taking
the lock leaves only the statements' round trips under it.

No signals are sent for these rows (nothing listens to the saves of appeals or audit events).
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.db.models.sql import InsertQuery


class PreparedInsert:
    """What `obj.save(force_insert=True)` would send; `set()` changes a value, `execute()` sends it."""

    def __init__(self, obj: models.Model) -> None:
        meta = obj._meta
        fields = [f for f in meta.local_concrete_fields if not f.generated]
        if obj.pk is None:
            fields = [f for f in fields if f is not meta.auto_field]
        self.obj = obj
        self.position = {f.attname: index for index, f in enumerate(fields)}
        self.fields = fields
        query = InsertQuery(type(obj))
        query.insert_values(fields, [obj])
        [(self.sql, params)] = query.get_compiler(connection=connection).as_sql()
        if len(params) != len(fields):  # a value given as an SQL expression: not for this helper
            raise ValueError(f"{type(obj).__name__}: only plain values can be prepared")
        self.params = list(params)

    def set(self, attname: str, value: Any) -> None:
        index = self.position[attname]
        setattr(self.obj, attname, value)
        self.params[index] = self.fields[index].get_db_prep_save(value, connection)

    def execute(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
        self.obj._state.adding = False
        self.obj._state.db = connection.alias
