"""Fixtures for the notifications tests: a clean SMS outbox, users, a urlconf with the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from amanat.notifications.sms import LocmemSmsBackend


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[tuple[str, str]]]:
    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()


@pytest.fixture(autouse=True)
def _site_url(settings: Any) -> None:
    settings.SITE_URL = "https://amanat.example.kz"


@pytest.fixture
def person(make_user: Callable[..., Any]) -> Callable[..., Any]:
    """person(language="ru", phone="+77011234567") -> a user without any role."""

    def make(**extra: Any) -> Any:
        return make_user(None, None, **extra)

    return make
