"""The elections' periodic job: open voting when its time comes, close it when its time is up,
and compute the encrypted tally of a closed election. Each step is idempotent and takes its own
transaction, so a sweep that runs twice or fails half-way is harmless."""

from __future__ import annotations

import logging

from django.utils import timezone

from amanat.core.sweep import sweep_job
from amanat.elections.choices import Phase
from amanat.elections.models import Election

logger = logging.getLogger(__name__)


@sweep_job("elections.phases")
def phases() -> str:
    from amanat.elections.services.elections import open_voting

    now = timezone.now()
    opened = closed = tallied = 0
    for election in Election.objects.filter(phase=Phase.FROZEN, voting_opens_at__lte=now):
        if open_voting(election) is not None:
            opened += 1
    due = Election.objects.filter(phase=Phase.VOTING, voting_closes_at__lte=now)
    if due.exists():
        from amanat.elections.services.voting import close_voting

        for election in due:
            if close_voting(election) is not None:
                closed += 1
    waiting = Election.objects.filter(phase=Phase.CLOSED)
    if waiting.exists():
        from amanat.elections.services.tally import compute_tally

        for election in waiting:
            try:
                compute_tally(election)
            except Exception:  # one election's failure must not stop the others; retried next sweep
                logger.exception("tally of election %s failed", election.pk)
                continue
            tallied += 1
    return f"opened {opened}, closed {closed}, tallied {tallied}"
