"""Password reset by e-mail (and what phone-only people are told), password change."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from amanat.accounts.choices import AccountsVerb
from amanat.accounts.tests.helpers import login
from amanat.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password-reset")
NEW_PASSWORD = "Another-long-Passw0rd"


def reset_link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).replace("http://testserver", "")


def request_reset(client, django_capture_on_commit_callbacks, email):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(RESET, {"email": email})


def test_reset_email_is_sent_in_the_users_language_and_its_link_sets_a_password(
    client, make_user, django_capture_on_commit_callbacks
):
    user = make_user(language="ru")
    response = request_reset(client, django_capture_on_commit_callbacks, user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.extra_headers["Content-Language"] == "ru"
    assert user.email in message.body

    response = client.get(reset_link(message), follow=True)
    assert response.status_code == 200 and response.context["validlink"]
    set_url = response.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-complete")

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(verb=AccountsVerb.PASSWORD_RESET, target_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(verb=AccountsVerb.PASSWORD_RESET_REQUESTED, target_id=str(user.pk)).exists()
    login(client, user.email, NEW_PASSWORD)
    assert "_auth_user_id" in client.session


def test_reset_link_works_only_once(client, make_user, django_capture_on_commit_callbacks):
    user = make_user()
    request_reset(client, django_capture_on_commit_callbacks, user.email)
    link = reset_link(mail.outbox[0])
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.get(link, follow=True)
    assert not response.context["validlink"]
    assert "does not work any more" in response.content.decode()


def test_mismatched_new_passwords_change_nothing(client, make_user, django_capture_on_commit_callbacks):
    user = make_user()
    request_reset(client, django_capture_on_commit_callbacks, user.email)
    set_url = client.get(reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")


def test_unknown_email_gets_the_same_answer_and_no_mail(client, db, django_capture_on_commit_callbacks):
    response = request_reset(client, django_capture_on_commit_callbacks, "nobody@example.kz")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_phone_number_is_told_to_ask_the_administrator(client, phone_user, django_capture_on_commit_callbacks):
    response = request_reset(client, django_capture_on_commit_callbacks, "8 701 123 45 67")
    assert response.status_code == 200
    assert "ask the administrator of your branch" in response.content.decode()
    assert mail.outbox == []


def test_not_an_email_gets_a_field_message(client, db):
    response = client.post(RESET, {"email": "not an address"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_password_change_needs_the_old_password(client, make_user):
    user = make_user()
    client.force_login(user)
    url = reverse("accounts:password-change")
    response = client.post(url, {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")

    response = client.post(
        url, {"old_password": "correct-horse-battery", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(verb=AccountsVerb.PASSWORD_CHANGED, target_id=str(user.pk)).exists()
    assert client.get(reverse("accounts:profile")).status_code == 200  # still logged in


def test_too_short_new_password_is_refused(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "correct-horse-battery", "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
