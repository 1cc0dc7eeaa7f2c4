"""A NUL character anywhere in a request is a 400 with a message, never a 500."""

from typing import Any

import pytest

from amanat.accounts.models import ApiToken, User


@pytest.fixture
def token(db: Any) -> str:
    admin = User.objects.create_superuser("nul-admin@example.kz", "a-long-password-1", full_name="Admin")
    return ApiToken.issue(user=admin, name="t")[1]


def test_nul_in_an_api_form_field_is_refused(client: Any, token: str) -> None:
    response = client.post(
        "/api/v1/role-grants/",
        {"role": "deputy\x00", "user": "1", "org_unit": "1"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_nul_in_a_json_body_is_refused(client: Any, token: str) -> None:
    response = client.post(
        "/api/v1/org-units/",
        '{"name_ru": "a\\u0000b"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400


def test_nul_in_a_page_query_is_refused(client: Any, db: Any) -> None:
    response = client.get("/receptions/?district=%00")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_an_upload_with_nul_bytes_is_not_refused_here(client: Any, db: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("members.xlsx", b"PK\x03\x04\x00\x00binary", content_type="application/octet-stream")
    response = client.post("/accounts/login/", {"username": "x@example.kz", "password": "y", "file": upload})
    assert response.status_code != 400 or "NUL" not in response.content.decode()
