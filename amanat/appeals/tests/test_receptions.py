"""Receptions, hours and slots for staff: scope, hosts, slot generation across holidays, the
bookings of a day, "my reception day", and the receptions API."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from amanat.appeals.choices import BookingStatus
from amanat.appeals.models import Booking, Reception, ReceptionHours, ReceptionSlot
from amanat.appeals.services import receptions as services
from amanat.audit.models import AuditEvent
from amanat.core.calendar import next_working_day
from amanat.core.sweep import registered_jobs
from amanat.notifications.sms import LocmemSmsBackend
from conftest import scope_matrix

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Atyrau")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def make_reception(unit: Any, **extra: Any) -> Reception:
    fields = {
        "name_kk": f"{unit.name_kk} қабылдауы",
        "name_ru": f"Приёмная {unit.name_ru}",
        "name_en": f"{unit.code} reception",
        "address_kk": "Мақат, Абай көшесі 1",
        "address_ru": "Макат, ул. Абая 1",
        "phone": "+7 71239 3-00-00",
        **extra,
    }
    return Reception.objects.create(org_unit=unit, **fields)


def future_day(days: int = 2) -> dt.date:
    """A working day at least `days` days ahead (a reception day)."""
    return next_working_day(timezone.localdate() + dt.timedelta(days=days))


def make_slot(reception: Reception, host: Any, when: dt.datetime | None = None, minutes: int = 20) -> ReceptionSlot:
    when = when or at(future_day(), 10)
    return ReceptionSlot.objects.create(
        reception=reception, host=host, starts_at=when, ends_at=when + dt.timedelta(minutes=minutes)
    )


def book(slot: ReceptionSlot, **extra: Any) -> Booking:
    fields = {"name": "Серікова Айгүл", "phone": "8 701 123 45 67", "topic": "Heating in our block", "consent": True}
    fields.update(extra)
    return services.booking_create(slot_id=slot.pk, **fields)


def begin_now(slot: ReceptionSlot) -> None:
    """The visit's time has come (moved in the database: the test client's session must not age)."""
    now = timezone.now()
    ReceptionSlot.objects.filter(pk=slot.pk).update(
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(minutes=15)
    )


def make_receptions(tree: SimpleNamespace, staff: SimpleNamespace) -> SimpleNamespace:
    """A reception in Makat (the Makat deputy receives) and one in Inder (the Inder deputy)."""
    makat = make_reception(tree.makat)
    inder = make_reception(tree.inder, name_en="inder reception", address_ru="Индер, ул. Мира 2")
    return SimpleNamespace(
        makat=makat,
        inder=inder,
        makat_slot=make_slot(makat, staff.makat_deputy),
        inder_slot=make_slot(inder, staff.inder_deputy),
    )


@pytest.fixture
def rec(tree: SimpleNamespace, staff: SimpleNamespace) -> SimpleNamespace:
    return make_receptions(tree, staff)


@pytest.fixture(autouse=True)
def _empty_outbox() -> None:
    LocmemSmsBackend.outbox.clear()


# --- receptions ----------------------------------------------------------------------------


def test_operator_opens_a_reception_on_their_unit(client: Any, tree: SimpleNamespace, staff: SimpleNamespace) -> None:
    client.force_login(staff.makat_operator)
    data = {
        "org_unit": tree.makat_p1.pk,
        "name_kk": "Мақат №1 қабылдауы",
        "name_ru": "Приёмная Макат №1",
        "address_kk": "Мақат, Абай 5",
        "address_ru": "Макат, Абая 5",
        "hours_ru": "Пн–Пт 9–18",
        "phone": "+77123930000",
        "staff": [staff.makat_operator.pk],
        "is_active": "on",
    }

    response = client.post(reverse("appeals:reception-create"), data)

    reception = Reception.objects.get(name_ru="Приёмная Макат №1")
    assert response.status_code == 302
    assert reception.org_unit == tree.makat_p1
    assert list(reception.staff.all()) == [staff.makat_operator]
    assert AuditEvent.objects.filter(verb="appeals.reception_created", target_id=str(reception.pk)).exists()


def test_operator_cannot_open_a_reception_on_another_district(
    client: Any, tree: SimpleNamespace, staff: SimpleNamespace
) -> None:
    client.force_login(staff.makat_operator)
    data = {"org_unit": tree.inder.pk, "name_kk": "x", "name_ru": "x", "address_kk": "x", "address_ru": "x"}

    response = client.post(reverse("appeals:reception-create"), data)

    assert response.status_code == 400
    assert not Reception.objects.filter(org_unit=tree.inder).exists()
    with pytest.raises(PermissionDenied):
        services.reception_create(
            actor=staff.makat_operator, org_unit=tree.inder, name_kk="x", name_ru="x", address_kk="x", address_ru="x"
        )


def test_reception_form_without_a_name_says_so_and_saves_nothing(
    client: Any, tree: SimpleNamespace, staff: SimpleNamespace
) -> None:
    client.force_login(staff.makat_operator)

    response = client.post(reverse("appeals:reception-create"), {"org_unit": tree.makat.pk, "address_ru": "x"})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Reception.objects.count() == 0


def test_reception_pages_follow_the_scope_matrix(
    client: Any, make_user: Any, tree: SimpleNamespace, rec: SimpleNamespace
) -> None:
    for name in ("appeals:reception-detail", "appeals:reception-edit", "appeals:booking-list"):
        scope_matrix(client, make_user, tree, url=reverse(name, args=[rec.makat.pk]), role="reception_operator")


def test_makat_operator_cannot_see_inder_receptions_or_bookings(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace
) -> None:
    inder_booking = book(rec.inder_slot)
    client.force_login(staff.makat_operator)

    listed = client.get(reverse("appeals:reception-list"))
    assert [r.pk for r in listed.context["object_list"]] == [rec.makat.pk]
    for url in (
        reverse("appeals:reception-detail", args=[rec.inder.pk]),
        reverse("appeals:reception-edit", args=[rec.inder.pk]),
        reverse("appeals:booking-list", args=[rec.inder.pk]),
        reverse("appeals:hours-create", args=[rec.inder.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("appeals:slot-cancel", args=[rec.inder_slot.pk])).status_code == 404
    mark = client.post(reverse("appeals:booking-mark", args=[inder_booking.pk]), {"status": "attended"})
    assert mark.status_code == 404
    rec.inder_slot.refresh_from_db()
    assert not rec.inder_slot.is_cancelled
    api = client.get(reverse("api:reception-bookings"))
    assert api.status_code == 200
    assert api.json()["results"] == []


def test_editing_a_reception_is_audited(client: Any, staff: SimpleNamespace, rec: SimpleNamespace) -> None:
    client.force_login(staff.makat_operator)
    url = reverse("appeals:reception-edit", args=[rec.makat.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "staff"}
    data.update({"org_unit": rec.makat.org_unit_id, "phone": "+77123931111", "is_active": ""})

    response = client.post(url, data)

    assert response.status_code == 302
    rec.makat.refresh_from_db()
    assert rec.makat.phone == "+77123931111"
    assert rec.makat.is_active is False
    event = AuditEvent.objects.get(verb="appeals.reception_changed")
    assert event.changes["is_active"] == [True, False]


# --- hours and slots -----------------------------------------------------------------------


def test_hours_host_must_hold_reception_hours_on_the_unit(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace
) -> None:
    common = {"weekday": 0, "start_time": dt.time(10), "end_time": dt.time(12), "slot_minutes": 20}
    with pytest.raises(ValidationError) as refused:
        services.hours_create(actor=staff.makat_operator, reception=rec.makat, host=staff.inder_deputy, **common)
    assert "host" in refused.value.message_dict
    with pytest.raises(ValidationError):  # an operator does not hold reception hours
        services.hours_create(actor=staff.makat_operator, reception=rec.makat, host=staff.makat_operator, **common)

    client.force_login(staff.makat_operator)
    form = client.get(reverse("appeals:hours-create", args=[rec.makat.pk])).context["form"]
    hosts = set(form.fields["host"].queryset)
    assert staff.makat_deputy in hosts
    assert staff.inder_deputy not in hosts and staff.makat_operator not in hosts
    assert ReceptionHours.objects.count() == 0


def test_hours_with_the_end_before_the_start_are_refused(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace
) -> None:
    client.force_login(staff.makat_operator)
    data = {"host": staff.makat_deputy.pk, "weekday": 1, "start_time": "12:00", "end_time": "10:00", "slot_minutes": 20}

    response = client.post(reverse("appeals:hours-create", args=[rec.makat.pk]), data)

    assert response.status_code == 400
    assert "The end must be after the start." in response.content.decode()
    assert ReceptionHours.objects.count() == 0


def test_overlapping_hours_of_one_host_are_refused(staff: SimpleNamespace, rec: SimpleNamespace) -> None:
    common = {"host": staff.makat_deputy, "weekday": 2, "slot_minutes": 20}
    services.hours_create(
        actor=staff.makat_operator, reception=rec.makat, start_time=dt.time(10), end_time=dt.time(12), **common
    )
    with pytest.raises(ValidationError) as refused:
        services.hours_create(
            actor=staff.makat_operator, reception=rec.makat, start_time=dt.time(11), end_time=dt.time(13), **common
        )
    assert "start_time" in refused.value.message_dict


@time_machine.travel(dt.datetime(2026, 3, 16, 8, 0, tzinfo=TZ), tick=False)
def test_slot_generation_skips_holidays_and_past_times_and_is_idempotent(
    staff: SimpleNamespace, tree: SimpleNamespace
) -> None:
    reception = make_reception(tree.makat)
    hours = services.hours_create(
        actor=staff.makat_operator,
        reception=reception,
        host=staff.makat_deputy,
        weekday=0,  # Mondays: 16, 23 (Nauryz, a holiday) and 30 March 2026
        start_time=dt.time(7, 40),
        end_time=dt.time(9, 40),
        slot_minutes=20,
        valid_from=dt.date(2026, 3, 16),
    )

    added = services.slots_generate(hours=hours, weeks=3)

    days = sorted({timezone.localtime(s.starts_at, TZ).date() for s in ReceptionSlot.objects.all()})
    assert days == [dt.date(2026, 3, 16), dt.date(2026, 3, 30)]
    today = [s for s in ReceptionSlot.objects.all() if timezone.localtime(s.starts_at, TZ).date() == days[0]]
    assert [timezone.localtime(s.starts_at, TZ).time() for s in today] == [
        dt.time(8, 20),
        dt.time(8, 40),
        dt.time(9),
        dt.time(9, 20),
    ]
    assert added == 4 + 6
    assert services.slots_generate(hours=hours, weeks=3) == 0  # twice adds nothing
    assert ReceptionSlot.objects.count() == 10


@time_machine.travel(dt.datetime(2026, 3, 16, 8, 0, tzinfo=TZ), tick=False)
def test_the_sweep_keeps_slots_four_weeks_ahead(staff: SimpleNamespace, tree: SimpleNamespace) -> None:
    reception = make_reception(tree.makat)
    ReceptionHours.objects.create(
        reception=reception,
        host=staff.makat_deputy,
        weekday=2,  # Wednesdays: 18 and 25 March (25th is an observed Nauryz day), 1 and 8 April
        start_time=dt.time(10),
        end_time=dt.time(11),
        slot_minutes=30,
        valid_from=dt.date(2026, 3, 1),
    )
    job = registered_jobs()["appeals.reception_slots"]

    assert job() == "6 slots added"
    assert job() == "0 slots added"
    days = {timezone.localtime(s.starts_at, TZ).date() for s in ReceptionSlot.objects.all()}
    assert days == {dt.date(2026, 3, 18), dt.date(2026, 4, 1), dt.date(2026, 4, 8)}


def test_generate_button_makes_times_for_the_reception(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace
) -> None:
    services.hours_create(
        actor=staff.makat_operator,
        reception=rec.makat,
        host=staff.makat_deputy,
        weekday=future_day().weekday(),
        start_time=dt.time(14),
        end_time=dt.time(15),
        slot_minutes=15,
    )
    client.force_login(staff.makat_operator)

    response = client.post(reverse("appeals:slots-generate", args=[rec.makat.pk]), {"weeks": 2})

    assert response.status_code == 302
    assert ReceptionSlot.objects.filter(reception=rec.makat, hours__isnull=False).count() >= 4
    page = client.get(reverse("appeals:reception-detail", args=[rec.makat.pk]))
    assert page.status_code == 200
    assert "free" in page.content.decode()


def test_cancelling_a_slot_tells_the_citizen_who_booked_it(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    booking = book(rec.makat_slot, email="aigul@example.kz")
    mail.outbox.clear()
    LocmemSmsBackend.outbox.clear()
    client.force_login(staff.makat_operator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("appeals:slot-cancel", args=[rec.makat_slot.pk]), {"reason": "The deputy is ill."}
        )

    assert response.status_code == 302
    booking.refresh_from_db()
    rec.makat_slot.refresh_from_db()
    assert rec.makat_slot.is_cancelled
    assert booking.status == BookingStatus.CANCELLED
    assert [phone for phone, _text in LocmemSmsBackend.outbox] == ["+77011234567"]
    assert booking.code in LocmemSmsBackend.outbox[0][1]
    assert "The deputy is ill." in LocmemSmsBackend.outbox[0][1]
    assert mail.outbox[0].to == ["aigul@example.kz"]
    assert AuditEvent.objects.filter(verb="appeals.slot_cancelled").exists()


# --- bookings of a day, my day ---------------------------------------------------------------


def test_bookings_of_a_day_show_visitors_and_the_way_to_register_an_appeal(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace
) -> None:
    booking = book(rec.makat_slot)
    make_slot(rec.makat, staff.makat_deputy, when=rec.makat_slot.starts_at + dt.timedelta(hours=1))
    client.force_login(staff.makat_operator)
    day = timezone.localtime(rec.makat_slot.starts_at, TZ).date()

    response = client.get(reverse("appeals:booking-list", args=[rec.makat.pk]), {"day": day.isoformat()})

    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["slots"]) == 2
    assert response.context["booked"] == 1
    assert "Серікова Айгүл" in html and booking.code in html
    try:
        intake = reverse("appeals:new")
    except NoReverseMatch:
        intake = ""  # the intake page is not there yet: no link is shown, nothing breaks
    if intake:
        assert f"{intake}?booking={booking.pk}" in html


@pytest.mark.parametrize("odd", ["yesterday", "2026-02-31", "' OR 1=1", "9" * 30])
def test_odd_days_show_today(client: Any, staff: SimpleNamespace, rec: SimpleNamespace, odd: str) -> None:
    client.force_login(staff.makat_operator)
    response = client.get(reverse("appeals:booking-list", args=[rec.makat.pk]), {"day": odd})
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()


def test_staff_mark_a_visitor_attended_once_the_visit_has_begun(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace
) -> None:
    booking = book(rec.makat_slot)
    client.force_login(staff.makat_operator)
    url = reverse("appeals:booking-mark", args=[booking.pk])

    client.post(url, {"status": "attended"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED  # the visit is two days ahead

    begin_now(rec.makat_slot)
    response = client.post(url, {"status": "attended"})
    booking.refresh_from_db()
    assert response.status_code == 302
    assert booking.status == BookingStatus.ATTENDED
    assert AuditEvent.objects.filter(verb="appeals.booking_marked", target_id=str(booking.pk)).exists()


def test_host_sees_their_day_and_only_their_own_times(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace, make_user: Any, tree: SimpleNamespace
) -> None:
    booking = book(rec.makat_slot, name="Visitor Of Makat")
    other_deputy = make_user("deputy", tree.makat, full_name="Other Deputy")
    make_slot(rec.makat, other_deputy, when=rec.makat_slot.starts_at)
    book(ReceptionSlot.objects.get(host=other_deputy), name="Someone Else")
    client.force_login(staff.makat_deputy)
    day = timezone.localtime(rec.makat_slot.starts_at, TZ).date()

    response = client.get(reverse("appeals:my-day"), {"day": day.isoformat()})

    html = response.content.decode()
    assert response.status_code == 200
    assert [s.pk for s in response.context["slots"]] == [rec.makat_slot.pk]
    assert "Visitor Of Makat" in html and booking.code in html
    assert "Someone Else" not in html
    assert 'name="viewport"' in html  # usable on a phone
    today = client.get(reverse("appeals:my-day"))
    assert today.context["day"] == timezone.localdate()
    assert day in today.context["upcoming"]


def test_host_marks_their_own_visitor_but_not_another_hosts(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace
) -> None:
    mine = book(rec.makat_slot)
    theirs = book(rec.inder_slot)
    client.force_login(staff.makat_deputy)

    begin_now(rec.makat_slot)
    begin_now(rec.inder_slot)
    ok = client.post(reverse("appeals:booking-mark", args=[mine.pk]), {"status": "no_show"})
    refused = client.post(reverse("appeals:booking-mark", args=[theirs.pk]), {"status": "no_show"})

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert ok.status_code == 302 and mine.status == BookingStatus.NO_SHOW
    assert refused.status_code == 404 and theirs.status == BookingStatus.BOOKED


def test_my_day_is_missing_for_users_who_hold_no_reception(client: Any, make_user: Any, tree: SimpleNamespace) -> None:
    client.force_login(make_user("auditor", tree.regional))
    assert client.get(reverse("appeals:my-day")).status_code == 404


# --- API -----------------------------------------------------------------------------------


def test_api_lists_open_receptions_and_free_times_without_an_account(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace
) -> None:
    taken = make_slot(rec.makat, staff.makat_deputy, when=rec.makat_slot.starts_at + dt.timedelta(hours=2))
    book(taken)
    Reception.objects.filter(pk=rec.inder.pk).update(is_active=False)

    listed = client.get(reverse("api:reception-list"))
    slots = client.get(reverse("api:reception-slots", args=[rec.makat.pk]))

    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["results"]] == [rec.makat.pk]
    assert [s["id"] for s in slots.json()["results"]] == [rec.makat_slot.pk]
    assert slots.json()["results"][0]["host_name"] == "Makat Deputy"
    assert client.get(reverse("api:reception-slots", args=[rec.inder.pk])).status_code == 404
    assert client.get("/api/v1/receptions/99999999999999999999/slots/").status_code == 404


def test_api_booking_answers_created_taken_and_bad_input(client: Any, rec: SimpleNamespace) -> None:
    url = reverse("api:reception-bookings")
    body = {"slot": rec.makat_slot.pk, "name": "Bot User", "phone": "+77011112233", "topic": "Roads", "consent": True}

    created = client.post(url, body, content_type="application/json")
    again = client.post(url, {**body, "phone": "+77019998877"}, content_type="application/json")
    bad = client.post(url, {**body, "slot": rec.inder_slot.pk, "phone": "12", "consent": False}, "application/json")

    assert created.status_code == 201
    code = created.json()["code"]
    assert len(code) == 8 and set(code) <= set(services.CODE_ALPHABET)
    assert again.status_code == 409
    assert again.json()["code"] == "slot_taken"
    assert "just been taken" in again.json()["detail"]
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"phone", "consent"}
    assert Booking.objects.count() == 1


def test_api_booking_is_rate_limited_per_address(client: Any, settings: Any, staff: SimpleNamespace, rec: Any) -> None:
    settings.RECEPTION_BOOKINGS_PER_HOUR = 2
    url = reverse("api:reception-bookings")
    answers = []
    for n in range(3):
        slot = make_slot(rec.makat, staff.makat_deputy, when=rec.makat_slot.starts_at + dt.timedelta(hours=n + 1))
        body = {"slot": slot.pk, "name": "Bot", "phone": "+77011112233", "topic": "Roads", "consent": True}
        answers.append(client.post(url, body, content_type="application/json").status_code)

    assert answers == [201, 201, 429]
    assert Booking.objects.count() == 2


def test_api_staff_bookings_need_an_account_and_filter_by_day(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace
) -> None:
    booking = book(rec.makat_slot)
    url = reverse("api:reception-bookings")
    assert client.get(url).status_code == 401

    client.force_login(staff.makat_operator)
    day = timezone.localtime(rec.makat_slot.starts_at, TZ).date()
    found = client.get(url, {"day": day.isoformat(), "reception": rec.makat.pk}).json()["results"]
    other_day = client.get(url, {"day": (day + dt.timedelta(days=1)).isoformat()}).json()["results"]
    bad = client.get(url, {"day": "not-a-day", "status": "nope"})

    assert [b["code"] for b in found] == [booking.code]
    assert found[0]["phone"] == "+77011234567"
    assert other_day == []
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"day", "status"}


# --- demo ----------------------------------------------------------------------------------


def test_demo_seed_makes_receptions_hours_and_slots_once(tree: SimpleNamespace, staff: SimpleNamespace) -> None:
    import io

    from amanat.demo.receptions import seed_receptions

    for unit in (tree.makat, tree.city):
        unit.hosts_reception = True
        unit.address_ru = f"{unit.code}, Main street 1"
        unit.save()
    out = io.StringIO()

    seed_receptions(stdout=out)
    counts = (Reception.objects.count(), ReceptionHours.objects.count(), ReceptionSlot.objects.count())
    seed_receptions()

    assert counts[0] == 2
    makat = Reception.objects.get(org_unit=tree.makat)
    assert makat.address_ru == "makat, Main street 1"
    assert set(makat.hours_set.values_list("host", flat=True)) == {staff.makat_deputy.pk}
    assert counts[1] == 2 and counts[2] > 0
    assert (Reception.objects.count(), ReceptionHours.objects.count(), ReceptionSlot.objects.count()) == counts
    assert "Receptions: 2 added" in out.getvalue()


def test_changing_hours_remakes_free_times_and_keeps_booked_ones(
    client: Any, staff: SimpleNamespace, rec: SimpleNamespace
) -> None:
    day = future_day()
    hours = services.hours_create(
        actor=staff.makat_operator,
        reception=rec.makat,
        host=staff.makat_deputy,
        weekday=day.weekday(),
        start_time=dt.time(15),
        end_time=dt.time(16),
        slot_minutes=30,
    )
    services.slots_generate(hours=hours, weeks=1)
    first = ReceptionSlot.objects.filter(hours=hours).order_by("starts_at").first()
    booked = book(first)
    client.force_login(staff.makat_operator)
    data = {"host": staff.makat_deputy.pk, "weekday": day.weekday(), "start_time": "15:00", "end_time": "16:00"}

    response = client.post(reverse("appeals:hours-edit", args=[hours.pk]), {**data, "slot_minutes": 20})

    assert response.status_code == 302
    first_day = ReceptionSlot.objects.filter(hours=hours, starts_at__lt=at(day, 23))
    minutes = sorted(int((s.ends_at - s.starts_at).total_seconds() // 60) for s in first_day)
    assert minutes == [20, 20, 30]  # the booked 15:00 half-hour stays; 15:20 and 15:40 are new
    client.post(reverse("appeals:hours-delete", args=[hours.pk]))
    assert not ReceptionHours.objects.filter(pk=hours.pk).exists()
    assert list(ReceptionSlot.objects.filter(reception=rec.makat, bookings__isnull=False)) == [first]
    booked.refresh_from_db()
    assert booked.status == BookingStatus.BOOKED
