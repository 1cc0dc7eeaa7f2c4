"""Periodic work for `amanat sweep`: reminders, the escalation ladder, applicant notices again."""

from __future__ import annotations

from amanat.core.sweep import sweep_job


@sweep_job("appeals.deadlines")
def deadlines() -> str:
    """Reminders before the deadline and escalation steps after it, each once per deadline."""
    from amanat.appeals.services.alerts import deadlines_sweep

    return str(deadlines_sweep())


@sweep_job("appeals.notify_retry")
def notify_retry() -> str:
    """Applicant notices that failed or were never sent are tried again."""
    from amanat.appeals.notifications import notices_retry

    return f"{notices_retry()} enqueued"
