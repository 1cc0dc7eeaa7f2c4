"""Lockout after repeated failed logins: by login and by address, and its end."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from amanat.accounts.choices import AccountsVerb
from amanat.accounts.models import LoginFailure
from amanat.accounts.tests.helpers import login
from amanat.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lockout_settings")]

START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def lockout_settings():
    with override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_FAILURE_LIMIT_PER_ADDRESS=3, LOGIN_LOCKOUT_MINUTES=15):
        yield


def fail(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        login(client, username, "wrong-password", REMOTE_ADDR=ip)


def logged_in(client):
    return "_auth_user_id" in client.session


def test_right_password_is_refused_after_too_many_failures(client, make_user):
    user = make_user()
    fail(client, user.email, 3)
    response = login(client, user.email, REMOTE_ADDR="10.0.0.1")
    assert not logged_in(client)
    assert response.status_code == 200
    assert "Too many failed logins. Wait 15 minutes and try again." in response.content.decode()


def test_failures_below_the_limit_do_not_lock(client, make_user):
    user = make_user()
    fail(client, user.email, 2)
    login(client, user.email, REMOTE_ADDR="10.0.0.1")
    assert logged_in(client)


def test_lock_ends_when_the_window_has_passed(client, make_user):
    user = make_user()
    with time_machine.travel(START, tick=False):
        fail(client, user.email, 3)
    with time_machine.travel(START + dt.timedelta(minutes=10), tick=False):
        response = login(client, user.email, REMOTE_ADDR="10.0.0.1")
        assert not logged_in(client)
        assert "Wait 5 minutes" in response.content.decode()
    with time_machine.travel(START + dt.timedelta(minutes=15, seconds=1), tick=False):
        login(client, user.email, REMOTE_ADDR="10.0.0.1")
        assert logged_in(client)


def test_refused_attempts_do_not_prolong_the_lock(client, make_user):
    user = make_user()
    with time_machine.travel(START, tick=False):
        fail(client, user.email, 3)
    with time_machine.travel(START + dt.timedelta(minutes=14), tick=False):
        fail(client, user.email, 5)
    with time_machine.travel(START + dt.timedelta(minutes=16), tick=False):
        login(client, user.email, REMOTE_ADDR="10.0.0.1")
        assert logged_in(client)


def test_one_address_guessing_many_logins_is_locked_for_all(client, make_user):
    victims = [make_user() for _ in range(3)]
    for victim in victims:
        fail(client, victim.email, 1, ip="10.9.9.9")
    other = make_user()
    login(client, other.email, REMOTE_ADDR="10.9.9.9")
    assert not logged_in(client)
    # The same person from another address is not affected by that address's lock.
    login(client, other.email, REMOTE_ADDR="10.0.0.2")
    assert logged_in(client)


def test_a_few_typos_in_one_office_do_not_lock_out_its_other_people(client, make_user):
    with override_settings(LOGIN_FAILURE_LIMIT_PER_ADDRESS=20):
        for person in [make_user() for _ in range(5)]:
            fail(client, person.email, 1, ip="10.8.8.8")
        colleague = make_user()
        login(client, colleague.email, REMOTE_ADDR="10.8.8.8")
        assert logged_in(client)


def test_failures_count_for_a_login_whatever_address_they_come_from(client, make_user):
    user = make_user()
    for n in range(3):
        fail(client, user.email, 1, ip=f"10.1.0.{n}")
    login(client, user.email, REMOTE_ADDR="10.2.0.1")
    assert not logged_in(client)


def test_phone_spellings_count_as_one_login(client, phone_user):
    for typed in ("8 701 123 45 67", "+7 (701) 123-45-67", "87011234567"):
        login(client, typed, "wrong-password", REMOTE_ADDR=f"10.3.0.{len(typed)}")
    login(client, "+77011234567", REMOTE_ADDR="10.4.0.1")
    assert not logged_in(client)
    assert set(LoginFailure.objects.values_list("login", flat=True)) == {"+77011234567"}


def test_successful_login_clears_that_logins_failures(client, make_user):
    user = make_user()
    fail(client, user.email, 2)
    login(client, user.email, REMOTE_ADDR="10.0.0.1")
    assert not LoginFailure.objects.filter(login=user.email).exists()
    client.logout()
    fail(client, user.email, 2, ip="10.0.0.5")
    login(client, user.email, REMOTE_ADDR="10.0.0.5")
    assert logged_in(client)


def test_failures_and_lockout_are_audited(client, make_user):
    user = make_user()
    fail(client, user.email, 3)
    login(client, user.email, REMOTE_ADDR="10.0.0.1")
    events = AuditEvent.objects.filter(target_id=str(user.pk))
    assert events.filter(verb=AccountsVerb.LOGIN_FAILED).count() == 3
    assert events.filter(verb=AccountsVerb.LOCKED_OUT).count() == 2  # the lock starting, the refused try
    assert events.filter(verb=AccountsVerb.LOGIN_FAILED).first().ip == "10.0.0.1"


def test_admin_login_page_honours_the_lock_too(client, make_user):
    user = make_user(is_staff=True, is_superuser=True)
    fail(client, user.email, 3)
    response = client.post(
        reverse("admin:login"), {"username": user.email, "password": "correct-horse-battery"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 200
    assert not logged_in(client)


def test_old_failures_are_pruned(client, make_user):
    user = make_user()
    LoginFailure.objects.create(login="old@example.kz", at=timezone.now() - dt.timedelta(days=2))
    fail(client, user.email, 1)
    assert not LoginFailure.objects.filter(login="old@example.kz").exists()


def test_last_minute_of_the_lock_is_said_in_the_singular(client, make_user):
    user = make_user()
    with time_machine.travel(START, tick=False):
        fail(client, user.email, 3)
    with time_machine.travel(START + dt.timedelta(minutes=14, seconds=30), tick=False):
        response = login(client, user.email, REMOTE_ADDR="10.0.0.1")
    assert "Wait 1 minute and try again." in response.content.decode()
