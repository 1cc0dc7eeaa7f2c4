"""Periodic jobs: one registry every app adds to, and one lock so that two sweeps never overlap.

An app registers its jobs when it is ready (`AppConfig.ready` imports the module that holds them):

    from amanat.core.sweep import sweep_job

    @sweep_job("appeals.mark_overdue")
    def mark_overdue() -> int:
        ...

`amanat sweep` runs every job once; cron, a systemd timer or `amanat scheduler` runs the command
every few minutes. Jobs must be idempotent: one that fails half-way is simply run again next
time, and one that has nothing to do does nothing. A job returns a number (rows touched), a short
text for the summary line, or None. Jobs manage their own transactions: a sweep-wide transaction
would hold SQLite's write lock against the web pages for as long as the slowest job.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

Job = Callable[[], Any]

_JOBS: dict[str, Job] = {}

# Any fixed 64-bit number; the advisory lock is shared by every process on the database.
PG_LOCK_KEY = 0x616D616E61740001


def sweep_job(name: str) -> Callable[[Job], Job]:
    """Register the decorated function as the periodic job `name` (unique across apps)."""

    def register(func: Job) -> Job:
        existing = _JOBS.get(name)
        if existing is not None and _qualname(existing) != _qualname(func):
            raise ValueError(f"sweep job {name!r} is already registered by {_qualname(existing)}")
        _JOBS[name] = func
        return func

    return register


def unregister(name: str) -> None:
    """Forget a job (tests register throw-away jobs and remove them again)."""
    _JOBS.pop(name, None)


def registered_jobs() -> dict[str, Job]:
    return dict(_JOBS)


def _qualname(func: Job) -> str:
    return f"{func.__module__}.{getattr(func, '__qualname__', repr(func))}"


@dataclass(frozen=True)
class JobResult:
    name: str
    ok: bool
    result: Any
    seconds: float
    error: str = ""

    def summary(self) -> str:
        took = f"{self.seconds:.2f} s"
        if not self.ok:
            return f"{self.name}: FAILED after {took}: {self.error}"
        detail = "done" if self.result is None else str(self.result)
        return f"{self.name}: {detail} ({took})"


def run_jobs(names: list[str] | None = None) -> list[JobResult]:
    """Run the registered jobs (or only `names`) once each; one failing job does not stop the rest."""
    jobs = registered_jobs()
    selected = names if names else sorted(jobs)
    results = []
    for name in selected:
        func = jobs[name]
        started = time.monotonic()
        try:
            value = func()
        except Exception as exc:
            logger.exception("sweep job %s failed", name)
            results.append(JobResult(name, False, None, time.monotonic() - started, f"{type(exc).__name__}: {exc}"))
        else:
            results.append(JobResult(name, True, value, time.monotonic() - started))
    return results


@contextlib.contextmanager
def sweep_lock(using: str = "default") -> Iterator[bool]:
    """Hold the sweep lock while the block runs; yields False when another sweep holds it.

    PostgreSQL: a session advisory lock on a connection of its own, so that a job closing or
    breaking the default connection cannot drop the lock half-way; it is shared by every machine
    using the database. SQLite (one machine by nature): an exclusive lock on a file in VAR_DIR
    named after the database. Both are released by the operating system if the process dies.
    """
    if connections[using].vendor == "postgresql":
        with _advisory_lock(using) as acquired:
            yield acquired
    else:
        with _file_lock(using) as acquired:
            yield acquired


@contextlib.contextmanager
def _advisory_lock(using: str) -> Iterator[bool]:
    connection = connections.create_connection(using)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [PG_LOCK_KEY])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [PG_LOCK_KEY])
    finally:
        connection.close()


def lock_file_path(using: str = "default") -> Path:
    name = str(connections[using].settings_dict.get("NAME") or using)
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return Path(settings.VAR_DIR) / f"sweep-{digest}.lock"


@contextlib.contextmanager
def _file_lock(using: str) -> Iterator[bool]:
    path = lock_file_path(using)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- Jobs that belong to the platform's base ------------------------------------------------


@sweep_job("prune_login_failures")
def prune_login_failures() -> str:
    """Forget failed logins older than a day (never inside the lockout window, if that is longer)."""
    from django.utils import timezone

    from amanat.accounts.models import LoginFailure

    keep = max(dt.timedelta(days=1), dt.timedelta(minutes=getattr(settings, "LOGIN_LOCKOUT_MINUTES", 0)))
    deleted, _ = LoginFailure.objects.filter(at__lt=timezone.now() - keep).delete()
    return f"{deleted} deleted"
