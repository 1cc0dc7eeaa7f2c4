"""The profile page: details, language, roles, API tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from amanat.accounts.choices import AccountsVerb
from amanat.accounts.models import ApiToken, RoleGrant
from amanat.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def details(user, **changes):
    data = {
        "full_name": user.full_name,
        "email": user.email or "",
        "phone": user.phone or "",
        "language": user.language,
    }
    data.update(changes)
    return data


def test_profile_shows_roles_with_units_and_dates(client, make_user, tree, roles):
    user = make_user("primary_secretary", tree.makat_p1)
    RoleGrant.objects.create(
        user=user,
        role=roles["deputy"],
        org_unit=tree.makat,
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2024, 12, 31),
    )
    client.force_login(user)
    html = client.get(PROFILE).content.decode()
    assert str(roles["primary_secretary"].name) in html and str(tree.makat_p1) in html
    assert "01.01.2024" in html and "31.12.2024" in html and "expired" in html


def test_saving_the_language_sets_it_and_the_language_cookie(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(PROFILE, details(user, language="ru"))
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    user.refresh_from_db()
    assert user.language == "ru"
    event = AuditEvent.objects.get(verb=AccountsVerb.PROFILE_CHANGED, target_id=str(user.pk))
    assert event.changes == {"language": ["en", "ru"]}


def test_changing_the_email_needs_the_current_password(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(PROFILE, details(user, email="new@example.kz"))
    assert response.status_code == 400
    assert "Enter your current password" in response.content.decode()
    user.refresh_from_db()
    assert user.email != "new@example.kz"

    response = client.post(PROFILE, details(user, email="New@Example.kz", current_password="correct-horse-battery"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "new@example.kz"


def test_an_email_another_account_uses_is_refused(client, make_user):
    user, other = make_user(), make_user()
    client.force_login(user)
    response = client.post(PROFILE, details(user, email=other.email, current_password="correct-horse-battery"))
    assert response.status_code == 400
    assert "Another account already uses this e-mail" in response.content.decode()


def test_phone_is_saved_in_one_spelling_and_a_bad_one_is_refused(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(PROFILE, details(user, phone="12345", current_password="correct-horse-battery"))
    assert response.status_code == 400
    assert "+7 and ten digits" in response.content.decode()
    response = client.post(PROFILE, details(user, phone="8 (702) 555-44-33", current_password="correct-horse-battery"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone == "+77025554433"


def test_removing_both_email_and_phone_is_refused(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(PROFILE, details(user, email="", phone="", current_password="correct-horse-battery"))
    assert response.status_code == 400
    assert "one of them is the login" in response.content.decode()
    user.refresh_from_db()
    assert user.email


def test_new_token_secret_is_shown_once(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("accounts:token-create"), {"name": "reports script"}, follow=True)
    token = ApiToken.objects.get(user=user)
    html = response.content.decode()
    secret = response.context["new_token"]["secret"]
    assert secret.startswith(token.prefix) and secret in html
    assert ApiToken.find(secret) == token
    html = client.get(PROFILE).content.decode()
    assert secret not in html
    assert token.prefix in html and "reports script" in html


def test_token_with_an_end_date_works_through_that_day(client, make_user):
    user = make_user()
    client.force_login(user)
    day = timezone.localdate() + dt.timedelta(days=10)
    client.post(reverse("accounts:token-create"), {"name": "short", "expires_on": day.isoformat()})
    token = ApiToken.objects.get(user=user)
    assert timezone.localtime(token.expires_at).date() == day + dt.timedelta(days=1)
    assert timezone.localtime(token.expires_at).time() == dt.time.min


def test_token_end_date_in_the_past_is_refused(client, make_user):
    user = make_user()
    client.force_login(user)
    past = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(reverse("accounts:token-create"), {"name": "old", "expires_on": past.isoformat()})
    assert response.status_code == 400
    assert "Choose today or a later date" in response.content.decode()
    assert not ApiToken.objects.filter(user=user).exists()


def test_token_without_a_name_is_refused(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("accounts:token-create"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_a_token(client, make_user):
    user = make_user()
    token, _raw = ApiToken.issue(user=user, name="t")
    client.force_login(user)
    response = client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(verb=AccountsVerb.API_TOKEN_REVOKED, target_id=str(token.pk)).exists()


def test_someone_elses_token_answers_404_and_stays(client, make_user):
    owner, other = make_user(), make_user()
    token, _raw = ApiToken.issue(user=owner, name="t")
    client.force_login(other)
    assert client.post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_profile_needs_login(client, db):
    response = client.get(PROFILE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
