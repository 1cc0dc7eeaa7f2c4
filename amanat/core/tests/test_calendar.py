"""The working-day calendar: Kazakhstan's holidays (holidays package, KZ) plus the override table.

Expected dates were printed from `holidays.country_holidays("KZ", years=2026, observed=True)`
(holidays 0.109) and are also checked against the package below, so a package upgrade that
moves a day shows up here rather than in a citizen's deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import holidays
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import amanat.core.signals  # noqa: F401 - connects the override cache invalidation
from amanat.core.calendar import (
    SAME_DAY,
    add_working_days,
    forget_overrides,
    holiday_name,
    is_working_day,
    next_working_day,
    working_days_between,
)
from amanat.core.models import CalendarOverride

D = dt.date

# Every day off of 2026 that is not a Saturday or Sunday anyway, as the package has it.
WEEKDAY_DAYS_OFF_2026 = [
    D(2026, 1, 1),  # New Year
    D(2026, 1, 2),  # New Year
    D(2026, 1, 7),  # Orthodox Christmas
    D(2026, 3, 9),  # 8 March falls on a Sunday: observed on Monday
    D(2026, 3, 23),  # Nauryz (21 and 22 March are Saturday and Sunday)
    D(2026, 3, 24),  # Nauryz observed
    D(2026, 3, 25),  # Nauryz observed
    D(2026, 5, 1),  # People's Unity Day
    D(2026, 5, 7),  # Defender of the Fatherland Day
    D(2026, 5, 11),  # Victory Day (9 May is a Saturday) observed
    D(2026, 5, 27),  # Kurban Ait, estimated by the package (confirm it with an override)
    D(2026, 7, 6),  # Capital Day
    D(2026, 10, 26),  # Republic Day (25 October is a Sunday) observed
    D(2026, 12, 16),  # Independence Day
]


@pytest.fixture(autouse=True)
def _fresh_override_cache(db: Any) -> Iterator[None]:
    # The override table is cached; a rolled-back test must not leave its overrides behind.
    forget_overrides()
    yield
    forget_overrides()


def add_override(day: dt.date, kind: str) -> CalendarOverride:
    return CalendarOverride.objects.create(date=day, kind=kind, basis_ru="Постановление Правительства РК (тест)")


def test_2026_days_off_are_the_holidays_package_days_off() -> None:
    package = holidays.country_holidays("KZ", years=2026, observed=True)
    weekday_days_off = sorted(d for d in package if d.weekday() < 5)
    assert weekday_days_off == WEEKDAY_DAYS_OFF_2026
    for day in WEEKDAY_DAYS_OFF_2026:
        assert not is_working_day(day), day


@pytest.mark.parametrize(
    "day",
    [D(2026, 3, 8), D(2026, 3, 21), D(2026, 3, 22), D(2026, 5, 9), D(2026, 10, 25)],
)
def test_holidays_on_a_weekend_are_days_off_and_named(day: dt.date) -> None:
    assert not is_working_day(day)
    assert holiday_name(day, "en")


@pytest.mark.parametrize(
    "day",
    [D(2025, 12, 31), D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 8), D(2026, 3, 10), D(2026, 3, 26), D(2026, 5, 12)],
)
def test_ordinary_weekdays_around_holidays_are_working_days(day: dt.date) -> None:
    assert is_working_day(day)


@pytest.mark.parametrize(
    ("start", "days", "expected", "why"),
    [
        (D(2025, 12, 31), 1, D(2026, 1, 5), "1-2 January, then the weekend"),
        (D(2026, 1, 6), 1, D(2026, 1, 8), "7 January"),
        (D(2026, 3, 6), 1, D(2026, 3, 10), "8 March on a Sunday, 9 March observed"),
        (D(2026, 3, 20), 1, D(2026, 3, 26), "Nauryz 21-23 March, 24 and 25 observed"),
        (D(2026, 4, 30), 1, D(2026, 5, 4), "1 May"),
        (D(2026, 5, 6), 1, D(2026, 5, 8), "7 May"),
        (D(2026, 5, 8), 1, D(2026, 5, 12), "9 May on a Saturday, 11 May observed"),
        (D(2026, 7, 3), 1, D(2026, 7, 7), "6 July"),
        (D(2026, 10, 23), 1, D(2026, 10, 27), "25 October on a Sunday, 26 observed"),
        (D(2026, 12, 15), 1, D(2026, 12, 17), "16 December"),
        (D(2026, 12, 30), 3, D(2027, 1, 6), "across New Year 2027: 1 Jan Fri, 2 Jan Sat observed on 4 Jan"),
    ],
)
def test_a_term_skips_the_holiday(start: dt.date, days: int, expected: dt.date, why: str) -> None:
    assert add_working_days(start, days) == expected, why


def test_fifteen_working_days_from_before_nauryz_end_three_days_later_than_without_it() -> None:
    # From Monday 16 March 2026: 17-20 March (4), Nauryz 23-25 March off, then 26 March onwards.
    assert add_working_days(D(2026, 3, 16), 15) == D(2026, 4, 9)
    assert working_days_between(D(2026, 3, 16), D(2026, 4, 9)) == 15


def test_zero_days_is_the_start_day() -> None:
    assert add_working_days(D(2026, 3, 16), 0) == D(2026, 3, 16)


def test_negative_days_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 3, 16), -1)


def test_unknown_convention_is_rejected() -> None:
    with pytest.raises(ValueError, match="convention"):
        add_working_days(D(2026, 3, 16), 1, convention="whenever")


def test_same_day_convention_counts_the_day_of_receipt(settings: Any) -> None:
    settings.WORKING_DAY_CONVENTION = SAME_DAY
    assert add_working_days(D(2026, 3, 16), 15) == D(2026, 4, 8)
    assert add_working_days(D(2026, 3, 16), 1) == D(2026, 3, 16)


def test_same_day_convention_on_a_day_off_starts_on_the_next_working_day(settings: Any) -> None:
    settings.WORKING_DAY_CONVENTION = SAME_DAY
    # Arrives on Saturday 14 March: registered Monday 16 March, which is day 1.
    assert add_working_days(D(2026, 3, 14), 1) == D(2026, 3, 16)
    assert add_working_days(D(2026, 3, 14), 15) == D(2026, 4, 8)


def test_convention_argument_wins_over_the_setting() -> None:
    assert add_working_days(D(2026, 3, 16), 15, convention=SAME_DAY) == D(2026, 4, 8)


@pytest.mark.parametrize(
    ("arrived", "registered"),
    [
        (D(2026, 1, 10), D(2026, 1, 12)),  # an ordinary Saturday
        (D(2026, 3, 21), D(2026, 3, 26)),  # Saturday at the start of Nauryz
        (D(2026, 12, 31), D(2026, 12, 31)),  # a working day stays
    ],
)
def test_appeal_arriving_on_a_day_off_is_registered_on_the_next_working_day(
    arrived: dt.date, registered: dt.date
) -> None:
    assert next_working_day(arrived) == registered


def test_an_evening_utc_time_counts_as_the_local_day() -> None:
    # 20:00 UTC on Friday 9 January is 01:00 on Saturday 10 January in Atyrau (UTC+5).
    friday_evening_utc = dt.datetime(2026, 1, 9, 20, 0, tzinfo=dt.UTC)
    assert not is_working_day(friday_evening_utc)
    assert next_working_day(friday_evening_utc) == D(2026, 1, 12)


def test_override_day_off_moves_the_deadline() -> None:
    assert add_working_days(D(2026, 1, 8), 1) == D(2026, 1, 9)
    add_override(D(2026, 1, 9), CalendarOverride.Kind.DAY_OFF)
    assert not is_working_day(D(2026, 1, 9))
    assert add_working_days(D(2026, 1, 8), 1) == D(2026, 1, 12)


def test_override_working_saturday_brings_the_deadline_forward() -> None:
    assert add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 12)
    add_override(D(2026, 1, 10), CalendarOverride.Kind.WORKING_DAY)
    assert is_working_day(D(2026, 1, 10))
    assert add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)
    assert next_working_day(D(2026, 1, 10)) == D(2026, 1, 10)


def test_override_can_make_a_package_holiday_a_working_day() -> None:
    # Kurban Ait is only estimated by the package; a decree may confirm another date.
    add_override(D(2026, 5, 27), CalendarOverride.Kind.WORKING_DAY)
    add_override(D(2026, 5, 26), CalendarOverride.Kind.DAY_OFF)
    assert is_working_day(D(2026, 5, 27))
    assert not is_working_day(D(2026, 5, 26))


def test_changing_and_deleting_an_override_takes_effect_at_once() -> None:
    day = D(2026, 1, 9)
    assert is_working_day(day)  # the (empty) override table is now cached
    override = add_override(day, CalendarOverride.Kind.DAY_OFF)
    assert not is_working_day(day)
    override.kind = CalendarOverride.Kind.WORKING_DAY
    override.save()
    assert is_working_day(D(2026, 1, 9))
    override.date = D(2026, 1, 10)
    override.save()
    assert is_working_day(D(2026, 1, 10))
    override.delete()
    assert not is_working_day(D(2026, 1, 10))
    assert is_working_day(day)


def test_working_days_between_counts_backwards_as_negative() -> None:
    assert working_days_between(D(2026, 4, 9), D(2026, 3, 16)) == -15
    assert working_days_between(D(2026, 3, 16), D(2026, 3, 16)) == 0


def test_holiday_names_in_kazakh_and_english() -> None:
    assert holiday_name(D(2026, 3, 22), "en") == "Nowruz Holiday"
    kazakh = holiday_name(D(2026, 3, 22), "kk")
    assert kazakh and kazakh != "Nowruz Holiday"
    assert holiday_name(D(2026, 3, 26), "en") is None


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)), days=st.integers(0, 60))
def test_working_days_between_is_the_inverse_of_add_working_days(start: dt.date, days: int) -> None:
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    assert working_days_between(end, start) == -days
    if days > 0:
        assert is_working_day(end)
        assert end > start


def _day_by_day(a: dt.date, b: dt.date) -> int:
    count, day = 0, a
    while day < b:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    a=st.dates(min_value=D(2019, 1, 1), max_value=D(2027, 12, 31)),
    b=st.dates(min_value=D(2019, 1, 1), max_value=D(2027, 12, 31)),
)
def test_working_days_between_years_apart_counts_like_walking_day_by_day(a: dt.date, b: dt.date) -> None:
    # Long-overdue appeals ask for spans of years; overrides in several years must all count.
    if not CalendarOverride.objects.exists():
        add_override(D(2021, 1, 8), CalendarOverride.Kind.DAY_OFF)
        add_override(D(2024, 3, 9), CalendarOverride.Kind.WORKING_DAY)
        add_override(D(2026, 5, 26), CalendarOverride.Kind.DAY_OFF)
    expected = _day_by_day(a, b) if a <= b else -_day_by_day(b, a)
    assert working_days_between(a, b) == expected
