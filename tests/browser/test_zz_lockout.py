"""Journey 5: repeated wrong passwords lock the login, even against the right password.

Runs last (the file name sorts last): the lockout counts failures by login *and* by address,
and every journey's browser comes from 127.0.0.1, so after it nobody could log in from here for
LOGIN_LOCKOUT_MINUTES. To keep the order from mattering anyway, the failures are cleared after
the journey. Nobody else logs in as the auditor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, LOGIN_PATH, Platform, login_form, shot, submit_login, t

AUDITOR = "auditor@amanat.kz"
CLEAR_FAILURES = "from amanat.accounts.models import LoginFailure; LoginFailure.objects.all().delete()"


@pytest.fixture
def failures_cleared_afterwards(platform: Platform) -> Iterator[None]:
    yield
    platform.amanat("shell", "-c", CLEAR_FAILURES)


def locked_messages(page: Any) -> set[str]:
    window = settings.LOGIN_LOCKOUT_MINUTES
    single = "Too many failed logins. Wait %(minutes)s minute and try again."
    plural = "Too many failed logins. Wait %(minutes)s minutes and try again."
    return {t(page, single, plural, n) % {"minutes": n} for n in range(1, window + 1)}


def error_text(page: Any) -> str:
    alert = page.get_by_role("main").get_by_role("alert")
    expect(alert).to_be_visible()
    return alert.inner_text().strip()


def test_wrong_passwords_lock_the_login(page: Any, failures_cleared_afterwards: None) -> None:
    limit = settings.LOGIN_FAILURE_LIMIT
    assert limit > 1
    for attempt in range(1, limit):
        submit_login(page, AUDITOR, f"wrong-password-{attempt}")
        assert page.url.endswith(LOGIN_PATH)
        message = error_text(page)
        assert message == t(page, "The e-mail or phone number and password do not match. Check them and try again."), (
            f"attempt {attempt}: {message!r}"
        )
        # What was typed as login stays in the field; the password does not.
        expect(login_form(page).get_by_label(t(page, "E-mail or phone"))).to_have_value(AUDITOR)
        expect(login_form(page).get_by_label(t(page, "Password"))).to_have_value("")

    submit_login(page, AUDITOR, "wrong-password-last")
    assert error_text(page) in locked_messages(page), error_text(page)

    # Now even the right password is refused, with the same message.
    submit_login(page, AUDITOR, DEMO_PASSWORD)
    assert page.url.endswith(LOGIN_PATH), "a locked login must not get in"
    assert error_text(page) in locked_messages(page), error_text(page)
    shot(page, "lockout")
    page.goto("/manage/")
    assert LOGIN_PATH in page.url, "a locked login has no session"
