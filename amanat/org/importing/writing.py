"""Writing checked rows in bulk: a person and a membership for each."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from amanat.core import crypto
from amanat.org.importing.checking import CheckedRow

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
