"""Logging in by e-mail or phone, the messages people see, `next`, logging out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from amanat.accounts.choices import AccountsVerb
from amanat.accounts.tests.helpers import login
from amanat.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_login_page_has_one_field_for_email_or_phone(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "E-mail or phone" in html
    assert 'name="username"' in html and 'name="password"' in html


def test_login_by_email_opens_the_workspace(client, make_user):
    user = make_user()
    response = login(client, user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("core:manage-home")
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.parametrize(
    "typed",
    ["+77011234567", "8 701 123 45 67", "+7 (701) 123-45-67", "87011234567", "7011234567", " +7 701 123 4567 "],
)
def test_login_by_phone_in_any_common_format(client, phone_user, typed):
    assert phone_user.email is None
    response = login(client, typed)
    assert response.status_code == 302, response.content.decode()[:500]
    assert int(client.session["_auth_user_id"]) == phone_user.pk


def test_wrong_password_gets_a_clear_message_and_logs_nobody_in(client, make_user):
    user = make_user()
    response = login(client, user.email, "wrong-password")
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_login_gets_the_same_message_as_a_wrong_password(client, db):
    response = login(client, "nobody@example.kz", "whatever-password")
    assert "do not match" in response.content.decode()


def test_empty_form_asks_for_both_fields(client, db):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"username", "password"}


def test_switched_off_account_cannot_log_in(client, make_user):
    user = make_user(is_active=False)
    response = login(client, user.email)
    assert "_auth_user_id" not in client.session
    assert "do not match" in response.content.decode()


def test_next_on_this_site_is_honoured(client, make_user):
    user = make_user()
    response = client.post(
        reverse("accounts:login") + "?next=/accounts/profile/",
        {"username": user.email, "password": "correct-horse-battery", "next": "/accounts/profile/"},
    )
    assert response["Location"] == "/accounts/profile/"


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)"])
def test_next_to_another_site_is_ignored(client, make_user, target):
    user = make_user()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": "correct-horse-battery", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:manage-home")


def test_login_and_failed_login_are_audited(client, make_user):
    user = make_user()
    login(client, user.email, "wrong-password")
    login(client, user.email)
    verbs = list(AuditEvent.objects.filter(target_id=str(user.pk)).values_list("verb", flat=True))
    assert AccountsVerb.LOGIN_FAILED in verbs
    assert AccountsVerb.LOGIN in verbs


def test_logout_is_a_post(client, make_user):
    client.force_login(make_user())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_logged_in_user_opening_login_goes_to_the_workspace(client, make_user):
    client.force_login(make_user())
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302


def test_login_page_names_the_branch_from_site_settings(client, db):
    from amanat.core.models import SiteSettings

    settings_row = SiteSettings.load()
    settings_row.branch_name_en = "Atyrau Branch Test Name"
    settings_row.save()
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Atyrau Branch Test Name" in html
