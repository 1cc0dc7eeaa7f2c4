"""Drop the single-column indexes on Appeal.status and on the foreign keys that a composite index
already begins with (org_unit, category, territory, executor).

At 1,000,000 appeals PostgreSQL chose the status index for the inbox's "in work + overdue" filter and
ANDed a 54,000-row bitmap with the small open-deadline index once per unit (0.1–0.6 s instead of a few
ms); the foreign-key indexes duplicate appeal_unit_recent_idx, appeal_category_idx, appeal_territory_idx
and appeal_executor_idx. Every index is also written on each registration.

Adds appeal_open_due_idx: open appeals by deadline, for the "overdue" and "due soon" lists, which
now show the most urgent first (walking newest first passed ~50,000 rows before the first overdue one).

Only the state changes through AlterField: the database drops the indexes by name, because an
AlterField on SQLite rebuilds the table, which would drop the FTS5 triggers of 0002_search.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = {
    # name: column (Django's own names for db_index=True on these fields)
    "appeals_appeal_status_640729f6": "status",
    "appeals_appeal_org_unit_id_788f37ed": "org_unit_id",
    "appeals_appeal_category_id_d6680b99": "category_id",
    "appeals_appeal_territory_id_ebb527cd": "territory_id",
    "appeals_appeal_executor_id_9c196cc9": "executor_id",
}
LIKE_INDEX = "appeals_appeal_status_640729f6_like"  # PostgreSQL only: status with varchar_pattern_ops

DROP = [f"DROP INDEX IF EXISTS {LIKE_INDEX};"] + [f"DROP INDEX IF EXISTS {name};" for name in INDEXES]
CREATE = [f"CREATE INDEX IF NOT EXISTS {name} ON appeals_appeal ({column});" for name, column in INDEXES.items()]


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0005_search_document"),
        ("org", "0002_people_members_import"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(DROP, reverse_sql=CREATE)],
            state_operations=[
                migrations.AlterField(
                    model_name="appeal",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appeals",
                        to="appeals.category",
                        verbose_name="category",
                    ),
                ),
                migrations.AlterField(
                    model_name="appeal",
                    name="executor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appeals_to_execute",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="executor",
                    ),
                ),
                migrations.AlterField(
                    model_name="appeal",
                    name="org_unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appeals",
                        to="org.orgunit",
                        verbose_name="responsible unit",
                    ),
                ),
                migrations.AlterField(
                    model_name="appeal",
                    name="status",
                    field=models.CharField(
                        choices=[
                            ("registered", "Registered"),
                            ("in_work", "In work"),
                            ("forwarded", "Forwarded to a state body"),
                            ("paused", "Awaiting the applicant"),
                            ("answered", "Answered"),
                            ("closed", "Closed"),
                            ("dismissed", "Left without consideration"),
                            ("withdrawn", "Withdrawn by the applicant"),
                            ("merged", "Merged into another appeal"),
                        ],
                        default="registered",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                migrations.AlterField(
                    model_name="appeal",
                    name="territory",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.territory",
                        verbose_name="place",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(("status__in", ["registered", "in_work", "forwarded", "paused"])),
                fields=["deadline", "id"],
                name="appeal_open_due_idx",
            ),
        ),
    ]
