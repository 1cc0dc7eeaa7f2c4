"""The public promise tracker: what a citizen sees without an account, and following by e-mail."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from amanat.org.models import Official
from amanat.programme.choices import ItemStatus, ReportState
from amanat.programme.models import Evidence, Follower, IndicatorValue, Item, Report
from amanat.programme.services import follow as follow_service

pytestmark = pytest.mark.django_db

TRACKER = reverse("programme:tracker")


def item_url(item: Item) -> str:
    return reverse("programme:tracker-item", args=[item.pk])


@pytest.fixture
def shown(prog: SimpleNamespace, tree: SimpleNamespace) -> SimpleNamespace:
    """The clinic with a named official, a territory, progress apart, a verified and a claimed report."""
    official = Official.objects.get(body=prog.health)
    Item.objects.filter(pk=prog.clinic.pk).update(
        responsible_official=official,
        territory=tree.makat_t,
        progress_claimed="0.8000",
        progress_verified="0.2500",
        computed_status=ItemStatus.ON_TRACK,
        budget_planned=1000000,
    )
    Item.objects.filter(pk=prog.road.pk).update(computed_status=ItemStatus.AT_RISK)
    now = timezone.now()
    verified = Report.objects.create(
        item=prog.clinic, year=2025, quarter=1, narrative="Foundation laid", submitted_by=prog.health_reporter,
        submitted_at=now, state=ReportState.CONFIRMED, verdict_by=prog.control, verdict_at=now,
        verdict_comment="Seen on site",
    )  # fmt: skip
    claimed = Report.objects.create(
        item=prog.clinic, year=2025, quarter=2, narrative="Walls built", submitted_by=prog.health_reporter,
        submitted_at=now,
    )  # fmt: skip
    IndicatorValue.objects.create(indicator=prog.beds, year=2025, quarter=1, actual=25, report=verified)
    IndicatorValue.objects.create(indicator=prog.beds, year=2025, quarter=2, actual=80, report=claimed)
    prog.clinic.refresh_from_db()
    prog.road.refresh_from_db()
    return SimpleNamespace(official=official, verified=verified, claimed=claimed)


# --- the list -----------------------------------------------------------------------------------


def test_tracker_lists_only_published_items(client: Any, prog: SimpleNamespace) -> None:
    Item.objects.filter(pk=prog.road.pk).update(is_published=False)
    page = client.get(TRACKER).content.decode()
    assert "Поликлиника в Макате" in page or "Емхана" in page
    assert "Дорога" not in page and "Жол" not in page


def test_tracker_hides_items_of_an_unpublished_programme(client: Any, prog: SimpleNamespace) -> None:
    prog.programme.is_published = False
    prog.programme.save()
    response = client.get(TRACKER)
    assert response.status_code == 200
    assert list(response.context["items"]) == []


def test_tracker_filters(client: Any, prog: SimpleNamespace, shown: SimpleNamespace, tree: SimpleNamespace) -> None:
    def listed(**query: Any) -> set[int]:
        return {item.pk for item in client.get(TRACKER, query).context["items"]}

    everything = {prog.direction.pk, prog.clinic.pk, prog.road.pk}
    assert listed() == everything
    assert listed(direction=prog.direction.pk) == everything
    assert listed(status=ItemStatus.AT_RISK) == {prog.road.pk}
    assert listed(body=prog.health.pk) == {prog.clinic.pk}
    assert listed(district=tree.makat_t.pk) == {prog.clinic.pk}


def test_tracker_status_filter_follows_the_status_set_by_hand(client: Any, prog: SimpleNamespace) -> None:
    Item.objects.filter(pk=prog.road.pk).update(status_override=ItemStatus.DONE, override_reason="Opened")
    items = client.get(TRACKER, {"status": ItemStatus.DONE}).context["items"]
    assert [item.pk for item in items] == [prog.road.pk]
    assert not client.get(TRACKER, {"status": ItemStatus.NOT_STARTED, "body": prog.makat_akimat.pk}).context["items"]


def test_tracker_htmx_answers_only_the_results(client: Any, prog: SimpleNamespace) -> None:
    response = client.get(TRACKER, {"status": ItemStatus.NOT_STARTED}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "<html" not in body


def test_tracker_shows_claimed_and_verified_apart_and_no_name(client: Any, shown: SimpleNamespace) -> None:
    page = client.get(TRACKER).content.decode()
    assert "80%" in page and "25%" in page
    assert "Claimed" in page and "Verified" in page
    person = shown.official.person
    assert person.last_name not in page and person.first_name not in page
    assert shown.official.title in page  # the post, never the person


# --- the item -----------------------------------------------------------------------------------


def test_item_page_shows_progress_reports_and_post_not_person(
    client: Any, prog: SimpleNamespace, shown: SimpleNamespace
) -> None:
    response = client.get(item_url(prog.clinic))
    page = response.content.decode()
    assert response.status_code == 200
    assert "80%" in page and "25%" in page
    assert "Foundation laid" in page and "Walls built" in page and "Seen on site" in page
    assert str(ReportState.CONFIRMED.label) in page and str(ReportState.CLAIMED.label) in page
    rows = response.context["indicators"]
    beds = next(row for row in rows if row["indicator"] == prog.beds)
    assert beds["verified"].actual == 25 and beds["claimed"].actual == 80
    person = shown.official.person
    assert person.last_name not in page and person.first_name not in page
    assert shown.official.title in page
    assert 'property="og:title"' in page and "t.me/share/url" in page and "wa.me" in page


@pytest.mark.parametrize("what", ["item", "programme", "missing"])
def test_unpublished_item_is_404(client: Any, prog: SimpleNamespace, what: str) -> None:
    if what == "item":
        Item.objects.filter(pk=prog.clinic.pk).update(is_published=False)
    elif what == "programme":
        prog.programme.is_published = False
        prog.programme.save()
    pk = prog.clinic.pk if what != "missing" else 999_999
    assert client.get(reverse("programme:tracker-item", args=[pk])).status_code == 404
    assert client.post(reverse("programme:follow", args=[pk]), {"email": "a@example.kz"}).status_code == 404


def test_evidence_is_served_only_for_published_items(
    client: Any, prog: SimpleNamespace, shown: SimpleNamespace, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    evidence = Evidence(
        report=shown.verified, original_name="act.pdf", content_type="application/pdf", size=8,
        uploaded_by=prog.health_reporter,
    )  # fmt: skip
    evidence.file.save("act.pdf", ContentFile(b"%PDF-1.4"), save=True)
    url = reverse("programme:evidence", args=[evidence.pk])
    assert url in client.get(item_url(prog.clinic)).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    Item.objects.filter(pk=prog.clinic.pk).update(is_published=False)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("language", "text"), [("kk", "Емхана"), ("ru", "Поликлиника в Макате")])
def test_pages_render_in_kazakh_and_russian(client: Any, prog: SimpleNamespace, language: str, text: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in (TRACKER, item_url(prog.clinic)):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Language"] == language
        assert text in response.content.decode()


# --- following ----------------------------------------------------------------------------------


def _link(message: Any, name: str) -> str:
    match = re.search(r"(/programme/" + name + r"/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _follow(client: Any, item: Item, email: str, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("programme:follow", args=[item.pk]), {"email": email})


def test_follow_confirm_notify_unfollow(
    client: Any, prog: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    response = _follow(client, prog.clinic, "Citizen@Example.kz", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["citizen@example.kz"]
    confirm = _link(mail.outbox[0], "follow")
    follower = Follower.objects.get(item=prog.clinic)
    assert follower.confirmed_at is None

    # An unconfirmed follower and a follower of another item are not told.
    _follow(client, prog.clinic, "other@example.kz", django_capture_on_commit_callbacks)
    Follower.objects.create(item=prog.road, email="road@example.kz", token="road-token", confirmed_at=timezone.now())

    assert client.get(confirm).status_code == 200  # a mail scanner opening the link confirms nothing
    follower.refresh_from_db()
    assert follower.confirmed_at is None
    assert client.post(confirm).status_code == 302
    follower.refresh_from_db()
    assert follower.confirmed_at is not None

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        follow_service.notify_status_changes([prog.clinic])
    assert [m.to for m in mail.outbox] == [["citizen@example.kz"]]
    unfollow = _link(mail.outbox[0], "unfollow")

    assert client.post(unfollow).status_code == 200
    assert not Follower.objects.filter(pk=follower.pk).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        follow_service.notify_status_changes([prog.clinic])
    assert mail.outbox == []


def test_notify_skips_unpublished_items(prog: SimpleNamespace, django_capture_on_commit_callbacks: Any) -> None:
    Follower.objects.create(item=prog.clinic, email="a@example.kz", token="t1", confirmed_at=timezone.now())
    Item.objects.filter(pk=prog.clinic.pk).update(is_published=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_service.notify_status_changes([prog.clinic]) == 0
    assert mail.outbox == []


def test_status_mail_is_in_the_followers_language(
    prog: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    Follower.objects.create(
        item=prog.clinic, email="kk@example.kz", language="kk", token="t-kk", confirmed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        follow_service.notify_status_changes([prog.clinic])
    assert "Емхана" in mail.outbox[0].body and "Поликлиника" not in mail.outbox[0].body
    assert "/programme/unfollow/t-kk/" in mail.outbox[0].body


def test_follow_answers_the_same_for_an_address_that_already_follows(
    client: Any, prog: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    Follower.objects.create(item=prog.clinic, email="known@example.kz", token="known", confirmed_at=timezone.now())
    known = _follow(client, prog.clinic, "known@example.kz", django_capture_on_commit_callbacks)
    new = _follow(client, prog.clinic, "new@example.kz", django_capture_on_commit_callbacks)
    assert known.status_code == new.status_code == 200

    def page(response: Any, email: str) -> str:
        text = response.content.decode().replace(email, "ADDRESS")
        return re.sub(r'(csrf[^"]*"\s*(:|value=)\s*")[^"]+', r"\1", text, flags=re.IGNORECASE)

    assert page(known, "known@example.kz") == page(new, "new@example.kz")
    assert Follower.objects.filter(item=prog.clinic, email="known@example.kz").count() == 1


def test_bad_email_gets_a_field_error(client: Any, prog: SimpleNamespace) -> None:
    response = client.post(reverse("programme:follow", args=[prog.clinic.pk]), {"email": "not-an-address"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert not Follower.objects.exists() and mail.outbox == []


def test_follow_requests_are_limited_per_address(
    client: Any, prog: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    for _attempt in range(follow_service.FOLLOW_PER_HOUR):
        assert _follow(client, prog.clinic, "busy@example.kz", django_capture_on_commit_callbacks).status_code == 200
    response = _follow(client, prog.clinic, "busy@example.kz", django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert len(mail.outbox) == follow_service.FOLLOW_PER_HOUR


def test_unknown_tokens(client: Any, prog: SimpleNamespace) -> None:
    assert client.get(reverse("programme:follow-confirm", args=["nope"])).status_code == 404
    assert client.post(reverse("programme:unfollow", args=["nope"])).status_code == 200
    assert follow_service.follow_confirm(token="nope") is None
    assert follow_service.unfollow(token="nope") is False


def test_dates_shown(client: Any, prog: SimpleNamespace) -> None:
    assert prog.clinic.planned_end == dt.date(2026, 12, 31)
    assert "2026" in client.get(item_url(prog.clinic)).content.decode()
