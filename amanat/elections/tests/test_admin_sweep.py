"""The elections' sweep: voting opens and closes on time, and a closed election is tallied."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from amanat.core.sweep import registered_jobs
from amanat.elections.choices import Phase
from amanat.elections.models import BoardEntry, Election
from amanat.elections.sweeps import phases
from amanat.elections.tests.factories import phase, ready_election

pytestmark = pytest.mark.django_db


def test_the_sweep_is_registered() -> None:
    assert registered_jobs()["elections.phases"] is phases


def test_voting_opens_when_its_time_comes(tree: Any) -> None:
    prepared = ready_election(tree.makat)
    election = prepared.election
    phases()
    assert phase(election) == Phase.FROZEN  # not yet
    Election.objects.filter(pk=election.pk).update(voting_opens_at=timezone.now() - dt.timedelta(seconds=1))
    phases()
    phases()  # twice is harmless
    assert phase(election) == Phase.VOTING
    assert BoardEntry.objects.filter(election=election, type="open").count() == 1
    assert election.checkpoints.filter(seq=BoardEntry.objects.get(election=election, type="open").seq).exists()


def test_voting_closes_and_is_tallied(tree: Any) -> None:
    prepared = ready_election(tree.makat, open=True)
    election = prepared.election
    Election.objects.filter(pk=election.pk).update(voting_closes_at=timezone.now() - dt.timedelta(seconds=1))
    phases()
    assert phase(election) == Phase.TALLIED
    types = list(BoardEntry.objects.filter(election=election).values_list("type", flat=True))
    assert types[-2:] == ["close", "tally"]
