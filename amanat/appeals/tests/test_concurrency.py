"""Two people at once: one wins, the other is told; registration numbers stay unique."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction

from amanat.appeals.choices import AppealStatus
from amanat.appeals.models import Appeal
from amanat.appeals.services.transitions import AppealConflictError, appeal_transition
from amanat.appeals.tests.factories import make_appeal
from amanat.appeals.workflow import Transition


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(i) in `count` threads started together; returns results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            for _attempt in range(100):
                try:
                    results[i] = work(i)
                    return
                except OperationalError as exc:
                    # SQLite's shared in-memory test database answers "locked" at once rather than
                    # waiting for the other writer: try again, as a retried request would.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db
def test_second_operator_with_the_same_version_gets_a_clear_conflict(appeal_factory, staff):
    appeal = appeal_factory()
    seen = appeal.version
    appeal_transition(
        appeal=appeal,
        transition=Transition.PAUSE,
        actor=staff.makat_operator,
        reason="Need a copy.",
        expected_version=seen,
    )
    with pytest.raises(AppealConflictError) as conflict:
        appeal_transition(appeal=appeal, transition=Transition.TAKE, actor=staff.makat_secretary, expected_version=seen)
    assert "Someone else has just changed this appeal" in conflict.value.messages[0]
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert fresh.status == AppealStatus.PAUSED and fresh.version == seen + 1
    assert fresh.events.get(kind=Transition.PAUSE).reason == "Need a copy."
    assert not fresh.events.filter(kind=Transition.TAKE).exists()


@pytest.mark.django_db(transaction=True)
def test_two_transitions_at_once_exactly_one_succeeds(tree, make_user):
    first = make_user("reception_operator", tree.makat)
    second = make_user("reception_operator", tree.makat)
    appeal = make_appeal(org_unit=tree.makat)
    people = [first, second]
    steps = [
        {"transition": Transition.TAKE},
        {"transition": Transition.PAUSE, "reason": "Need a document."},
    ]

    results = in_threads(
        2,
        lambda i: appeal_transition(appeal=appeal, actor=people[i], expected_version=appeal.version, **steps[i]),
    )
    won = [r for r in results if isinstance(r, Appeal)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1 and len(lost) == 1, results
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert fresh.version == appeal.version + 1
    assert fresh.status == won[0].status
    assert fresh.events.filter(kind__in=[Transition.TAKE, Transition.PAUSE]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_registrations_at_once_get_distinct_numbers(tree):
    results = in_threads(4, lambda i: make_appeal(org_unit=tree.makat, text=f"Обращение номер {i}").number)
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 4
    assert Appeal.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_registration_leaves_numbers_unique(tree):
    first = make_appeal(org_unit=tree.makat)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_appeal(org_unit=tree.makat)
        raise RuntimeError("the request failed after registering")
    second = make_appeal(org_unit=tree.makat)
    numbers = list(Appeal.objects.values_list("number", flat=True))
    assert len(numbers) == 2 and len(set(numbers)) == 2
    assert first.number < second.number
