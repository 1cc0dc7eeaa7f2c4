"""The analysis page's figures, kept in the cache until the programme's data changes.

At 20,000 items and 200,000 reports the figures take seconds to compute, and they change only
when a report, a verdict, an edit, an import or the daily sweep recomputes items: each of those
goes through `services.progress.recompute_up` / `recompute_all`, which call `data_changed()`.
The cache key carries the data version, the reader, the filters, the language and the day.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

VERSION_KEY = "programme:data-version"
FIGURES_TTL = 3600  # seconds; a change makes them stale at once anyway


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
    return version


def data_changed() -> None:
    """Figures computed from now on are new; again after the commit, in case another request
    computed and kept figures from the rows as they were before it."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))


def kept_figures(user: Any, params: tuple[Any, ...], compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The figures for this reader and these filters: from the cache, or computed and kept."""
    raw = repr((data_version(), getattr(user, "pk", None), params, get_language(), timezone.localdate()))
    key = "programme:figures:" + hashlib.sha256(raw.encode()).hexdigest()
    figures = cache.get(key)
    if figures is None:
        figures = compute()
        cache.set(key, figures, FIGURES_TTL)
    return figures
