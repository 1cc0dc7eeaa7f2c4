"""After the event the organiser confirms who came and for how many hours; each change is a named
transition recorded with who, when and why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.projects.choices import SignUpStatus
from amanat.projects.models import Shift, SignUp
from amanat.projects.services.signups import signup_transition
from amanat.projects.tests.conftest import sign

pytestmark = pytest.mark.django_db


def past_signup(proj: SimpleNamespace, n: int = 1) -> SignUp:
    """A sign-up made before the past event began."""
    before = proj.past.starts_at - dt.timedelta(days=1)
    from amanat.projects.services.signups import signup_create
    from amanat.projects.tests.conftest import volunteer

    return signup_create(shift_id=proj.past_shift.pk, volunteer=volunteer(n), now=before)


def test_the_organiser_confirms_attendance_and_hours(proj: SimpleNamespace) -> None:
    signup = past_signup(proj)
    signup_transition(actor=proj.makat_secretary, signup=signup, to=SignUpStatus.ATTENDED, hours="1.5", note="ok")
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.ATTENDED
    assert signup.hours == Decimal("1.50")
    last = signup.transitions.last()
    assert (last.from_status, last.to_status, last.actor, last.note) == (
        SignUpStatus.SIGNED_UP, SignUpStatus.ATTENDED, proj.makat_secretary, "ok",
    )  # fmt: skip
    # corrected hours, then a no-show: the hours go, the place stays held
    signup_transition(actor=proj.makat_secretary, signup=signup, to=SignUpStatus.ATTENDED, hours=2)
    signup_transition(actor=proj.makat_secretary, signup=signup, to=SignUpStatus.NO_SHOW)
    signup.refresh_from_db()
    assert (signup.status, signup.hours) == (SignUpStatus.NO_SHOW, None)
    assert Shift.objects.get(pk=proj.past_shift.pk).taken == 1
    assert signup.transitions.count() == 4


@pytest.mark.parametrize(
    ("hours", "message"),
    [(None, "more than zero"), ("0", "more than zero"), ("-1", "more than zero"), ("2.5", "lasted 2 hours")],
)
def test_hours_must_be_positive_and_fit_the_shift(proj: SimpleNamespace, hours: Any, message: str) -> None:
    signup = past_signup(proj)
    with pytest.raises(ValidationError, match=message):
        signup_transition(actor=proj.makat_secretary, signup=signup, to=SignUpStatus.ATTENDED, hours=hours)
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.SIGNED_UP


def test_attendance_waits_for_the_shift_and_cancelling_waits_for_nobody_past_it(proj: SimpleNamespace) -> None:
    upcoming = sign(proj.morning)
    with pytest.raises(ValidationError, match="once the shift has begun"):
        signup_transition(actor=proj.secretary, signup=upcoming, to=SignUpStatus.ATTENDED, hours=1)
    signup_transition(actor=proj.secretary, signup=upcoming, to=SignUpStatus.CANCELLED, note="ill")
    assert Shift.objects.get(pk=proj.morning.pk).taken == 0
    with pytest.raises(ValidationError, match="cannot be changed"):
        signup_transition(actor=proj.secretary, signup=upcoming, to=SignUpStatus.ATTENDED, hours=1)
    past = past_signup(proj)
    with pytest.raises(ValidationError, match="mark the volunteer as not come"):
        signup_transition(actor=proj.secretary, signup=past, to=SignUpStatus.CANCELLED)


def test_only_managers_of_the_events_unit_confirm_attendance(proj: SimpleNamespace) -> None:
    signup = past_signup(proj)
    for outsider in (proj.inder_secretary, proj.deputy, proj.auditor, proj.primary):
        with pytest.raises(PermissionDenied):
            signup_transition(actor=outsider, signup=signup, to=SignUpStatus.ATTENDED, hours=1)
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.SIGNED_UP
