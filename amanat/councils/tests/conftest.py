"""A public council at the Makat branch with six members (one whose term ended before the
session), a session on a Monday with five present, and the Makat akimat as addressee."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from amanat.councils.choices import MemberKind, MemberRole
from amanat.councils.services import councils as cs
from amanat.org.choices import StateBodyKind
from amanat.org.models import Official, StateBody
from amanat.org.tests.factories import PersonFactory

TZ = ZoneInfo("Asia/Atyrau")
TODAY = dt.date(2026, 2, 2)  # a Monday, no holidays around it


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(at(TODAY, 12), tick=False) as traveller:
        yield traveller


@pytest.fixture
def cc(tree: SimpleNamespace, make_user: Any, frozen: Any) -> SimpleNamespace:
    akimat = StateBody.objects.add_root(
        instance=StateBody(kind=StateBodyKind.DISTRICT_AKIMAT, name_kk="Мақат әкімдігі", name_ru="Акимат Макат")
    )
    akim = Official.objects.create(
        person=PersonFactory(org_unit=tree.makat), body=akimat, title_kk="Әкім", title_ru="Аким",
        started_on=dt.date(2024, 1, 1),
    )  # fmt: skip
    secretary = make_user("council_secretary", tree.makat)
    council = cs.council_create(
        actor=secretary, org_unit=tree.makat, state_body=akimat, title_kk="Мақат қоғамдық кеңесі",
        title_ru="Общественный совет Макатского района", title_en="Makat Public Council",
    )  # fmt: skip
    chair_person = PersonFactory(org_unit=tree.makat, phone="+77011234567", email="chair@example.kz")
    chair_user = make_user(None, None, person=chair_person)
    start = dt.date(2025, 1, 1)
    people = [
        ("Серікова", "Айгүл", MemberRole.CHAIR, MemberKind.NGO),
        ("Иванов", "Пётр", MemberRole.DEPUTY_CHAIR, MemberKind.EXPERT),
        ("Жақсыбеков", "Нұрлан", MemberRole.SECRETARY, MemberKind.CITIZEN),
        ("Ахметова", "Дана", MemberRole.MEMBER, MemberKind.CITIZEN),
        ("Ким", "Ольга", MemberRole.MEMBER, MemberKind.EXPERT),
    ]
    members = []
    for last, first, role, kind in people:
        members.append(
            cs.member_add(
                actor=secretary,
                council=council,
                last_name=last,
                first_name=first,
                role=role,
                kind=kind,
                term_start=start,
                person=chair_person if role == MemberRole.CHAIR else None,
            )
        )
    former = cs.member_add(
        actor=secretary, council=council, last_name="Бекова", first_name="Сая", term_start=start,
        term_end=dt.date(2025, 12, 31),
    )  # fmt: skip
    session = cs.session_create(
        actor=secretary, council=council, starts_at=at(TODAY), ends_at=at(TODAY, 12), place="Мақат, Абай 1",
        agenda="Жолдар",
    )  # fmt: skip
    cs.attendance_record(actor=secretary, session=session, members=members, guests=3)
    return SimpleNamespace(
        akimat=akimat, akim=akim, secretary=secretary, council=council, members=members, chair=members[0],
        former=former, session=session, chair_user=chair_user, chair_person=chair_person,
        exec_makat=make_user("executive_secretary", tree.makat),
    )  # fmt: skip


@pytest.fixture
def draft(cc: SimpleNamespace) -> Any:
    from amanat.councils.services import recommendations as rs

    return rs.recommendation_draft(
        actor=cc.secretary, session=cc.session, text="Repair the road to the clinic.", addressee_body=cc.akimat,
        addressee_official=cc.akim, response_days=10,
    )  # fmt: skip
