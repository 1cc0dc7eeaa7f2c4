"""A Makat field meeting in a village and a bureau session of the regional branch; the Makat
executive secretary runs them, an operator records issues, an Inder secretary is out of scope."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from amanat.meetings.choices import MeetingKind
from amanat.meetings.services.meetings import meeting_create

ATYRAU = ZoneInfo("Asia/Atyrau")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ATYRAU)


@pytest.fixture
def meet(tree: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    secretary = make_user("executive_secretary", tree.makat)
    regional = make_user("executive_secretary", tree.regional)
    day = timezone.localdate() + dt.timedelta(days=3)
    field = meeting_create(
        actor=secretary,
        org_unit=tree.makat,
        kind=MeetingKind.FIELD_MEETING,
        title_kk="Тұрғындармен кездесу",
        title_ru="Встреча с жителями",
        starts_at=at(day, 15),
        ends_at=at(day, 17),
        address="Ауыл клубы",
        is_public=True,
    )
    bureau = meeting_create(
        actor=regional,
        org_unit=tree.regional,
        kind=MeetingKind.BUREAU,
        title_kk="Бюро отырысы",
        title_ru="Заседание бюро",
        starts_at=at(day, 10),
        ends_at=at(day, 12),
    )
    return SimpleNamespace(
        day=day,
        field=field,
        bureau=bureau,
        secretary=secretary,
        regional=regional,
        operator=make_user("reception_operator", tree.makat),
        inder=make_user("executive_secretary", tree.inder),
        auditor=make_user("auditor", tree.regional),
        primary=make_user("primary_secretary", tree.makat_p1),
    )
