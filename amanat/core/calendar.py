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
from django.utils.translation import get_language

NEXT_DAY = "next_day"
SAME_DAY = "same_day"
_OVERRIDES_CACHE_KEY = "amanat:calendar-overrides"


@lru_cache(maxsize=64)
def _kz_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("KZ", years=year, observed=True, language="en_US"))


def _overrides() -> dict[dt.date, str]:
    found = cache.get(_OVERRIDES_CACHE_KEY)
    if found is None:
        from amanat.core.models import CalendarOverride

        found = dict(CalendarOverride.objects.values_list("date", "kind"))
        cache.set(_OVERRIDES_CACHE_KEY, found, 3600)
    return found


def forget_overrides() -> None:
    """Called when the override table changes."""
    cache.delete(_OVERRIDES_CACHE_KEY)


def is_working_day(d: dt.date) -> bool:
    kind = _overrides().get(d)
    if kind == "working_day":
        return True
    if kind == "day_off":
        return False
    if d.weekday() >= 5:
        return False
    return d not in _kz_holidays(d.year)


def holiday_name(d: dt.date, lang: str | None = None) -> str | None:
    """The holiday's name in Kazakh or English (the package has no Russian), if any."""
    code = (lang or get_language() or "kk").split("-")[0]
    names = holidays.country_holidays("KZ", years=d.year, observed=True, language="kk" if code == "kk" else "en_US")
    return names.get(d)


def add_working_days(start: dt.date, days: int, *, convention: str | None = None) -> dt.date:
    """The date `days` working days after `start` (the day when a term of `days` ends)."""
    if days < 0:
        raise ValueError("days must not be negative")
    convention = convention or settings.WORKING_DAY_CONVENTION
    current = start
    remaining = days
    if convention == SAME_DAY and remaining > 0 and is_working_day(start):
        remaining -= 1
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days after `a` up to and including `b` (negative when b is before a).

    So `working_days_between(a, add_working_days(a, n)) == n` under the default convention.
    """
    if b == a:
        return 0
    sign = 1
    if b < a:
        a, b = b, a
        sign = -1
    count = 0
    current = a
    while current < b:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return sign * count


def next_working_day(d: dt.date) -> dt.date:
    """d itself if it is a working day, else the first working day after it.

    An appeal that arrives on a day off is registered on this day.
    """
    while not is_working_day(d):
        d += dt.timedelta(days=1)
    return d
