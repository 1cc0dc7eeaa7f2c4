"""The month calendar and the API list read a fixed number of queries, however many meetings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from amanat.meetings.models import Meeting
from amanat.meetings.selectors import PER_DAY, month_calendar
from amanat.meetings.tests.conftest import at


def _many(meet: Any, tree: Any, n: int) -> None:
    rows = []
    for i in range(n):
        start = at(meet.day, 8) + dt.timedelta(minutes=10 * i)
        unit = [tree.makat, tree.inder, tree.makat_p1, tree.regional][i % 4]
        rows.append(Meeting(org_unit=unit, kind="party_activ", title_ru=f"M{i}", starts_at=start,
                            ends_at=start + dt.timedelta(hours=1), local_date=meet.day))  # fmt: skip
    Meeting.objects.bulk_create(rows)


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_calendar_queries_do_not_grow_with_meetings(client: Any, meet: Any, tree: Any) -> None:
    client.force_login(meet.regional)
    url = f"{reverse('meetings:calendar')}?unit={tree.regional.pk}&month={meet.day:%Y-%m}"
    _count(client, url)  # the first request fills the per-process caches
    few = _count(client, url)
    _many(meet, tree, 40)
    assert _count(client, url) == few
    month = month_calendar(actor=meet.regional, unit=tree.regional, year=meet.day.year, month=meet.day.month)
    day = next(d for w in month.weeks for d in w if d.date == meet.day)
    assert day.total == 42 and len(day.entries) == PER_DAY and day.more == 42 - PER_DAY
    assert month.total == 42


def test_api_list_queries_do_not_grow_with_meetings(meet: Any, tree: Any) -> None:
    client = APIClient()
    client.force_authenticate(meet.regional)
    url = f"{reverse('api:meetings-list')}?unit={tree.regional.pk}"
    _count(client, url)
    few = _count(client, url)
    _many(meet, tree, 30)
    assert _count(client, url) == few
