"""The audit log is append-only: the model refuses to change rows and so does the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from amanat.audit.db import register_sqlite_functions
from amanat.audit.models import AuditEvent
from amanat.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(make_user: Any) -> AuditEvent:
    return record(actor=make_user(), verb="tests.something_happened", data={"n": 1})


@pytest.fixture
def locked() -> Iterator[None]:
    """Lock the audit table as in production (the test settings unlock it for flushes).

    PostgreSQL locks per transaction (SET LOCAL), so each attempt below runs in its own
    atomic block; SQLite's triggers ask the function audit_unlocked() on this connection.
    """
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        connection.connection.create_function("audit_unlocked", 0, lambda: 0)
        try:
            yield
        finally:
            register_sqlite_functions(None, connection)
    else:
        yield


def _attempt(sql_action: Any) -> None:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL amanat.audit_unlocked = 'off'")
        sql_action()


def test_model_refuses_to_save_an_existing_event_again(event: AuditEvent) -> None:
    event.verb = "tests.rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).verb == "tests.something_happened"


def test_model_refuses_to_delete_an_event(event: AuditEvent) -> None:
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_database_refuses_update_that_bypasses_the_model(event: AuditEvent, locked: None) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _attempt(lambda: AuditEvent.objects.filter(pk=event.pk).update(verb="tests.rewritten"))
    assert AuditEvent.objects.get(pk=event.pk).verb == "tests.something_happened"


def test_database_refuses_delete_that_bypasses_the_model(event: AuditEvent, locked: None) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _attempt(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_database_refuses_raw_sql_update(event: AuditEvent, locked: None) -> None:
    table = AuditEvent._meta.db_table

    def raw_update() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET actor_label = %s WHERE id = %s", ["someone else", event.pk])  # noqa: S608

    with pytest.raises(DatabaseError, match="append-only"):
        _attempt(raw_update)
    assert AuditEvent.objects.get(pk=event.pk).actor_label == event.actor_label


def test_new_events_can_still_be_written_while_locked(locked: None) -> None:
    def write() -> None:
        record(actor=None, verb="tests.appended")

    _attempt(write)
    assert AuditEvent.objects.filter(verb="tests.appended").count() == 1
