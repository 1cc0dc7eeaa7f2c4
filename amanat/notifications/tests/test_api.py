"""/api/v1/notifications/: the user's own notifications only; bad input gets a 4xx."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from amanat.accounts.models import ApiToken
from amanat.notifications.choices import BuiltinKind
from amanat.notifications.models import Notification
from amanat.notifications.services import notify

pytestmark = [pytest.mark.django_db, pytest.mark.urls("amanat.notifications.tests.urls")]

BASE = "/api/v1/notifications/"


def send(user: Any, title: str = "Hello") -> Notification:
    return notify(recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title=title, url="/manage/")[0]


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_anonymous_gets_401(api: APIClient) -> None:
    assert api.get(BASE).status_code == 401
    assert api.post(f"{BASE}read-all/").status_code == 401


def test_list_returns_only_my_notifications_newest_first(api: APIClient, person: Any) -> None:
    me, other = person(), person()
    send(me, "first")
    send(me, "second")
    send(other, "not mine")
    _token, raw = ApiToken.issue(user=me, name="phone app")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.get(BASE)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["title"] for row in body["results"]] == ["second", "first"]
    row = body["results"][0]
    assert row["kind"] == "system.message"
    assert row["kind_label"] == "Messages from the administrators"
    assert row["is_unread"] is True
    assert row["url"] == "/manage/"


def test_filter_unread(api: APIClient, person: Any) -> None:
    me = person()
    send(me, "unread")
    read = send(me, "read")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    api.force_authenticate(me)
    titles = [row["title"] for row in api.get(BASE, {"unread": "true"}).json()["results"]]
    assert titles == ["unread"]


def test_odd_filter_value_is_a_400_with_the_field_named(api: APIClient, person: Any) -> None:
    api.force_authenticate(person())
    response = api.get(BASE, {"unread": "perhaps"})
    assert response.status_code == 400
    assert "unread" in response.json()["errors"]


def test_someone_elses_notification_is_404_and_stays_unread(api: APIClient, person: Any) -> None:
    owner, intruder = person(), person()
    theirs = send(owner)
    api.force_authenticate(intruder)
    assert api.get(f"{BASE}{theirs.pk}/").status_code == 404
    assert api.post(f"{BASE}{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_read(api: APIClient, person: Any) -> None:
    me = person()
    notification = send(me)
    api.force_authenticate(me)
    response = api.post(f"{BASE}{notification.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_unread"] is False
    assert response.json()["read_at"]
    assert api.get(f"{BASE}unread-count/").json() == {"count": 0}


def test_mark_all_read_and_unread_count(api: APIClient, person: Any) -> None:
    me, other = person(), person()
    send(me)
    send(me)
    send(other)
    api.force_authenticate(me)
    assert api.get(f"{BASE}unread-count/").json() == {"count": 2}
    assert api.post(f"{BASE}read-all/").json() == {"count": 2}
    assert api.get(f"{BASE}unread-count/").json() == {"count": 0}
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1


def test_notifications_cannot_be_created_changed_or_deleted_through_the_api(api: APIClient, person: Any) -> None:
    me = person()
    notification = send(me)
    api.force_authenticate(me)
    assert api.post(BASE, {"title": "fake"}).status_code == 405
    assert api.patch(f"{BASE}{notification.pk}/", {"title": "changed"}).status_code == 405
    assert api.delete(f"{BASE}{notification.pk}/").status_code == 405
    assert api.get(f"{BASE}{notification.pk}/read/").status_code == 405
    notification.refresh_from_db()
    assert notification.title == "Hello"


def test_list_query_count_does_not_grow_with_the_page(
    api: APIClient, person: Any, django_assert_max_num_queries: Any
) -> None:
    me = person()
    for n in range(30):
        send(me, f"n{n}")
    api.force_authenticate(me)
    with django_assert_max_num_queries(2):
        response = api.get(BASE)
    assert response.json()["count"] == 30
