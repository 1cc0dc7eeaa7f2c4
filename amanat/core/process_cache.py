"""Copies of rarely changed rows that each process keeps between requests, and how they go stale.

A copy is read again
- when this process saves or deletes a row it was made from: at once (signals);
- when the token in the shared cache is gone: with Redis every worker sees another's edit on its
  next request (a save deletes the token; tests start each with an empty cache);
- at the latest after its time to live: with the local-memory cache (one machine, several
  workers) that bounds how long another worker shows an old list. Changes that send no signal
  (`QuerySet.update`) call `drop()` themselves or wait out the time to live.

`SharedToken` is that token and `ProcessCopy` a copy kept under it. `cached_choices` and
`model_choices` keep the option lists of choice fields (units, categories, places, people), so a
list page's filter form costs no query and builds no model objects. They are labels only: a
chosen value is still checked against the field's own queryset, read afresh, when the form is
validated.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

CHOICES_KEY = "core:model-choices"
# With a shared cache (Redis) another worker's save reaches every process through the token, so a
# copy may live long; with the local-memory cache nothing does, and the time to live is the bound.
CHOICES_TTL = 30 if "locmem" in settings.CACHES["default"]["BACKEND"] else 600  # seconds
CHOICES_MAX = 500  # option lists one process keeps (per query and language); the oldest go first
_QUOTED = re.compile(r'"([^"]+)"')
T = TypeVar("T")


class SharedToken:
    """A token in the shared cache: a process's copy made under another token (or none) is stale."""

    def __init__(self, key: str, ttl: int) -> None:
        self.key = key
        self.ttl = ttl

    def current(self) -> str:
        token = cache.get(self.key)
        if token is None:
            token = uuid.uuid4().hex
            if not cache.add(self.key, token, self.ttl):
                token = cache.get(self.key) or token
        return token

    def drop(self) -> None:
        cache.delete(self.key)


class ProcessCopy(Generic[T]):
    """This process's copy of something made from rarely changed rows (`make()`), made again when
    the shared token is no longer the one it was made under, or after `ttl` seconds."""

    def __init__(self, key: str, ttl: int, make: Callable[[], T]) -> None:
        self.token = SharedToken(key, ttl)
        self.ttl = ttl
        self._make = make
        self._copy: T | None = None
        self._made_under = ""
        self._expires = 0.0

    def get(self) -> T:
        token = self.token.current()
        if self._copy is None or self._made_under != token or self._expires < time.monotonic():
            self._copy, self._made_under, self._expires = self._make(), token, time.monotonic() + self.ttl
        return self._copy

    def kept(self) -> T | None:
        """The copy as it is, without checking the token (None when there is none)."""
        return self._copy

    def drop(self) -> None:
        """Forget every process's copy: this one's at once, the others' through the token; again
        after the commit, in case another request read the old rows in between."""
        self._forget()
        transaction.on_commit(self._forget)

    def _forget(self) -> None:
        self._copy = None
        self.token.drop()


class OptionList(list):
    """A kept list of (value, label); `html`: its <option> tags, written by the first widget that
    renders it (core.widgets) and kept with it."""

    html: str | None = None


class _Choices:
    """One process's option lists, by query (or key), language and labeller."""

    def __init__(self) -> None:
        self.lists: dict[tuple[Any, ...], Any] = {}
        self.tables: set[str] = set()  # every table some list was read from


_choices = ProcessCopy(CHOICES_KEY, CHOICES_TTL, _Choices)


def cached_choices(
    queryset: Any, label: Any = str, value: Any = None, *, variant: Any = None, key: Any = None
) -> OptionList:
    """(value, label) of each row of the queryset, from this process's copy while it is current.

    `label` and `value` (default: the primary key) turn a row into text; `variant` tells apart
    lists of the same query labelled by the same function in different ways. The list is known by
    its SQL, or by `key` when the caller can name what the query depends on (a user's scope):
    compiling a query with subqueries costs about as much as copying its rows. With a key,
    `queryset` may be a function that makes it, called only when the list is read."""
    sql = None
    if not callable(queryset) and queryset.query.is_empty():
        return OptionList()  # `.none()`: no rows, and no SQL to know it by
    if key is None:
        sql, params = queryset.query.sql_with_params()
        key = (sql, tuple(map(str, params)))
    full_key = (key, get_language(), _function(label), _function(value), variant)

    def read() -> tuple[list[tuple[str, str]], str]:
        rows = queryset() if callable(queryset) else queryset
        if rows.query.is_empty():  # `.none()` made by the function: no rows, no SQL to compile
            return OptionList(), ""
        found = OptionList((str(value(obj) if value else obj.pk), str(label(obj))) for obj in rows.all())
        return found, sql or rows.query.sql_with_params()[0]

    return _remember(full_key, read)


def cached_names(queryset: Any, label: Any = str) -> dict[int, str]:
    """{primary key: label} of every row of the queryset (the process's copy, as cached_choices)."""
    sql, params = queryset.query.sql_with_params()

    def read() -> tuple[dict[int, str], str]:
        return {obj.pk: str(label(obj)) for obj in queryset.all()}, sql

    return _remember(("names", sql, tuple(map(str, params)), get_language(), _function(label)), read)


def _remember(key: tuple[Any, ...], read: Any) -> Any:
    copies = _choices.get()
    found = copies.lists.get(key)
    if found is None:
        found, sql = read()
        if len(copies.lists) >= CHOICES_MAX:
            copies.lists.pop(next(iter(copies.lists)))
        copies.lists[key] = found
        copies.tables.update(_QUOTED.findall(sql))
    return found


def model_choices(field: Any) -> OptionList:
    """The options of a ModelChoiceField, without its empty choice (known by the field's
    `choices_key` when its filter sets one)."""
    return cached_choices(
        getattr(field, "scoped", None) or field.queryset,
        field.label_from_instance,
        field.prepare_value,
        variant=field.to_field_name,
        key=getattr(field, "choices_key", None),
    )


def _function(fn: Any) -> Any:
    """The function behind a bound method: each form has its own field, the same method."""
    return getattr(fn, "__func__", fn)


def drop_choices() -> None:
    """Forget every process's option lists."""
    _choices.drop()


def _changed(sender: Any, **kwargs: Any) -> None:
    current = _choices.kept()
    if current is not None and sender._meta.db_table in current.tables:
        drop_choices()


# Any saved or deleted row of a table some list was read from makes the lists stale. A table no
# list reads (appeals, events) costs one set lookup per save.
post_save.connect(_changed, dispatch_uid="core-model-choices-saved", weak=False)
post_delete.connect(_changed, dispatch_uid="core-model-choices-deleted", weak=False)
