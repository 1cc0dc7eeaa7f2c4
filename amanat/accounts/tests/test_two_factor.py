"""TOTP two-factor login: who is asked, verifying, setting up, turning off."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from amanat.accounts import two_factor
from amanat.accounts.choices import AccountsVerb
from amanat.accounts.tests.helpers import code_for, login
from amanat.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_on")]

MANAGE = reverse("accounts:profile")  # any signed-in page
VERIFY = reverse("accounts:two-factor")
SETUP = reverse("accounts:two-factor-setup")
NOW = dt.datetime(2026, 4, 1, 9, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def two_factor_on():
    with override_settings(TWO_FACTOR_REQUIRED=True):
        yield


@pytest.fixture
def secretary(make_user, tree):
    """An executive secretary: the role sees personal data, so it requires a second factor."""
    return make_user("executive_secretary", tree.makat)


def test_roles_that_see_personal_data_require_two_factor(roles):
    assert roles["executive_secretary"].requires_2fa
    assert roles["primary_secretary"].requires_2fa
    assert not roles["member"].requires_2fa


def test_required_role_is_sent_to_verify_after_the_password(client, secretary, add_device):
    add_device(secretary)
    response = login(client, secretary.email)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    response = client.get(MANAGE)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_required_role_without_a_device_is_sent_to_set_one_up(client, secretary):
    client.force_login(secretary)
    response = client.get(MANAGE, follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    assert "<svg" in response.content.decode()


def test_role_without_personal_data_is_not_asked(client, make_user, tree):
    client.force_login(make_user("member", tree.makat_p1))
    assert client.get(MANAGE).status_code == 200


def test_without_the_setting_nobody_is_forced(client, secretary):
    with override_settings(TWO_FACTOR_REQUIRED=False):
        client.force_login(secretary)
        assert client.get(MANAGE).status_code == 200


def test_wrong_code_is_refused_and_the_right_code_lets_in(client, secretary, add_device):
    device = add_device(secretary)
    with time_machine.travel(NOW, tick=False):
        login(client, secretary.email)
        wrong = f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}"
        response = client.post(VERIFY, {"code": wrong, "next": "/accounts/profile/"})
        assert response.status_code == 400
        assert "This code is not right" in response.content.decode()
        assert client.get(MANAGE).status_code == 302
    # django-otp makes the next try wait a moment after a wrong code.
    with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
        response = client.post(VERIFY, {"code": code_for(device.key), "next": "/accounts/profile/"})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/profile/"
        assert client.get(MANAGE).status_code == 200
    verbs = set(AuditEvent.objects.filter(target_id=str(secretary.pk)).values_list("verb", flat=True))
    assert {AccountsVerb.TWO_FACTOR_FAILED, AccountsVerb.TWO_FACTOR_VERIFIED} <= verbs


def test_code_typed_with_a_space_is_accepted(client, secretary, add_device):
    device = add_device(secretary)
    client.force_login(secretary)
    code = code_for(device.key)
    response = client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302


def test_code_one_step_off_is_accepted_for_clock_drift(client, secretary, add_device):
    device = add_device(secretary)
    with time_machine.travel(NOW, tick=False):
        client.force_login(secretary)
        response = client.post(VERIFY, {"code": code_for(device.key, steps=-1)})
        assert response.status_code == 302


def test_code_two_steps_old_is_refused(client, secretary, add_device):
    device = add_device(secretary)
    with time_machine.travel(NOW, tick=False):
        client.force_login(secretary)
        response = client.post(VERIFY, {"code": code_for(device.key, steps=-2)})
        assert response.status_code == 400


def test_a_code_cannot_be_used_twice(client, secretary, add_device):
    device = add_device(secretary)
    with time_machine.travel(NOW, tick=False):
        code = code_for(device.key)
        client.force_login(secretary)
        assert client.post(VERIFY, {"code": code}).status_code == 302
        client.logout()
        client.force_login(secretary)
    with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
        assert client.post(VERIFY, {"code": code}).status_code == 400


def test_malformed_code_gets_a_clear_message(client, secretary, add_device):
    add_device(secretary)
    client.force_login(secretary)
    response = client.post(VERIFY, {"code": "12ab"})
    assert response.status_code == 400
    assert "six digits" in response.content.decode()


def test_next_to_another_site_is_ignored_after_verifying(client, secretary, add_device):
    device = add_device(secretary)
    client.force_login(secretary)
    response = client.post(VERIFY, {"code": code_for(device.key), "next": "https://evil.example.com/"})
    assert response["Location"] == reverse("core:manage-home")


def test_setup_shows_a_qr_code_and_the_secret_then_turns_on_with_a_code(client, secretary):
    client.force_login(secretary)
    response = client.get(SETUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "otpauth" not in html  # drawn here, no external service
    key = client.session[two_factor.PENDING_KEY]
    assert two_factor.secret_for_display(key) in html

    response = client.post(SETUP, {"code": "000000" if code_for(key) != "000000" else "111111"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=secretary).exists()

    response = client.post(SETUP, {"code": code_for(key)})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=secretary)
    assert device.confirmed and device.key == key and device.tolerance == 1
    assert client.get(MANAGE).status_code == 200  # verified by the setup itself
    assert AuditEvent.objects.filter(verb=AccountsVerb.TWO_FACTOR_ENABLED, target_id=str(secretary.pk)).exists()


def test_setup_is_refused_to_a_session_that_has_not_verified_the_existing_device(client, secretary, add_device):
    add_device(secretary)
    client.force_login(secretary)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_user_who_turned_it_on_themselves_is_asked_too(client, make_user, tree, add_device):
    member = make_user("member", tree.makat_p1)
    add_device(member)
    with override_settings(TWO_FACTOR_REQUIRED=False):
        response = login(client, member.email)
        assert response["Location"].startswith(VERIFY)
        assert client.get(MANAGE).status_code == 302


def test_turning_off_needs_the_password_and_a_code(client, secretary, add_device):
    device = add_device(secretary)
    client.force_login(secretary)
    client.post(VERIFY, {"code": code_for(device.key, steps=-1)})
    url = reverse("accounts:two-factor-disable")
    response = client.post(url, {"password": "wrong-password", "code": code_for(device.key)})
    assert response.status_code == 400
    assert "password is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=secretary).exists()
    response = client.post(url, {"password": "correct-horse-battery", "code": code_for(device.key)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=secretary).exists()
    assert AuditEvent.objects.filter(verb=AccountsVerb.TWO_FACTOR_DISABLED, target_id=str(secretary.pk)).exists()


def test_api_session_that_has_not_verified_gets_403(client, secretary, add_device):
    add_device(secretary)
    client.force_login(secretary)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"


def test_another_authorization_scheme_does_not_get_past_the_check(client, secretary, add_device):
    add_device(secretary)
    client.force_login(secretary)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Basic eDp5").status_code == 403


def test_token_call_is_not_held_by_a_session_that_has_not_verified(client, secretary, add_device, make_user):
    from amanat.accounts.models import ApiToken

    add_device(secretary)
    other = make_user()
    _token, raw = ApiToken.issue(user=other, name="t")
    client.force_login(secretary)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["id"] == other.pk


def test_profile_and_tokens_wait_for_the_second_factor(client, secretary, add_device):
    add_device(secretary)
    client.force_login(secretary)
    for url in (reverse("accounts:profile"), reverse("accounts:user-list")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), url
    response = client.post(reverse("accounts:token-create"), {"name": "x"})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_verify_page_for_a_user_who_needs_nothing_just_goes_on(client, make_user, tree):
    client.force_login(make_user("member", tree.makat_p1))
    response = client.get(VERIFY + "?next=/accounts/profile/")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"


def test_secret_is_shown_in_groups_of_four():
    shown = two_factor.secret_for_display("00" * 20)
    assert re.fullmatch(r"(A{4} ){7}A{4}", shown)


def test_the_check_costs_no_query_per_page(client, make_user, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user("member", tree.makat_p1))
    url = reverse("accounts:password-change")  # a page that itself reads no device
    client.get(url)  # warm the site-settings cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q for q in queries.captured_queries if "otp_totp" in q["sql"]]
