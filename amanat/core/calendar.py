"""The working-day calendar of Kazakhstan, used for every legal term.

Holidays come from the `holidays` package (country KZ, observed days included) plus the
`CalendarOverride` table an admin edits: extra days off (transfer decrees, the confirmed
Kurban Ait date) and extra working days (transferred Saturdays).

Convention (setting `WORKING_DAY_CONVENTION`):
- "next_day" (default, the legal reading): the term runs from the day after `start`;
- "same_day": `start` itself counts as day 1 when it is a working day (the state e-appeals system).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

NEXT_DAY = "next_day"
SAME_DAY = "same_day"
CONVENTIONS = (NEXT_DAY, SAME_DAY)
_OVERRIDES_CACHE_KEY = "amanat:calendar-overrides"
# Saving or deleting an override forgets the cache (core.signals); the timeout bounds how long
# another process with its own local-memory cache can keep the old table.
_OVERRIDES_TIMEOUT = 300


def _as_date(d: dt.date) -> dt.date:
    """A datetime counts as its local calendar day (a date would never equal it)."""
    if isinstance(d, dt.datetime):
        return timezone.localdate(d) if timezone.is_aware(d) else d.date()
    return d


@lru_cache(maxsize=64)
def _kz_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("KZ", years=year, observed=True, language="en_US"))


def _overrides() -> dict[dt.date, str]:
    found = cache.get(_OVERRIDES_CACHE_KEY)
    if found is None:
        from amanat.core.models import CalendarOverride

        found = dict(CalendarOverride.objects.values_list("date", "kind"))
        cache.set(_OVERRIDES_CACHE_KEY, found, _OVERRIDES_TIMEOUT)
    return found


def forget_overrides() -> None:
    """Called when the override table changes."""
    cache.delete(_OVERRIDES_CACHE_KEY)


def is_working_day(d: dt.date) -> bool:
    return _is_working(_as_date(d), _overrides())


def _is_working(d: dt.date, overrides: dict[dt.date, str]) -> bool:
    kind = overrides.get(d)
    if kind == "working_day":
        return True
    if kind == "day_off":
        return False
    if d.weekday() >= 5:
        return False
    return d not in _kz_holidays(d.year)


def _year_prefix(year: int, overrides: dict[dt.date, str]) -> tuple[int, ...]:
    """prefix[i]: working days among the year's first i days (prefix[-1]: the whole year)."""
    return _prefix(year, tuple(sorted((d, k) for d, k in overrides.items() if d.year == year)))


@lru_cache(maxsize=128)
def _prefix(year: int, year_overrides: tuple[tuple[dt.date, str], ...]) -> tuple[int, ...]:
    # Keyed on the year's overrides themselves: an edited override table gives a new key.
    overrides = dict(year_overrides)
    counts = [0]
    day = dt.date(year, 1, 1)
    while day.year == year:
        counts.append(counts[-1] + _is_working(day, overrides))
        day += dt.timedelta(days=1)
    return tuple(counts)


@lru_cache(maxsize=64)
def _kz_holiday_names(year: int, language: str) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("KZ", years=year, observed=True, language=language))


def holiday_name(d: dt.date, lang: str | None = None) -> str | None:
    """The holiday's name in Kazakh or English (the package has no Russian), if any."""
    d = _as_date(d)
    code = (lang or get_language() or "kk").split("-")[0]
    return _kz_holiday_names(d.year, "kk" if code == "kk" else "en_US").get(d)


def add_working_days(start: dt.date, days: int, *, convention: str | None = None) -> dt.date:
    """The date `days` working days after `start` (the day when a term of `days` ends)."""
    if days < 0:
        raise ValueError("days must not be negative")
    convention = convention or settings.WORKING_DAY_CONVENTION
    if convention not in CONVENTIONS:
        raise ValueError(f"unknown working-day convention {convention!r}; use one of {CONVENTIONS}")
    start = _as_date(start)
    overrides = _overrides()  # read once, not once per day
    current = start
    remaining = days
    if convention == SAME_DAY and remaining > 0 and _is_working(start, overrides):
        remaining -= 1
    while remaining > 0:
        current += dt.timedelta(days=1)
        if _is_working(current, overrides):
            remaining -= 1
    return current


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days after `a` up to and including `b` (negative when b is before a).

    So `working_days_between(a, add_working_days(a, n)) == n` under the default convention.
    Counted from per-year running totals, not day by day: an inbox of long-overdue appeals asks
    this for fifty dates years apart.
    """
    a, b = _as_date(a), _as_date(b)
    if b == a:
        return 0
    sign = 1
    if b < a:
        a, b = b, a
        sign = -1
    overrides = _overrides()
    count = (
        _year_prefix(b.year, overrides)[b.timetuple().tm_yday] - _year_prefix(a.year, overrides)[a.timetuple().tm_yday]
    )
    for year in range(a.year, b.year):
        count += _year_prefix(year, overrides)[-1]
    return sign * count


def next_working_day(d: dt.date) -> dt.date:
    """d itself if it is a working day, else the first working day after it.

    An appeal that arrives on a day off is registered on this day.
    """
    d = _as_date(d)
    overrides = _overrides()
    while not _is_working(d, overrides):
        d += dt.timedelta(days=1)
    return d
