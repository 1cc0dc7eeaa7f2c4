"""The `councils.recommendations` sweep: a reminder before the response deadline, then the
secretary and chair when it passes without a response, then the branch's executive secretary."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from amanat.audit.models import AuditEvent
from amanat.core.calendar import add_working_days
from amanat.core.sweep import registered_jobs
from amanat.councils.choices import ResponseKind, VoteChoice
from amanat.councils.services import recommendations as rs
from amanat.councils.sweeps import ESCALATED, OVERDUE, REMINDER, recommendations_sweep
from amanat.councils.tests.conftest import TODAY, at
from amanat.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(cc: SimpleNamespace, draft: Any) -> Any:
    rs.votes_record(actor=cc.secretary, recommendation=draft, votes=dict.fromkeys(cc.members, VoteChoice.FOR))
    rs.recommendation_decide(actor=cc.secretary, recommendation=draft)
    return rs.recommendation_send(actor=cc.secretary, recommendation=draft, sent_on=TODAY)


def told(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def test_the_job_is_registered() -> None:
    assert "councils.recommendations" in registered_jobs()


def test_reminds_once_before_the_deadline(cc: SimpleNamespace, sent: Any, frozen: Any) -> None:
    assert recommendations_sweep() == "0 reminded, 0 escalated"  # ten working days ahead: too early
    frozen.move_to(at(add_working_days(TODAY, 8)))
    assert recommendations_sweep().startswith("1 reminded")
    assert told(REMINDER) == {cc.secretary.pk, cc.chair_user.pk}
    assert recommendations_sweep().startswith("0 reminded")
    assert Notification.objects.filter(kind=REMINDER).count() == 2


def test_overdue_goes_to_secretary_and_chair_then_the_executive_secretary(
    cc: SimpleNamespace, sent: Any, frozen: Any
) -> None:
    deadline = sent.response_deadline
    frozen.move_to(at(deadline + dt.timedelta(days=1)))  # Tuesday after the Monday deadline
    recommendations_sweep()
    assert told(OVERDUE) == {cc.secretary.pk, cc.chair_user.pk}
    assert not told(ESCALATED)
    recommendations_sweep()
    assert Notification.objects.filter(kind=OVERDUE).count() == 2  # once
    frozen.move_to(at(add_working_days(deadline, 5)))
    recommendations_sweep()
    assert told(ESCALATED) == {cc.exec_makat.pk}
    sent.refresh_from_db()
    assert sent.escalation_level == 2
    assert AuditEvent.objects.filter(verb="councils.recommendation_escalated").count() == 1
    recommendations_sweep()
    assert Notification.objects.filter(kind=ESCALATED).count() == 1


def test_an_answered_recommendation_is_left_alone(cc: SimpleNamespace, sent: Any, frozen: Any) -> None:
    rs.recommendation_respond(actor=cc.secretary, recommendation=sent, kind=ResponseKind.ACCEPTED)
    frozen.move_to(at(sent.response_deadline + dt.timedelta(days=10)))
    assert recommendations_sweep() == "0 reminded, 0 escalated"
    assert not Notification.objects.filter(kind__startswith="councils.").exists()


def test_a_chair_without_an_account_is_simply_not_told(cc: SimpleNamespace, sent: Any, frozen: Any) -> None:
    cc.chair_user.person = None
    cc.chair_user.save()
    frozen.move_to(at(sent.response_deadline + dt.timedelta(days=1)))
    recommendations_sweep()
    assert told(OVERDUE) == {cc.secretary.pk}
