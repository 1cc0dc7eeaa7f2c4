"""PostgreSQL: the appeal's words stored as a `tsvector` column kept by the database, with a GIN index.

`search_doc` is a generated column (`GENERATED ALWAYS AS … STORED`): every insert and every update
of the subject, text or address recomputes it, so no code path can leave it stale. It holds the
words twice: as written ('simple', matched by prefix — Kazakh and Russian word forms) and as
Russian stems ('russian'). Testing a row is then a read of one column instead of parsing its text,
so the inbox can walk appeals newest first and stop after a page (see amanat/appeals/search.py).

It replaces the expression index on `to_tsvector('russian', …)`; the trigram index stays for parts
of words. The column is not a Django field: SQLite keeps its FTS5 table (0002_search) and its
appeals table is not rebuilt. Adding the column rewrites the table (about a minute per 100,000
appeals on two cores).
"""

from django.db import migrations

DOCUMENT = "(subject || ' ' || text || ' ' || address)"

PG_UP = [
    # A fifth of every page kept free, so that a change of an unindexed column (the sweep raising
    # `escalation_level`, most status steps) can stay on its page as a HOT update and write no
    # entry into the table's indexes (GIN ones included). At 1,000,000 appeals the first sweep over
    # a backlog took 63 s with full pages and 25–28 s with this. It applies to pages written from
    # now on, so it comes before the rewrite below; the heap grows by about a quarter.
    "ALTER TABLE appeals_appeal SET (fillfactor = 80);",
    "ALTER TABLE appeals_appeal ADD COLUMN IF NOT EXISTS search_doc tsvector GENERATED ALWAYS AS "
    f"(to_tsvector('simple'::regconfig, {DOCUMENT}) || to_tsvector('russian'::regconfig, {DOCUMENT})) STORED;",
    "CREATE INDEX IF NOT EXISTS appeal_search_idx ON appeals_appeal USING gin (search_doc);",
    "DROP INDEX IF EXISTS appeal_fts_ru_idx;",
    # The planner chooses between walking the newest appeals and reading the index by how common
    # the words are: it needs the new column's statistics now, not after the next autovacuum.
    "ANALYZE appeals_appeal;",
]
PG_DOWN = [
    "ALTER TABLE appeals_appeal RESET (fillfactor);",
    f"CREATE INDEX IF NOT EXISTS appeal_fts_ru_idx ON appeals_appeal USING gin (to_tsvector('russian', {DOCUMENT}));",
    "DROP INDEX IF EXISTS appeal_search_idx;",
    "ALTER TABLE appeals_appeal DROP COLUMN IF EXISTS search_doc;",
]


def _run(schema_editor, statements):  # noqa: ANN001, ANN202
    for sql in statements:
        schema_editor.execute(sql)


def forwards(apps, schema_editor):  # noqa: ANN001, ARG001
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, PG_UP)


def backwards(apps, schema_editor):  # noqa: ANN001, ARG001
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0004_inbox_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
