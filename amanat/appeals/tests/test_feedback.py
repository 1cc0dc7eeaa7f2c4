"""The citizen's verdict: rate once, low ratings to control review, reopening, the review."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.appeals.choices import AppealStatus, Solved
from amanat.appeals.models import Appeal, AppealFeedback
from amanat.appeals.services.feedback import (
    appeal_rate,
    appeal_reopen_by_applicant,
    appeal_review,
    can_rate,
    can_reopen,
)
from amanat.appeals.services.transitions import appeal_transition
from amanat.appeals.workflow import Transition
from amanat.notifications.models import Notification

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Atyrau")


@pytest.fixture
def answered(appeal_factory, staff):
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, tzinfo=TZ), tick=False):
        appeal = appeal_factory()
        return appeal_transition(
            appeal=appeal, transition=Transition.ANSWER, actor=staff.makat_operator, text="Сделано.", language="ru"
        )


def test_rate_once_and_a_satisfied_applicant_closes_the_appeal(answered):
    assert can_rate(answered)
    appeal_rate(appeal=answered, rating=5, solved=Solved.FULLY, comment="Спасибо")
    fresh = Appeal.objects.get(pk=answered.pk)
    assert fresh.status == AppealStatus.CLOSED and not fresh.needs_review
    assert not can_rate(fresh)
    with pytest.raises(ValidationError) as twice:
        appeal_rate(appeal=fresh, rating=1, solved=Solved.NOT)
    assert "already been rated" in twice.value.messages[0]
    assert AppealFeedback.objects.get(appeal=answered).rating == 5


def test_bad_ratings_are_refused(answered):
    with pytest.raises(ValidationError) as refused:
        appeal_rate(appeal=answered, rating=6, solved="maybe")
    assert set(refused.value.message_dict) == {"rating", "solved"}
    assert not AppealFeedback.objects.exists()


def test_nothing_to_rate_before_an_answer(appeal_factory):
    appeal = appeal_factory()
    with pytest.raises(ValidationError):
        appeal_rate(appeal=appeal, rating=4, solved=Solved.FULLY)


@pytest.mark.parametrize(("rating", "solved"), [(2, Solved.FULLY), (5, Solved.NOT)])
def test_low_rating_or_not_solved_goes_to_control_review(
    answered, staff, rating, solved, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal_rate(appeal=answered, rating=rating, solved=solved)
    fresh = Appeal.objects.get(pk=answered.pk)
    assert fresh.needs_review and fresh.status == AppealStatus.ANSWERED
    assert Notification.objects.filter(user=staff.control, kind="appeals.review").count() == 1


def test_reopen_window(answered):
    policy_days = 30
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, tzinfo=TZ) + dt.timedelta(days=policy_days + 1), tick=False):
        assert not can_reopen(answered)
        with pytest.raises(ValidationError):
            appeal_reopen_by_applicant(appeal=answered, reason="Не решено.")
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, tzinfo=TZ) + dt.timedelta(days=policy_days), tick=False):
        assert can_reopen(answered)
        with pytest.raises(ValidationError) as no_reason:
            appeal_reopen_by_applicant(appeal=answered, reason=" ")
        assert "reason" in no_reason.value.message_dict
        appeal = appeal_reopen_by_applicant(appeal=answered, reason="Не решено.")
    assert appeal.status == AppealStatus.IN_WORK and appeal.reopen_count == 1 and appeal.needs_review
    assert appeal.events.get(kind=Transition.REOPEN).actor is None


def test_review_confirms_and_closes(answered, staff):
    appeal_rate(appeal=answered, rating=1, solved=Solved.NOT)
    with pytest.raises(PermissionDenied):
        appeal_review(appeal=answered, actor=staff.makat_operator, conclusion="OK", reopen=False)
    with pytest.raises(ValidationError):
        appeal_review(appeal=answered, actor=staff.control, conclusion="", reopen=False)
    appeal = appeal_review(appeal=answered, actor=staff.control, conclusion="The answer is lawful.", reopen=False)
    assert appeal.status == AppealStatus.CLOSED and not appeal.needs_review
    feedback = AppealFeedback.objects.get(appeal=answered)
    assert feedback.reviewed_by == staff.control and feedback.review_conclusion == "The answer is lawful."
    with pytest.raises(ValidationError):
        appeal_review(appeal=appeal, actor=staff.control, conclusion="Again.", reopen=False)


def test_review_reopens_with_a_fresh_term(answered, staff):
    appeal_rate(appeal=answered, rating=1, solved=Solved.NOT)
    with time_machine.travel(dt.datetime(2026, 4, 1, 10, tzinfo=TZ), tick=False):
        appeal = appeal_review(appeal=answered, actor=staff.control, conclusion="Not solved.", reopen=True)
    assert appeal.status == AppealStatus.IN_WORK and appeal.reopen_count == 1
    assert appeal.deadline == dt.date(2026, 4, 22)
