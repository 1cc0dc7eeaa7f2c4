"""The notification pages: list, open, mark read, badge, preferences — each user sees their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amanat.accounts.models import User
from amanat.notifications.choices import BuiltinKind
from amanat.notifications.context_processors import unread
from amanat.notifications.models import Notification, Preference
from amanat.notifications.services import notify

pytestmark = pytest.mark.django_db


def send(user: Any, title: str = "Hello", **extra: Any) -> Notification:
    return notify(recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title=title, **extra)[0]


@pytest.mark.parametrize("name", ["notifications:list", "notifications:preferences"])
def test_anonymous_is_sent_to_log_in(client: Any, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_list_shows_own_notifications_newest_first_with_unread_highlighted(client: Any, person: Any) -> None:
    me, other = person(), person()
    old = send(me, "Older news")
    send(me, "Newer news")
    send(other, "Someone else's secret")
    old_read = Notification.objects.get(pk=old.pk)
    old_read.read_at = old_read.created_at
    old_read.save()
    client.force_login(me)
    response = client.get(reverse("notifications:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Newer news") < html.index("Older news")
    assert "Someone else&#x27;s secret" not in html and "Someone else's secret" not in html
    assert html.count("notification-unread") == 1
    assert "1 unread" in html


def test_list_can_show_only_unread(client: Any, person: Any) -> None:
    me = person()
    send(me, "Unread one")
    read = send(me, "Read one")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    client.force_login(me)
    html = client.get(reverse("notifications:list") + "?unread=1").content.decode()
    assert "Unread one" in html
    assert "Read one" not in html


def test_list_query_count_does_not_grow_with_the_page(
    client: Any, person: Any, django_assert_max_num_queries: Any
) -> None:
    me = person()
    send(me, "Item 0")
    client.force_login(me)
    client.get(reverse("notifications:list"))  # site settings and session are cached after this
    with CaptureQueriesContext(connection) as one_row:
        client.get(reverse("notifications:list"))
    for n in range(1, 40):
        send(me, f"Item {n}")
    # The workspace shell (session, user, scope, navigation) plus count and page: not one per row.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.context["paginator"].count == 40
    with CaptureQueriesContext(connection) as many_rows:
        client.get(reverse("notifications:list"))
    assert len(many_rows) == len(one_row)


def test_following_a_notification_marks_it_read_and_goes_to_its_link(client: Any, person: Any) -> None:
    me = person()
    notification = send(me, url="/manage/")
    client.force_login(me)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/manage/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_another_site_is_not_followed(client: Any, person: Any) -> None:
    me = person()
    notification = send(me, url="https://evil.example.com/phish")
    client.force_login(me)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


@pytest.mark.parametrize("name", ["notifications:open", "notifications:read"])
def test_someone_elses_notification_answers_404_and_stays_unread(client: Any, person: Any, name: str) -> None:
    owner, intruder = person(), person()
    notification = send(owner)
    client.force_login(intruder)
    url = reverse(name, args=[notification.pk])
    response = client.post(url) if name.endswith("read") else client.get(url)
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_one_read_by_post_only(client: Any, person: Any) -> None:
    me = person()
    notification = send(me)
    client.force_login(me)
    url = reverse("notifications:read", args=[notification.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "https://evil.example.com/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_one_read_with_htmx_returns_the_updated_item(client: Any, person: Any) -> None:
    me = person()
    notification = send(me, "Swap me")
    client.force_login(me)
    response = client.post(reverse("notifications:read", args=[notification.pk]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Swap me" in html
    assert "notification-unread" not in html
    assert "<html" not in html


def test_mark_all_read_marks_only_mine(client: Any, person: Any) -> None:
    me, other = person(), person()
    send(me)
    send(me)
    theirs = send(other)
    client.force_login(me)
    assert client.get(reverse("notifications:read-all")).status_code == 405
    response = client.post(reverse("notifications:read-all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_badge_shows_the_unread_count_and_polls_every_minute(client: Any, person: Any) -> None:
    me = person()
    for _ in range(3):
        send(me)
    client.force_login(me)
    response = client.get(reverse("notifications:badge"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 60s"' in html
    assert ">3<" in html


def test_badge_caps_a_large_count(client: Any, person: Any) -> None:
    me = person()
    notify(recipients=[me], kind=BuiltinKind.SYSTEM_MESSAGE, title="x")
    Notification.objects.bulk_create([Notification(user=me, kind="system.message", title=f"n{i}") for i in range(120)])
    client.force_login(me)
    assert "99+" in client.get(reverse("notifications:badge")).content.decode()


def test_badge_for_a_logged_out_browser_stops_polling(client: Any) -> None:
    response = client.get(reverse("notifications:badge"), headers={"HX-Request": "true"})
    assert response.status_code == 286


def test_unread_count_for_the_navbar_costs_one_query_and_only_when_used(
    person: Any, django_assert_num_queries: Any
) -> None:
    me = person()
    send(me)
    send(me)
    request = RequestFactory().get("/manage/")
    request.user = me
    with django_assert_num_queries(0):
        context = unread(request)
    with django_assert_num_queries(1):
        assert context["notifications_unread"] == 2


def test_unread_count_for_anonymous_is_zero_without_a_query(django_assert_num_queries: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread(request) == {"notifications_unread": 0}


def test_preferences_page_lists_the_registered_kinds_with_their_defaults(client: Any, person: Any) -> None:
    me = person(phone="+77016660000")
    client.force_login(me)
    response = client.get(reverse("notifications:preferences"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Messages from the administrators" in html
    assert "A role was granted to me" in html
    form = response.context["form"]
    assert form["system.message:email"].value() is True
    assert form["system.message:sms"].value() is False
    assert 'for="id_system.message:email"' in html  # every checkbox has a label


def test_saving_preferences_switches_channels_per_kind(client: Any, person: Any) -> None:
    me = person(phone="+77016660001")
    client.force_login(me)
    response = client.post(reverse("notifications:preferences"), {"system.message:sms": "on"})
    assert response.status_code == 302
    saved = {p.kind: (p.email, p.sms) for p in Preference.objects.filter(user=me)}
    assert saved["system.message"] == (False, True)
    assert saved["accounts.role_granted"] == (False, False)


def test_sms_cannot_be_switched_on_without_a_phone_number(client: Any, person: Any) -> None:
    me = person()  # e-mail only
    client.force_login(me)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "no phone number" in page
    client.post(reverse("notifications:preferences"), {"system.message:email": "on", "system.message:sms": "on"})
    pref = Preference.objects.get(user=me, kind="system.message")
    assert (pref.email, pref.sms) == (True, False)


def test_a_phone_only_user_keeps_the_email_choice_for_when_they_add_an_address(client: Any) -> None:
    me = User.objects.create_user("+77016660002", "correct-horse-battery", full_name="Phone Only", language="kk")
    client.force_login(me)
    response = client.get(reverse("notifications:preferences"))
    assert response.context["form"]["system.message:email"].value() is False  # shown off: nowhere to send
    client.post(reverse("notifications:preferences"), {"system.message:sms": "on"})
    pref = Preference.objects.get(user=me, kind="system.message")
    assert (pref.email, pref.sms) == (True, True)
