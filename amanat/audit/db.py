"""SQLite side of the append-only audit table: the `audit_unlocked()` function its triggers call.

It returns 0 (locked) unless the test settings set AUDIT_UNLOCKED_FOR_TESTS, which only the
test suite's flush between transactional tests needs. A connection that does not register it
(the sqlite3 shell) fails on the unknown function: the rows stay locked there too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def register_sqlite_functions(sender: Any, connection: Any, **_kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    unlocked = 1 if getattr(settings, "AUDIT_UNLOCKED_FOR_TESTS", False) else 0
    connection.connection.create_function("audit_unlocked", 0, lambda: unlocked, deterministic=True)
