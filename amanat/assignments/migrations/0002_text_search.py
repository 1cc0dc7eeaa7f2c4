"""PostgreSQL: trigram indexes for the list's text filter (`icontains` on the title and the issuer's
post is `UPPER(col::text) LIKE UPPER('%…%')`; the indexes are on that very expression). SQLite
scans the titles, which is quick enough at 100,000 assignments (see docs/benchmarks.md)."""

from django.db import migrations

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
    "CREATE INDEX IF NOT EXISTS asg_title_trgm ON assignments_assignment USING gin (UPPER(title::text) gin_trgm_ops);",
    "CREATE INDEX IF NOT EXISTS asg_post_trgm ON assignments_assignment "
    "USING gin (UPPER(issuer_post::text) gin_trgm_ops);",
]
PG_DOWN = ["DROP INDEX IF EXISTS asg_title_trgm;", "DROP INDEX IF EXISTS asg_post_trgm;"]


def forwards(apps, schema_editor):  # noqa: ANN001, ARG001
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):  # noqa: ANN001, ARG001
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("assignments", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
