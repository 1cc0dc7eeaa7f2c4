"""Volunteers sign up for a shift: once per shift, never past its places, with consent, and a
link in the e-mail to cancel. Two people racing for the last place get one place."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections

from amanat.audit.models import AuditEvent
from amanat.projects.choices import AgeGroup, SignUpStatus
from amanat.projects.models import Shift, SignUp
from amanat.projects.services import signups as services
from amanat.projects.services.signups import signup_cancel_by_token
from amanat.projects.tests.conftest import add_shift, sign, volunteer

pytestmark = pytest.mark.django_db


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_a_volunteer_signs_up_and_gets_an_email_with_a_link_to_cancel(
    proj: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        signup = sign(proj.morning, birth_year=2005)
    assert signup.status == SignUpStatus.SIGNED_UP
    assert signup.age_group == AgeGroup.YOUTH
    assert signup.phone == "+77015550001"
    assert Shift.objects.get(pk=proj.morning.pk).taken == 1
    assert signup.transitions.get().to_status == SignUpStatus.SIGNED_UP
    assert AuditEvent.objects.filter(verb="projects.signup_created").count() == 1
    assert len(mail.outbox) == 1
    assert f"/projects/cancel/{signup.cancel_token}/" in mail.outbox[0].body


@pytest.mark.parametrize(
    "changes",
    [
        {"n": 2, "phone": "8 701 555 00 01"},  # the same phone, written otherwise
        {"n": 2, "email": "V1@example.kz"},  # the same e-mail
    ],
)
def test_signing_up_twice_for_the_same_shift_is_refused(proj: SimpleNamespace, changes: dict[str, Any]) -> None:
    sign(proj.morning)
    n = changes.pop("n")
    with pytest.raises(ValidationError) as exc:
        sign(proj.morning, n, **changes)
    assert errors_of(exc) == {"shift": ["You are already signed up for this shift."]}
    assert SignUp.objects.filter(shift=proj.morning).count() == 1
    assert Shift.objects.get(pk=proj.morning.pk).taken == 1


def test_a_member_signing_up_twice_is_refused(proj: SimpleNamespace, make_user: Any) -> None:
    member = make_user(None, None, phone="+77017770000")
    services.signup_create(shift_id=proj.morning.pk, volunteer=services.volunteer_from_user(member), user=member)
    with pytest.raises(ValidationError) as exc:
        services.signup_create(shift_id=proj.morning.pk, volunteer=volunteer(5), user=member)
    assert "already signed up" in errors_of(exc)["shift"][0]


def test_the_same_person_may_take_another_shift(proj: SimpleNamespace) -> None:
    sign(proj.morning)
    sign(proj.afternoon)
    assert SignUp.objects.count() == 2


def test_a_full_shift_refuses_new_signups(proj: SimpleNamespace) -> None:
    sign(proj.morning, 1)
    sign(proj.morning, 2)
    with pytest.raises(ValidationError) as exc:
        sign(proj.morning, 3)
    assert errors_of(exc) == {"shift": ["This shift is full: choose another shift."]}
    assert SignUp.objects.filter(shift=proj.morning).count() == 2
    assert Shift.objects.get(pk=proj.morning.pk).taken == 2


def test_signing_up_twice_for_a_full_shift_says_already_signed_up(proj: SimpleNamespace) -> None:
    sign(proj.morning, 1)
    sign(proj.morning, 2)
    with pytest.raises(ValidationError) as exc:
        sign(proj.morning, 1)
    assert "already signed up" in errors_of(exc)["shift"][0]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent": False}, "consent", "Without consent"),
        ({"phone": "", "email": ""}, "phone", "Give a phone number or an e-mail"),
        ({"phone": "12345"}, "phone", "Kazakhstan phone number"),
        ({"email": "not-an-email"}, "email", "valid e-mail"),
        ({"name": "  "}, "name", "Give your name"),
        ({"birth_year": dt.datetime.now(tz=dt.UTC).year - 10}, "birth_year", "at least 14"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    proj: SimpleNamespace, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        sign(proj.morning, **changes)
    assert message in " ".join(errors_of(exc)[field])
    assert not SignUp.objects.exists()
    assert Shift.objects.get(pk=proj.morning.pk).taken == 0


def test_a_begun_shift_or_a_private_project_cannot_be_signed_up_for(proj: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="already begun"):
        sign(proj.past_shift)
    proj.project.is_public = False
    proj.project.save()
    with pytest.raises(ValidationError, match="no such shift"):
        sign(proj.morning)


def test_the_cancel_link_frees_the_place_and_a_second_click_changes_nothing(proj: SimpleNamespace) -> None:
    first = sign(proj.morning, 1)
    sign(proj.morning, 2)
    signup_cancel_by_token(token=first.cancel_token)
    signup_cancel_by_token(token=first.cancel_token)
    first.refresh_from_db()
    assert first.status == SignUpStatus.CANCELLED
    assert Shift.objects.get(pk=proj.morning.pk).taken == 1
    assert first.transitions.count() == 2
    again = sign(proj.morning, 1)  # the freed place is taken again, by the same person
    assert again.pk != first.pk
    assert Shift.objects.get(pk=proj.morning.pk).taken == 2
    with pytest.raises(ValidationError, match="not valid"):
        signup_cancel_by_token(token="nonsense")


def test_the_database_refuses_an_over_full_shift_even_past_the_checks(proj: SimpleNamespace) -> None:
    sign(proj.morning, 1)
    sign(proj.morning, 2)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.filter(pk=proj.morning.pk).update(taken=3)


def test_a_duplicate_racing_past_the_check_hits_the_constraint(proj: SimpleNamespace, monkeypatch: Any) -> None:
    sign(proj.morning, 1)
    monkeypatch.setattr(services, "_is_duplicate", lambda *a, **k: False)
    with pytest.raises(ValidationError, match="already signed up"):
        sign(proj.morning, 1)
    assert Shift.objects.get(pk=proj.morning.pk).taken == 1


@pytest.mark.django_db(transaction=True)
def test_two_sessions_racing_for_the_last_place_get_one(tree: SimpleNamespace, make_user: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises every write)")
    from django.utils import timezone

    from amanat.projects.models import Project
    from amanat.projects.tests.conftest import add_event

    project = Project.objects.create(code="race", title_kk="R", title_ru="R", org_unit=tree.regional, is_public=True)
    event = add_event(project, tree.makat, timezone.now() + dt.timedelta(days=2))
    shift = add_shift(event, capacity=1)
    barrier = threading.Barrier(4)
    results: list[str] = []

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            sign(shift, n)
            results.append("signed")
        except ValidationError as exc:
            results.append("full" if "full" in str(exc) else str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["full", "full", "full", "signed"]
    assert SignUp.objects.filter(shift=shift).count() == 1
    assert Shift.objects.get(pk=shift.pk).taken == 1


@pytest.mark.django_db(transaction=True)
def test_one_person_double_clicking_in_two_sessions_gets_one_signup(tree: SimpleNamespace) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    from django.utils import timezone

    from amanat.projects.models import Project
    from amanat.projects.tests.conftest import add_event

    project = Project.objects.create(code="race2", title_kk="R", title_ru="R", org_unit=tree.regional, is_public=True)
    shift = add_shift(add_event(project, tree.makat, timezone.now() + dt.timedelta(days=2)), capacity=10)
    barrier = threading.Barrier(3)
    results: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait()
            sign(shift, 7)
            results.append("signed")
        except ValidationError as exc:
            results.append("twice" if "already" in str(exc) else str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["signed", "twice", "twice"]
    assert Shift.objects.get(pk=shift.pk).taken == 1
