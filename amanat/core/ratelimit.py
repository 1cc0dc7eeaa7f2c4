"""A per-address hourly limit for the public forms (a booking, a volunteer sign-up), kept in the
cache: a busy address waits until its hour has passed."""

from __future__ import annotations

from django.core.cache import cache

HOUR = 3600


def hourly_limited(name: str, ip: str | None, limit: int, *, count: bool = False) -> bool:
    """Whether `ip` has done `name` `limit` times this hour; with `count`, count one more instead
    (and answer False)."""
    key = f"amanat:{name}-rate:{ip or 'unknown'}"
    if count:
        cache.add(key, 0, HOUR)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, HOUR)
        return False
    return int(cache.get(key) or 0) >= limit
