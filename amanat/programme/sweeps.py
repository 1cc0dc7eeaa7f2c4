"""Periodic work of the programme module for `amanat sweep`.

Time alone turns items overdue (or at risk for reports not sent), so statuses are recomputed once
a day even when nobody reports. The day of the last run is kept in a small file beside the sweep
lock (one per database), so the job stays once a day however often the sweep runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from amanat.core.sweep import lock_file_path, sweep_job


def marker_path() -> Path:
    lock = lock_file_path()
    return lock.with_name(lock.name.replace("sweep-", "programme-status-").replace(".lock", ".day"))


def last_run() -> dt.date | None:
    try:
        return dt.date.fromisoformat(marker_path().read_text().strip())
    except (OSError, ValueError):
        return None


@sweep_job("programme.status")
def daily_status() -> str:
    """Recompute every item's progress and status, at most once per day."""
    today = timezone.localdate()
    if last_run() == today:
        return "already done today"
    from amanat.programme.services.progress import recompute_all

    changed = recompute_all(today=today)
    path = marker_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(today.isoformat())
    return f"{changed} items changed"


@sweep_job("programme.import_files")
def purge_import_files() -> str:
    """Remove road-map files kept for an import preview that nobody confirmed within a day."""
    from amanat.programme.importing import purge_kept

    return f"{purge_kept()} kept import files removed"
