"""PostgreSQL only: what a registration writes while it holds the year's counter.

A registration takes its number under the counter's row lock and holds it until the commit, so
whatever its INSERT costs, every other registration waits for. At 1,000,000 appeals the API took
~200 appeals/s with a p95 of 250 ms; the pauses were the two GIN indexes (words, trigrams)
flushing their pending lists inside an INSERT (4 MB by default, full every few seconds at that
rate).

- The pending lists may grow to 32 MB, and autovacuum visits the table after every 5,000 new rows
  (its default waits for a fifth of the table: 200,000 rows): the lists are merged in the
  background, not under the counter's lock.
- Five `varchar_pattern_ops` copies of indexes that Django adds for LIKE queries are dropped (the
  registration number, tracking code, phone, IIN hash, idempotency key): nothing looks them up by
  a prefix (the number's suffix search cannot use one), and each was written on every insert.

SQLite has none of these (and lets one writer in at a time anyway).
"""

from django.db import migrations

LIKE_INDEXES = {
    "appeals_appeal_number_e83993d1_like": "number",
    "appeals_appeal_tracking_code_21090606_like": "tracking_code",
    "appeals_appeal_applicant_phone_22f6fd37_like": "applicant_phone",
    "appeals_appeal_applicant_iin_hash_9fb1a1c7_like": "applicant_iin_hash",
    "appeals_appeal_idempotency_key_c71b1468_like": "idempotency_key",
}
GIN_INDEXES = ("appeal_search_idx", "appeal_trgm_idx")
PENDING_LIST_KB = 32 * 1024
INSERTS_BEFORE_AUTOVACUUM = 5_000

FORWARD = [
    *(f"DROP INDEX IF EXISTS {name};" for name in LIKE_INDEXES),
    *(f"ALTER INDEX {name} SET (gin_pending_list_limit = {PENDING_LIST_KB});" for name in GIN_INDEXES),
    "ALTER TABLE appeals_appeal SET (autovacuum_vacuum_insert_threshold = "
    f"{INSERTS_BEFORE_AUTOVACUUM}, autovacuum_vacuum_insert_scale_factor = 0);",
]
BACKWARD = [
    *(
        f"CREATE INDEX IF NOT EXISTS {name} ON appeals_appeal ({column} varchar_pattern_ops);"
        for name, column in LIKE_INDEXES.items()
    ),
    *(f"ALTER INDEX {name} RESET (gin_pending_list_limit);" for name in GIN_INDEXES),
    "ALTER TABLE appeals_appeal RESET (autovacuum_vacuum_insert_threshold, autovacuum_vacuum_insert_scale_factor);",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0006_fewer_indexes")]

    operations = [migrations.RunPython(forward, backward)]
