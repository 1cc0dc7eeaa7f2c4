"""Background work for appeals. Tasks take ids or plain values and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from amanat.appeals.services.deadlines import recompute_open


@task()
def recompute_deadlines(appeal_type: str = "") -> int:
    """After a policy or calendar change: recompute stored deadlines of open appeals."""
    from amanat.core.calendar import forget_overrides

    # A worker process may hold the old calendar in its own cache.
    forget_overrides()
    return recompute_open(appeal_type=appeal_type or None)


@task()
def appeal_registered(appeal_id: int) -> None:
    """A new appeal: tell its executor (or the unit's operators), flag urgent reports, tell the applicant."""
    from amanat.appeals.notifications import registered_now

    registered_now(appeal_id)


@task()
def tell_applicant(appeal_id: int, event_id: int) -> str:
    """Tell the applicant of one public step of their appeal (once per step and channel)."""
    from amanat.appeals.notifications import send_applicant_notice

    return send_applicant_notice(appeal_id=appeal_id, event_id=event_id)


@task()
def train_classifier() -> str:
    """Retrain the category suggestion (enqueued by the daily sweep job, or `amanat appeals-train`)."""
    from django.core.cache import cache

    from amanat.appeals import classifier

    try:
        result = classifier.train()
    finally:
        cache.delete("appeals:classifier-training-enqueued")
    if result is None:
        return "too few categorised appeals"
    return f"trained on {result.size} appeals, {result.categories} categories in {result.seconds:.1f} s"
