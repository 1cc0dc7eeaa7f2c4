"""The appeal's clock: terms across holidays, pauses, extension, reopening, policy and calendar changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.appeals import tasks
from amanat.appeals.choices import AppealStatus, AppealType, Language
from amanat.appeals.models import Appeal, DeadlinePolicy
from amanat.appeals.services.deadlines import clock_of
from amanat.appeals.services.transitions import appeal_transition
from amanat.appeals.workflow import Transition
from amanat.core.calendar import SAME_DAY
from amanat.core.models import CalendarOverride

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Atyrau")
D = dt.date


def at(y: int, m: int, d: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, hour, tzinfo=TZ)


def step(appeal, transition, actor, **kwargs):
    return appeal_transition(appeal=appeal, transition=transition, actor=actor, **kwargs)


@pytest.fixture
def travel():
    with time_machine.travel(at(2026, 3, 18), tick=False) as traveller:
        yield traveller


def test_term_runs_from_the_day_after_registration_and_skips_nauryz(appeal_factory, travel):
    appeal = appeal_factory()
    # 15 working days from 19 March: 21–25 March are weekend and Nauryz days off.
    assert appeal.registered_on == D(2026, 3, 18)
    assert appeal.deadline == D(2026, 4, 13)
    assert clock_of(appeal).remaining(D(2026, 3, 18)) == 15


def test_same_day_convention_counts_the_registration_day(appeal_factory, travel):
    DeadlinePolicy.objects.create(appeal_type=AppealType.STATEMENT, convention=SAME_DAY)
    appeal = appeal_factory()
    assert appeal.deadline == D(2026, 4, 10)


def test_complaint_has_twenty_working_days(appeal_factory, travel):
    appeal = appeal_factory(appeal_type=AppealType.COMPLAINT)
    assert appeal.deadline == D(2026, 4, 20)


def test_term_across_the_independence_day_and_new_year(appeal_factory):
    with time_machine.travel(at(2026, 12, 15), tick=False):
        appeal = appeal_factory()
    # 16 Dec, 1–2 Jan (2 Jan falls on a Saturday: observed on Monday 4 Jan) and 7 Jan are days off.
    assert appeal.registered_on == D(2026, 12, 15)
    assert appeal.deadline == D(2027, 1, 11)


def test_receipt_on_a_day_off_is_registered_on_the_next_working_day(appeal_factory):
    # Saturday 7 March; Sunday 8 March (Women's Day) is observed on Monday 9 March.
    with time_machine.travel(at(2026, 3, 7), tick=False):
        appeal = appeal_factory()
    assert appeal.registered_on == D(2026, 3, 10)
    assert appeal.deadline == D(2026, 4, 3)


def test_pause_freezes_the_remaining_days_and_moves_the_end(appeal_factory, staff, travel):
    appeal = appeal_factory()
    travel.move_to(at(2026, 3, 20))  # Friday
    appeal = step(appeal, Transition.PAUSE, staff.makat_operator, reason="Send a copy of the contract.")
    assert appeal.status == AppealStatus.PAUSED
    assert appeal.deadline is None  # unknown until work resumes
    frozen = clock_of(appeal).remaining(D(2026, 3, 20))
    assert frozen == 13
    travel.move_to(at(2026, 3, 25))  # over the weekend and Nauryz: still the same
    assert clock_of(appeal).remaining() == frozen
    travel.move_to(at(2026, 3, 26))  # Thursday: one working day spent paused
    appeal = step(appeal, Transition.RESUME, staff.makat_operator)
    assert appeal.deadline == D(2026, 4, 14)
    assert clock_of(appeal).remaining() == frozen
    assert clock_of(appeal).paused_days == 1


def test_two_pauses_add_up(appeal_factory, staff, travel):
    appeal = appeal_factory()
    travel.move_to(at(2026, 3, 19))
    appeal = step(appeal, Transition.PAUSE, staff.makat_operator, reason="Need a document.")
    travel.move_to(at(2026, 3, 20))
    appeal = step(appeal, Transition.RESUME, staff.makat_operator)
    travel.move_to(at(2026, 3, 27))
    appeal = step(appeal, Transition.PAUSE, staff.makat_operator, reason="Need another document.")
    travel.move_to(at(2026, 3, 31))
    appeal = step(appeal, Transition.RESUME, staff.makat_operator)
    assert clock_of(appeal).paused_days == 3
    assert appeal.deadline == D(2026, 4, 16)


def test_extension_once_and_never_beyond_the_maximum(appeal_factory, staff, travel):
    appeal = step(appeal_factory(), Transition.TAKE, staff.makat_operator)
    with pytest.raises(PermissionDenied):  # an operator may not approve an extension
        step(appeal, Transition.EXTEND, staff.makat_operator, reason="Expert opinion.", extended_to=D(2026, 5, 15))
    with pytest.raises(ValidationError) as beyond:
        step(appeal, Transition.EXTEND, staff.makat_secretary, reason="Expert opinion.", extended_to=D(2026, 5, 19))
    assert "may not go beyond 18.05.2026" in str(beyond.value.message_dict["extended_to"])
    with pytest.raises(ValidationError) as earlier:
        step(appeal, Transition.EXTEND, staff.makat_secretary, reason="Expert opinion.", extended_to=D(2026, 4, 1))
    assert "later than the current" in str(earlier.value.message_dict["extended_to"])
    with pytest.raises(ValidationError) as no_reason:
        step(appeal, Transition.EXTEND, staff.makat_secretary, extended_to=D(2026, 5, 15))
    assert "reason" in no_reason.value.message_dict

    appeal = step(
        appeal, Transition.EXTEND, staff.makat_secretary, reason="Expert opinion.", extended_to=D(2026, 5, 15)
    )
    assert appeal.deadline == D(2026, 5, 15)
    assert appeal.extension_count == 1
    event = appeal.events.get(kind=Transition.EXTEND)
    assert event.data["approved_by"] == staff.makat_secretary.pk
    assert event.reason == "Expert opinion."
    with pytest.raises(ValidationError) as twice:
        step(appeal, Transition.EXTEND, staff.makat_secretary, reason="Again.", extended_to=D(2026, 5, 18))
    assert "already been extended" in str(twice.value.message_dict["extended_to"])
    assert Appeal.objects.get(pk=appeal.pk).deadline == D(2026, 5, 15)


def test_a_pause_after_an_extension_moves_the_extended_end(appeal_factory, staff, travel):
    appeal = step(appeal_factory(), Transition.TAKE, staff.makat_operator)
    appeal = step(appeal, Transition.EXTEND, staff.makat_secretary, reason="Expert.", extended_to=D(2026, 5, 4))
    travel.move_to(at(2026, 4, 1))
    appeal = step(appeal, Transition.PAUSE, staff.makat_operator, reason="Need a document.")
    travel.move_to(at(2026, 4, 3))
    appeal = step(appeal, Transition.RESUME, staff.makat_operator)
    assert appeal.deadline == D(2026, 5, 6)  # 2 and 3 April paused: two working days more


def test_reopening_gives_a_fresh_term(appeal_factory, staff, travel):
    appeal = step(appeal_factory(), Transition.TAKE, staff.makat_operator)
    appeal = step(appeal, Transition.EXTEND, staff.makat_secretary, reason="Expert.", extended_to=D(2026, 5, 4))
    appeal = step(appeal, Transition.ANSWER, staff.makat_operator, text="Done.", language=Language.RU, is_positive=True)
    assert appeal.deadline == D(2026, 5, 4)  # a finished appeal keeps the deadline it had
    travel.move_to(at(2026, 6, 1))
    appeal = step(appeal, Transition.REOPEN, staff.makat_secretary, reason="The problem is back.")
    clock = clock_of(appeal)
    assert clock.start == D(2026, 6, 1)
    assert clock.extensions == 0 and clock.extended_to is None
    # 15 working days from 2 June (6 July is Capital Day, after the term).
    assert appeal.deadline == D(2026, 6, 22)
    # The fresh term may be extended again.
    appeal = step(appeal, Transition.EXTEND, staff.makat_secretary, reason="Expert.", extended_to=D(2026, 7, 15))
    assert appeal.deadline == D(2026, 7, 15)


def test_a_changed_policy_recomputes_open_deadlines(appeal_factory, travel):
    appeal = appeal_factory()
    finished = appeal_factory()
    Appeal.objects.filter(pk=finished.pk).update(status=AppealStatus.CLOSED)
    DeadlinePolicy.objects.create(appeal_type=AppealType.STATEMENT, term_days=10)
    tasks.recompute_deadlines.enqueue(appeal_type=AppealType.STATEMENT)
    appeal.refresh_from_db()
    finished.refresh_from_db()
    assert appeal.deadline == D(2026, 4, 6)
    assert finished.deadline == D(2026, 4, 13)  # closed appeals keep theirs


def test_a_new_day_off_in_the_calendar_moves_the_deadline(appeal_factory, travel, django_capture_on_commit_callbacks):
    appeal = appeal_factory()
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(date=D(2026, 4, 1), kind="day_off", basis_ru="Постановление")
    appeal.refresh_from_db()
    assert appeal.deadline == D(2026, 4, 14)
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.filter(date=D(2026, 4, 1)).delete()
    appeal.refresh_from_db()
    assert appeal.deadline == D(2026, 4, 13)
