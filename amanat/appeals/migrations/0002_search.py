"""Full-text search indexes for appeals (see amanat/appeals/search.py).

SQLite: an FTS5 external-content table with the trigram tokenizer over subject, text and address,
kept in step with appeals_appeal by triggers (the update trigger fires only when one of the three
columns really changes: a status change must not rewrite the index).

PostgreSQL: pg_trgm, a GIN index on the Russian tsvector and a GIN trigram index, both on the
same expression the queries use.
"""

from django.db import migrations

DOCUMENT = "(subject || ' ' || text || ' ' || address)"

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
    f"CREATE INDEX IF NOT EXISTS appeal_fts_ru_idx ON appeals_appeal USING gin (to_tsvector('russian', {DOCUMENT}));",
    f"CREATE INDEX IF NOT EXISTS appeal_trgm_idx ON appeals_appeal USING gin ({DOCUMENT} gin_trgm_ops);",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS appeal_fts_ru_idx;",
    "DROP INDEX IF EXISTS appeal_trgm_idx;",
]

SQLITE_UP = [
    "CREATE VIRTUAL TABLE appeals_appeal_fts USING fts5("
    "subject, text, address, content='appeals_appeal', content_rowid='id', tokenize='trigram');",
    "CREATE TRIGGER appeals_appeal_fts_ai AFTER INSERT ON appeals_appeal BEGIN "
    "INSERT INTO appeals_appeal_fts(rowid, subject, text, address) "
    "VALUES (new.id, new.subject, new.text, new.address); END;",
    "CREATE TRIGGER appeals_appeal_fts_ad AFTER DELETE ON appeals_appeal BEGIN "
    "INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, subject, text, address) "
    "VALUES ('delete', old.id, old.subject, old.text, old.address); END;",
    "CREATE TRIGGER appeals_appeal_fts_au AFTER UPDATE OF subject, text, address ON appeals_appeal "
    "WHEN old.subject IS NOT new.subject OR old.text IS NOT new.text OR old.address IS NOT new.address BEGIN "
    "INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, subject, text, address) "
    "VALUES ('delete', old.id, old.subject, old.text, old.address); "
    "INSERT INTO appeals_appeal_fts(rowid, subject, text, address) "
    "VALUES (new.id, new.subject, new.text, new.address); END;",
    "INSERT INTO appeals_appeal_fts(appeals_appeal_fts) VALUES ('rebuild');",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS appeals_appeal_fts_ai;",
    "DROP TRIGGER IF EXISTS appeals_appeal_fts_ad;",
    "DROP TRIGGER IF EXISTS appeals_appeal_fts_au;",
    "DROP TABLE IF EXISTS appeals_appeal_fts;",
]


def _run(schema_editor, statements):  # noqa: ANN001, ANN202
    for sql in statements:
        schema_editor.execute(sql)


def forwards(apps, schema_editor):  # noqa: ANN001, ARG001
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_UP)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_UP)


def backwards(apps, schema_editor):  # noqa: ANN001, ARG001
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_DOWN)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
