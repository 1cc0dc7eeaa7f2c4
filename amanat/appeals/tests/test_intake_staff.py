"""The staff intake form: registering what a citizen brings, the hints beside it, bookings."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from amanat.appeals import intelligence
from amanat.appeals.choices import AppealStatus, Channel
from amanat.appeals.models import Appeal, Booking, Reception, ReceptionSlot, RoutingRule

pytestmark = pytest.mark.django_db

URL = "/manage/appeals/new/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def good(**overrides: Any) -> dict[str, Any]:
    data = {
        "appeal_type": "statement",
        "channel": Channel.VISIT,
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "language": "ru",
        "subject": "Отопление",
        "text": "В доме по улице Абая 5 третью неделю нет отопления.",
        "signatories": "1",
        "applicant_name": "Серікова Айгүл",
        "applicant_phone": "8 701 123 45 67",
        "applicant_email": "aigul@example.kz",
        "applicant_iin": "871008401427",
        "answer_channel": "email",
    }
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_log_in_and_a_user_without_the_right_gets_404(client, make_user, tree):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("auditor", tree.regional))
    assert client.get(URL).status_code == 404


def test_operator_registers_an_appeal_and_gets_the_coupon(client, staff, tree):
    client.force_login(staff.makat_operator)
    assert client.get(URL).status_code == 200
    response = client.post(URL, good(), follow=True)
    appeal = Appeal.objects.get()
    assert response.redirect_chain[-1][0] == reverse("appeals:detail", args=[appeal.pk])
    page = response.content.decode()
    assert f"Registered as {appeal.number}" in page and "print the coupon" in page
    # The coupon opens on the page right after registering (once).
    assert f'data="{reverse("appeals:coupon", args=[appeal.pk])}"' in page
    again = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert f'data="{reverse("appeals:coupon", args=[appeal.pk])}"' not in again
    assert appeal.status == AppealStatus.REGISTERED
    assert appeal.accepted_by == staff.makat_operator
    assert appeal.org_unit == tree.makat  # no rule: the operator's own unit
    assert appeal.applicant_phone == "+77011234567"
    assert appeal.reveal_iin() == "871008401427"
    assert appeal.events.filter(kind="registered").exists()


def test_a_letter_received_earlier_keeps_its_date(client, staff):
    client.force_login(staff.makat_operator)
    earlier = timezone.localtime() - dt.timedelta(days=3)
    client.post(URL, good(channel=Channel.LETTER, received_at=earlier.strftime("%Y-%m-%dT%H:%M")))
    appeal = Appeal.objects.get()
    assert timezone.localtime(appeal.received_at).date() == earlier.date()


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"text": ""}, "Describe the matter of the appeal."),
        ({"text": "x" * 100_000}, "The text is too long"),
        ({"applicant_name": ""}, "Enter the applicant&#x27;s name, or mark the appeal as anonymous."),
        ({"applicant_iin": "821214240092"}, "wrong check digit"),
        ({"applicant_iin": "123"}, "An IIN is exactly 12 digits."),
        ({"applicant_phone": "12345"}, "Enter a Kazakhstan phone number"),
        ({"applicant_email": "not-an-email"}, "Enter a valid email address."),
        ({"is_collective": "on", "signatories": "1"}, "at least two signatories"),
        ({"channel": Channel.WEB}, "Select a valid choice"),
        ({"received_at": ""}, "This field is required."),
    ],
)
def test_bad_input_gets_a_message_beside_the_field_and_registers_nothing(client, staff, overrides, field_message):
    client.force_login(staff.makat_operator)
    response = client.post(URL, good(**overrides))
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert Appeal.objects.count() == 0


def test_a_time_of_receipt_in_the_future_is_refused(client, staff):
    client.force_login(staff.makat_operator)
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(URL, good(received_at=tomorrow.strftime("%Y-%m-%dT%H:%M")))
    assert "cannot be in the future" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_a_wrong_file_type_is_refused_and_a_good_one_is_kept(client, staff):
    client.force_login(staff.makat_operator)
    exe = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
    response = client.post(URL, {**good(), "attachments": [exe]})
    assert "is not accepted" in response.content.decode()
    assert Appeal.objects.count() == 0

    photo = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    client.post(URL, {**good(), "attachments": [photo]})
    appeal = Appeal.objects.get()
    attachment = appeal.attachments.get()
    assert attachment.original_name == "photo.png" and attachment.content_type == "image/png"


def test_an_anonymous_appeal_needs_no_name(client, staff):
    client.force_login(staff.makat_operator)
    client.post(URL, good(applicant_name="", is_anonymous="on", reports_threat="on"))
    appeal = Appeal.objects.get()
    assert appeal.is_anonymous and appeal.reports_threat and appeal.applicant_name == ""


def test_makat_operator_cannot_register_for_inders_unit(client, staff, tree):
    client.force_login(staff.makat_operator)
    response = client.post(URL, good(org_unit=str(tree.inder.pk)))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Appeal.objects.count() == 0
    # The unit select offers Makat and below, never Inder.
    page = client.get(URL).content.decode()
    units = re.search(r'<select name="org_unit".*?</select>', page, re.S).group(0)
    assert f'value="{tree.makat.pk}"' in units and f'value="{tree.makat_p1.pk}"' in units
    assert f'value="{tree.inder.pk}"' not in units


def test_routing_decides_the_unit_when_the_operator_leaves_it_empty(client, staff, tree, cats):
    RoutingRule.objects.create(category=cats.heating, org_unit=tree.makat_p1)
    RoutingRule.objects.create(category=cats.roads, org_unit=tree.inder)
    client.force_login(staff.makat_operator)
    client.post(URL, good(category=str(cats.heating.pk)))
    client.post(URL, good(category=str(cats.roads.pk)))
    first, second = Appeal.objects.order_by("id")
    assert first.org_unit == tree.makat_p1
    assert second.org_unit == tree.makat  # the rule points outside the operator's units: their own


def test_an_executor_must_be_able_to_work_on_the_unit(client, staff, tree):
    client.force_login(staff.regional_secretary)
    response = client.post(URL, good(org_unit=str(tree.makat.pk), executor=str(staff.inder_deputy.pk)))
    assert "may not work on appeals of the chosen unit" in response.content.decode()
    assert Appeal.objects.count() == 0
    client.post(URL, good(org_unit=str(tree.makat.pk), executor=str(staff.makat_deputy.pk)))
    assert Appeal.objects.get().executor == staff.makat_deputy


def _booking(unit: Any, host: Any, **fields: Any) -> Booking:
    reception = Reception.objects.create(
        org_unit=unit, name_kk="Қабылдау", name_ru="Приёмная", address_kk="Абай 1", address_ru="Абая 1"
    )
    start = timezone.now() + dt.timedelta(days=1)
    slot = ReceptionSlot.objects.create(
        reception=reception, host=host, starts_at=start, ends_at=start + dt.timedelta(minutes=20)
    )
    return Booking.objects.create(
        slot=slot,
        code=fields.pop("code", "BK1"),
        name=fields.pop("name", "Жанар Тулегенова"),
        phone="+77029998877",
        email="zhanar@example.kz",
        topic=fields.pop("topic", "Ремонт дороги в посёлке"),
        consent_at=timezone.now(),
    )


def test_a_booking_prefills_the_form_only_for_those_who_may_see_it(client, staff, tree):
    mine = _booking(tree.makat, staff.makat_deputy)
    theirs = _booking(tree.inder, staff.inder_deputy, code="BK2", name="Inder Citizen", topic="Вода")
    client.force_login(staff.makat_operator)
    page = client.get(f"{URL}?booking={mine.pk}").content.decode()
    assert 'value="Жанар Тулегенова"' in page and 'value="+77029998877"' in page
    assert "Ремонт дороги в посёлке" in page
    page = client.get(f"{URL}?booking={theirs.pk}").content.decode()
    assert "Inder Citizen" not in page
    assert client.get(f"{URL}?booking=abc").status_code == 200


def test_registering_from_a_booking_links_the_appeal_to_it(client, staff, tree):
    booking = _booking(tree.makat, staff.makat_deputy)
    theirs = _booking(tree.inder, staff.inder_deputy, code="BK2", name="Inder Citizen", topic="Вода")
    client.force_login(staff.makat_operator)
    response = client.post(URL, good(org_unit=str(tree.makat.pk), booking=str(booking.pk)))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.appeal == Appeal.objects.get()
    # A booking the operator may not see is ignored, never linked.
    client.post(URL, good(org_unit=str(tree.makat.pk), booking=str(theirs.pk)))
    theirs.refresh_from_db()
    assert theirs.appeal is None and Appeal.objects.count() == 2


def test_hints_show_a_suggestion_and_only_similar_appeals_the_operator_may_see(
    client, staff, tree, cats, appeal_factory, monkeypatch
):
    # Both earlier appeals come from the same phone; only the Makat one is the operator's to see.
    own = appeal_factory(org_unit=tree.makat)
    other = appeal_factory(org_unit=tree.inder)
    monkeypatch.setattr(
        intelligence, "suggest_category", lambda text, limit=3: [intelligence.Suggestion(cats.heating, 0.82)]
    )
    client.force_login(staff.makat_operator)
    response = client.post(
        reverse("appeals:intake-hints"), {"text": "Нет отопления в доме", "applicant_phone": "+77011234567"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Suggested: Heating" in html and "82 %" in html
    assert f'data-set-category="{cats.heating.pk}"' in html
    assert own.number in html and "Same phone" in html
    assert other.number not in html


def test_hints_with_nothing_found(client, staff):
    client.force_login(staff.makat_operator)
    html = client.post(reverse("appeals:intake-hints"), {"text": "Просто текст обращения"}).content.decode()
    assert "No suggestion and no similar earlier appeals." in html
    assert client.get(reverse("appeals:intake-hints")).status_code == 405
