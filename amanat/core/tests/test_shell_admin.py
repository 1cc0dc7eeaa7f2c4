"""Django admin for the core reference data: calendar overrides and the site settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from amanat.core.calendar import is_working_day
from amanat.core.models import CalendarOverride, SiteSettings

pytestmark = pytest.mark.django_db

SATURDAY = dt.date(2026, 1, 3)
MONDAY = dt.date(2026, 1, 12)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_client(client: Any, django_user_model: Any) -> Any:
    client.force_login(
        django_user_model.objects.create_superuser("root@example.kz", "correct-horse-battery", language="en")
    )
    return client


def _add(admin_client: Any, **data: Any) -> Any:
    payload = {"basis_kk": "", "basis_en": "", **data}
    return admin_client.post(reverse("admin:core_calendaroverride_add"), payload, HTTP_ACCEPT_LANGUAGE="en")


def test_superuser_adds_a_transferred_working_saturday(admin_client: Any) -> None:
    assert not is_working_day(SATURDAY)

    response = _add(
        admin_client,
        date="2026-01-03",
        kind=CalendarOverride.Kind.WORKING_DAY,
        basis_ru="Постановление Правительства РК о переносе выходных дней",
    )

    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert (override.date, override.kind) == (SATURDAY, "working_day")
    assert is_working_day(SATURDAY)  # the calendar counts it at once


def test_an_extra_working_day_on_a_working_day_is_refused_with_a_message(admin_client: Any) -> None:
    response = _add(admin_client, date="2026-01-12", kind=CalendarOverride.Kind.WORKING_DAY, basis_ru="Ошибка")

    assert response.status_code == 200
    assert "12.01.2026 is already a working day" in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_an_extra_day_off_on_a_holiday_is_refused_with_a_message(admin_client: Any) -> None:
    response = _add(admin_client, date="2026-03-08", kind=CalendarOverride.Kind.DAY_OFF, basis_ru="Ошибка")

    assert response.status_code == 200
    assert "08.03.2026 is already a day off" in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_an_override_without_its_legal_basis_is_refused(admin_client: Any) -> None:
    response = _add(admin_client, date="2026-01-12", kind=CalendarOverride.Kind.DAY_OFF, basis_ru="")

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_a_second_override_for_the_same_day_is_refused(admin_client: Any) -> None:
    CalendarOverride.objects.create(date=MONDAY, kind=CalendarOverride.Kind.DAY_OFF, basis_ru="Указ")

    response = _add(admin_client, date="2026-01-12", kind=CalendarOverride.Kind.DAY_OFF, basis_ru="Ещё раз")

    assert response.status_code == 200
    assert CalendarOverride.objects.count() == 1


def test_override_list_filters_by_kind_and_year(admin_client: Any) -> None:
    CalendarOverride.objects.create(date=MONDAY, kind=CalendarOverride.Kind.DAY_OFF, basis_ru="Указ 2026")
    CalendarOverride.objects.create(
        date=dt.date(2025, 1, 4), kind=CalendarOverride.Kind.WORKING_DAY, basis_ru="Указ 2025"
    )
    url = reverse("admin:core_calendaroverride_changelist")

    by_year = admin_client.get(url, {"year": "2025"})
    by_kind = admin_client.get(url, {"kind__exact": "day_off"})

    assert list(by_year.context["cl"].result_list.values_list("basis_ru", flat=True)) == ["Указ 2025"]
    assert list(by_kind.context["cl"].result_list.values_list("basis_ru", flat=True)) == ["Указ 2026"]


def test_deleting_an_override_in_the_admin_restores_the_day(admin_client: Any) -> None:
    override = CalendarOverride.objects.create(date=MONDAY, kind=CalendarOverride.Kind.DAY_OFF, basis_ru="Указ")
    assert not is_working_day(MONDAY)

    response = admin_client.post(reverse("admin:core_calendaroverride_delete", args=[override.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert is_working_day(MONDAY)


def test_site_settings_cannot_be_added_twice_or_deleted(admin_client: Any) -> None:
    row = SiteSettings.load()

    assert admin_client.get(reverse("admin:core_sitesettings_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:core_sitesettings_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    )
    assert SiteSettings.objects.count() == 1


def test_site_settings_list_opens_the_one_row(admin_client: Any) -> None:
    response = admin_client.get(reverse("admin:core_sitesettings_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:core_sitesettings_change", args=[SiteSettings.load().pk])


def test_admin_header_names_the_party_from_site_settings(admin_client: Any) -> None:
    row = SiteSettings.load()
    row.party_name_en = "New Party Name"
    row.save()

    html = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "New Party Name — administration" in html


def test_admin_is_closed_to_a_user_without_staff_rights(client: Any, make_user: Any, tree: Any) -> None:
    client.force_login(make_user("executive_secretary", tree.regional))

    response = client.get(reverse("admin:core_calendaroverride_add"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
