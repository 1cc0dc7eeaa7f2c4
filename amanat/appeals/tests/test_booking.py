"""A citizen books a reception time on the public site: free times, the form and its bad input,
the confirmation code, cancelling, and two people after the same time (one after another and at
the same instant)."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from amanat.appeals.choices import BookingStatus
from amanat.appeals.models import Booking, Reception, ReceptionSlot
from amanat.appeals.services import receptions as services
from amanat.appeals.tests.test_receptions import at, book, future_day, make_reception, make_receptions, make_slot
from amanat.notifications.sms import LocmemSmsBackend

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Серікова Айгүл",
    "phone": "8 701 123 45 67",
    "email": "",
    "topic": "No heating in our block since Monday",
    "consent": "on",
    "website": "",
}


@pytest.fixture
def rec(tree: SimpleNamespace, staff: SimpleNamespace) -> SimpleNamespace:
    return make_receptions(tree, staff)


@pytest.fixture(autouse=True)
def _empty_outbox() -> None:
    LocmemSmsBackend.outbox.clear()


def post_booking(client: Any, slot: ReceptionSlot, **changes: Any) -> Any:
    data = {**FORM, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("appeals:booking-create", args=[slot.pk]), data)


def test_citizen_books_a_free_time_and_gets_a_confirmation_code(
    client: Any, rec: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post_booking(client, rec.makat_slot)

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:booking-done", args=[booking.code])
    assert len(booking.code) == 8 and set(booking.code) <= set(services.CODE_ALPHABET)
    assert booking.phone == "+77011234567"
    assert booking.status == BookingStatus.BOOKED
    assert abs(booking.consent_at - timezone.now()) < dt.timedelta(minutes=1)
    assert LocmemSmsBackend.outbox[0][0] == "+77011234567" and booking.code in LocmemSmsBackend.outbox[0][1]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert booking.code in html
    assert rec.makat.address in html
    assert "+77011234567" not in html and "Серікова" not in html  # the page shows no personal data


def test_a_taken_time_says_so_and_the_second_citizen_books_nothing(client: Any, rec: SimpleNamespace) -> None:
    post_booking(client, rec.makat_slot)

    response = post_booking(client, rec.makat_slot, name="Second Person", phone="+77019990000")

    assert response.status_code == 409
    assert "This time has just been taken: choose another." in response.content.decode()
    assert Booking.objects.get().name == "Серікова Айгүл"


def test_a_lost_race_at_the_database_constraint_says_taken(rec: SimpleNamespace, monkeypatch: Any) -> None:
    """Even if the slot's lock and the check were passed, the constraint refuses the second booking."""
    book(rec.makat_slot)
    monkeypatch.setattr(services, "_held", lambda slot: False)

    with pytest.raises(services.SlotTakenError):
        book(rec.makat_slot, phone="+77019990000")

    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_citizens_at_the_same_instant_get_one_booking(tree: SimpleNamespace, make_user: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises every write)")
    host = make_user("deputy", tree.makat, full_name="Host")
    slot = make_slot(make_reception(tree.makat), host)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            book(slot, phone=f"+7701000000{n}")
            results.append("booked")
        except services.SlotTakenError:
            results.append("taken")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["booked", "taken"]
    assert Booking.objects.filter(slot=slot).count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_citizens_racing_without_the_lock_still_get_one_booking(
    tree: SimpleNamespace, make_user: Any, monkeypatch: Any
) -> None:
    """The constraint alone decides when the pre-check is blind (a race past the lock)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    host = make_user("deputy", tree.makat, full_name="Host")
    slot = make_slot(make_reception(tree.makat), host)
    real_held = services._held
    calls = {"n": 0}

    def blind_first_time(s: ReceptionSlot) -> bool:
        calls["n"] += 1
        return False if calls["n"] <= 4 else real_held(s)

    monkeypatch.setattr(services, "_held", blind_first_time)
    barrier = threading.Barrier(4)
    results: list[str] = []

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            book(slot, phone=f"+7701000001{n}")
            results.append("booked")
        except services.SlotTakenError:
            results.append("taken")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["booked", "taken", "taken", "taken"]
    assert Booking.objects.filter(slot=slot).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent": None}, "consent", "Without consent to processing personal data"),
        ({"phone": "12345"}, "phone", "Enter a Kazakhstan phone number"),
        ({"phone": "+1 202 555 0100"}, "phone", "Enter a Kazakhstan phone number"),
        ({"name": "   "}, "name", "This field is required."),
        ({"topic": "x" * 501}, "topic", "at most 500 characters"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_books_nothing(
    client: Any, rec: SimpleNamespace, changes: dict[str, Any], field: str, message: str
) -> None:
    response = post_booking(client, rec.makat_slot, **changes)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert Booking.objects.count() == 0


def test_a_filled_honeypot_books_nothing(client: Any, rec: SimpleNamespace) -> None:
    response = post_booking(client, rec.makat_slot, website="http://spam.example")

    assert response.status_code == 400
    assert "The form could not be sent" in response.content.decode()
    assert Booking.objects.count() == 0


def test_past_cancelled_and_holiday_times_cannot_be_booked(
    client: Any, rec: SimpleNamespace, staff: SimpleNamespace
) -> None:
    past = make_slot(rec.makat, staff.makat_deputy, when=timezone.now() - dt.timedelta(hours=1))
    cancelled = make_slot(rec.makat, staff.makat_deputy, when=at(future_day(), 15))
    ReceptionSlot.objects.filter(pk=cancelled.pk).update(is_cancelled=True)
    holiday = make_slot(rec.makat, staff.makat_deputy, when=at(dt.date(timezone.localdate().year + 1, 1, 1), 10))

    answers = {
        "past": post_booking(client, past),
        "cancelled": post_booking(client, cancelled),
        "holiday": post_booking(client, holiday),
    }

    assert "already passed" in answers["past"].content.decode()
    assert "been cancelled" in answers["cancelled"].content.decode()
    assert "no reception on this day" in answers["holiday"].content.decode()
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 400)
    assert Booking.objects.count() == 0
    page = client.get(reverse("appeals:booking-create", args=[past.pk]))
    assert page.status_code == 200 and '<form method="post"' not in page.content.decode()


def test_bookings_from_one_address_are_limited(
    client: Any, settings: Any, rec: SimpleNamespace, staff: SimpleNamespace
) -> None:
    settings.RECEPTION_BOOKINGS_PER_HOUR = 2
    slots = [
        make_slot(rec.makat, staff.makat_deputy, when=rec.makat_slot.starts_at + dt.timedelta(hours=n + 1))
        for n in range(3)
    ]

    codes = [post_booking(client, slot).status_code for slot in slots]
    other_address = client.post(reverse("appeals:booking-create", args=[slots[2].pk]), FORM, REMOTE_ADDR="10.0.0.9")

    assert codes == [302, 302, 429]
    assert other_address.status_code == 302
    assert Booking.objects.count() == 3


def test_citizen_cancels_with_code_and_phone_and_the_time_is_free_again(client: Any, rec: SimpleNamespace) -> None:
    booking = book(rec.makat_slot)
    url = reverse("appeals:booking-cancel")

    wrong = client.post(url, {"code": booking.code, "phone": "+77019999999"})
    right = client.post(url, {"code": booking.code.lower(), "phone": "8 (701) 123-45-67"})

    assert wrong.status_code == 400
    assert "No booking with this code and phone number." in wrong.content.decode()
    assert right.status_code == 200 and "is cancelled" in right.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert post_booking(client, rec.makat_slot, phone="+77015550000").status_code == 302  # free again
    assert Booking.objects.filter(slot=rec.makat_slot, status=BookingStatus.BOOKED).count() == 1


def test_reception_page_shows_free_times_by_host_and_hides_taken_ones(
    client: Any, rec: SimpleNamespace, staff: SimpleNamespace
) -> None:
    taken = make_slot(rec.makat, staff.makat_deputy, when=rec.makat_slot.starts_at + dt.timedelta(hours=1))
    book(taken)
    far = make_slot(rec.makat, staff.makat_deputy, when=at(future_day(30), 10))

    response = client.get(reverse("appeals:reception-public", args=[rec.makat.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("appeals:booking-create", args=[rec.makat_slot.pk]) in html
    assert reverse("appeals:booking-create", args=[taken.pk]) not in html
    assert reverse("appeals:booking-create", args=[far.pk]) not in html  # beyond two weeks
    assert "Makat Deputy" in html


def test_closed_reception_has_no_public_page(client: Any, rec: SimpleNamespace) -> None:
    Reception.objects.filter(pk=rec.inder.pk).update(is_active=False)

    assert client.get(reverse("appeals:reception-public", args=[rec.inder.pk])).status_code == 404
    assert client.get(reverse("appeals:booking-create", args=[rec.inder_slot.pk])).status_code == 404


def test_directory_shows_free_times_and_links_to_booking(client: Any, rec: SimpleNamespace) -> None:
    book(rec.inder_slot)

    response = client.get(reverse("core:receptions"), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    counts = {r.pk: r.free_count for g in response.context["reception_groups"] for r in g.receptions}
    assert counts == {rec.makat.pk: 1, rec.inder.pk: 0}
    assert reverse("appeals:reception-public", args=[rec.makat.pk]) in html
    assert "1 free time in the next two weeks" in html
