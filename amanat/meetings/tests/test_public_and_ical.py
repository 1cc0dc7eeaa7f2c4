"""The public page and feed (no personal data), and secret per-user iCal feeds."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from icalendar import Calendar

from amanat.accounts.models import RoleGrant
from amanat.core.permissions import forget_grants
from amanat.meetings.services import meetings as services
from amanat.meetings.services.feeds import feed_for, feed_revoke


def test_public_page_lists_announced_field_meetings_without_personal_data(
    client: Any, meet: Any, make_user: Any, tree: Any
) -> None:
    deputy = make_user("deputy", tree.makat, full_name="Жасырын Депутат")
    services.participant_add(actor=meet.secretary, meeting=meet.field, role="deputy", user=deputy)
    page = client.get(reverse("meetings:public"))
    assert page.status_code == 200
    assert "Ауыл клубы".encode() in page.content
    assert "Жасырын Депутат".encode() not in page.content
    assert "Бюро отырысы".encode() not in page.content  # internal meetings are not announced


def test_public_feed_has_only_public_meetings(client: Any, meet: Any) -> None:
    response = client.get(reverse("meetings:public-feed"))
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [meet.field.title]
    assert len(events) == 1 and f"meeting-{meet.field.pk}@" in str(events[0]["UID"])
    assert "Ауыл клубы" in str(events[0]["LOCATION"])


def test_secret_feed_shows_the_unit_subtree_by_the_owner_rights(client: Any, meet: Any, tree: Any) -> None:
    feed = feed_for(actor=meet.regional, org_unit=tree.regional)
    assert feed_for(actor=meet.regional, org_unit=tree.regional).pk == feed.pk  # one live link
    client.logout()
    response = client.get(reverse("meetings:feed", args=[feed.token]))
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    uids = sorted(str(e["UID"]).split("@")[0] for e in cal.walk("VEVENT"))
    assert uids == sorted([f"meeting-{meet.field.pk}", f"meeting-{meet.bureau.pk}"])
    start = cal.walk("VEVENT")[0]["DTSTART"].dt
    assert str(start.tzinfo) == "Asia/Atyrau"
    assert client.get(reverse("meetings:feed", args=["not-a-token"])).status_code == 404
    # Losing the role empties the link; revoking it kills it.
    RoleGrant.objects.filter(user=meet.regional).delete()
    forget_grants(meet.regional)
    assert client.get(reverse("meetings:feed", args=[feed.token])).status_code == 404


def test_revoked_feed_is_404_and_cancelled_meetings_are_marked(client: Any, meet: Any, tree: Any) -> None:
    feed = feed_for(actor=meet.secretary, org_unit=tree.makat)
    services.meeting_transition(actor=meet.secretary, meeting=meet.field, transition="cancel", note="Буран")
    cal = Calendar.from_ical(client.get(reverse("meetings:feed", args=[feed.token])).content)
    assert [str(e["STATUS"]) for e in cal.walk("VEVENT")] == ["CANCELLED"]
    feed_revoke(actor=meet.secretary, feed=feed)
    assert client.get(reverse("meetings:feed", args=[feed.token])).status_code == 404


def test_feed_link_button_makes_a_link_in_scope_only(client: Any, meet: Any, tree: Any) -> None:
    client.force_login(meet.secretary)
    response = client.post(reverse("meetings:feed-link"), {"unit": tree.makat.pk}, follow=True)
    assert b"/meetings/feed/" in response.content
    assert client.post(reverse("meetings:feed-link"), {"unit": tree.inder.pk}).status_code == 404
