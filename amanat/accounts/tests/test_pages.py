"""Every accounts page renders, and every visible input on it has a label."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

INPUT_RE = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)


def unlabelled_inputs(html: str) -> list[str]:
    labels = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    missing = []
    for _tag, attrs in INPUT_RE.findall(html):
        if re.search(r'type="(hidden|submit)"|\bhidden\b', attrs):
            continue
        found = re.search(r'\bid="([^"]+)"', attrs)
        if not (found and found.group(1) in labels) and "aria-label=" not in attrs:
            missing.append(attrs.strip())
    return missing


@pytest.fixture
def secretary(make_user, tree):
    return make_user("executive_secretary", tree.makat)


@pytest.mark.parametrize(
    "name",
    ["login", "password-reset", "password-reset-done", "password-reset-complete"],
)
def test_public_pages_render_with_labels(client, db, name):
    response = client.get(reverse(f"accounts:{name}"))
    assert response.status_code == 200
    assert unlabelled_inputs(response.content.decode()) == []


@pytest.mark.parametrize(
    ("name", "with_pk"),
    [
        ("profile", False),
        ("password-change", False),
        ("two-factor-setup", False),
        ("user-list", False),
        ("user-create", False),
        ("role-list", False),
        ("user-detail", True),
        ("grant-create", True),
    ],
)
def test_signed_in_pages_render_with_labels(client, secretary, name, with_pk):
    client.force_login(secretary)
    url = reverse(f"accounts:{name}", args=[secretary.pk] if with_pk else None)
    response = client.get(url)
    assert response.status_code == 200
    assert unlabelled_inputs(response.content.decode()) == []


def test_two_factor_pages_render_with_labels(client, secretary, add_device):
    add_device(secretary)
    client.force_login(secretary)
    response = client.get(reverse("accounts:two-factor"))
    assert response.status_code == 200
    assert unlabelled_inputs(response.content.decode()) == []


def test_admin_pages_for_accounts_render(client, make_user, phone_user):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    for url in (
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{phone_user.pk}/change/",
        f"/admin/accounts/user/{phone_user.pk}/password/",
        "/admin/accounts/role/",
        "/admin/accounts/rolegrant/",
        "/admin/accounts/apitoken/",
        "/admin/accounts/loginfailure/",
    ):
        assert client.get(url).status_code == 200, url


def test_admin_sets_a_password_for_a_phone_only_user(client, make_user, phone_user):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/accounts/user/{phone_user.pk}/password/",
        {"password1": "Fresh-Passw0rd-2026", "password2": "Fresh-Passw0rd-2026", "usable_password": "true"},
    )
    assert response.status_code == 302
    phone_user.refresh_from_db()
    assert phone_user.check_password("Fresh-Passw0rd-2026")


def test_admin_adds_a_phone_only_user(client, make_user):
    from amanat.accounts.models import User

    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "",
            "phone": "+7 (707) 765-43-21",
            "full_name": "Admin Added",
            "language": "kk",
            "usable_password": "true",
            "password1": "Fresh-Passw0rd-2026",
            "password2": "Fresh-Passw0rd-2026",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(phone="+77077654321")
    assert user.email is None and user.check_password("Fresh-Passw0rd-2026")
