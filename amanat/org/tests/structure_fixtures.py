"""Fixtures for the structure tests (maslikhats, factions, deputies, state bodies).

Test modules bind the ones they use: `masl = structure_fixtures.masl`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation

from amanat.org.choices import FactionRole, MaslikhatLevel, StateBodyKind
from amanat.org.models import Deputy, Faction, Maslikhat, Official, StateBody
from amanat.org.tests.factories import PersonFactory


def add_maslikhat(unit: Any, territory: Any, *, name: str, level: str = MaslikhatLevel.DISTRICT) -> Maslikhat:
    return Maslikhat.objects.create(
        level=level,
        territory=territory,
        org_unit=unit,
        convocation=8,
        name_kk=name,
        name_ru=name,
        name_en=name,
        elected_on=dt.date(2023, 3, 19),
        seats=15,
    )


@pytest.fixture
def masl(tree: SimpleNamespace) -> SimpleNamespace:
    """Makat and Inder district maslikhats, each with the party faction and two deputies."""
    makat = add_maslikhat(tree.makat, tree.makat_t, name="Мақат аудандық мәслихаты")
    inder = add_maslikhat(tree.inder, tree.inder_t, name="Индер аудандық мәслихаты")
    makat_faction = Faction.objects.create(maslikhat=makat, name_kk="AMANAT фракциясы", name_ru="Фракция AMANAT")
    inder_faction = Faction.objects.create(maslikhat=inder, name_kk="AMANAT фракциясы", name_ru="Фракция AMANAT")
    leader = Deputy.objects.create(
        person=PersonFactory(org_unit=tree.makat_p1, last_name="Лидеров"),
        maslikhat=makat,
        constituency_number=1,
        constituency_name="№1 Мақат",
        term_start=dt.date(2023, 3, 19),
        faction=makat_faction,
        faction_role=FactionRole.LEADER,
    )
    member = Deputy.objects.create(
        person=PersonFactory(org_unit=tree.makat_p1, last_name="Депутатов"),
        maslikhat=makat,
        constituency_number=2,
        term_start=dt.date(2023, 3, 19),
        faction=makat_faction,
        faction_role=FactionRole.MEMBER,
    )
    inder_deputy = Deputy.objects.create(
        person=PersonFactory(org_unit=tree.inder_p1, last_name="Индеров"),
        maslikhat=inder,
        constituency_number=1,
        term_start=dt.date(2023, 3, 19),
        faction=inder_faction,
        faction_role=FactionRole.LEADER,
    )
    return SimpleNamespace(
        makat=makat,
        inder=inder,
        makat_faction=makat_faction,
        inder_faction=inder_faction,
        leader=leader,
        member=member,
        inder_deputy=inder_deputy,
    )


@pytest.fixture
def bodies(tree: SimpleNamespace) -> SimpleNamespace:
    """The regional akimat with one department, and the Makat district akimat with its akim."""
    akimat = StateBody.objects.add_root(
        instance=StateBody(
            kind=StateBodyKind.REGIONAL_AKIMAT,
            name_kk="Атырау облысының әкімдігі",
            name_ru="Акимат Атырауской области",
            territory=tree.region,
        )
    )
    health = StateBody.objects.add_child(
        akimat,
        instance=StateBody(
            kind=StateBodyKind.DEPARTMENT,
            name_kk="Денсаулық сақтау басқармасы",
            name_ru="Управление здравоохранения",
            territory=tree.region,
        ),
    )
    makat_akimat = StateBody.objects.add_child(
        akimat,
        instance=StateBody(
            kind=StateBodyKind.DISTRICT_AKIMAT,
            name_kk="Мақат ауданының әкімдігі",
            name_ru="Акимат Макатского района",
            territory=tree.makat_t,
        ),
    )
    akim = Official.objects.create(
        person=PersonFactory(org_unit=tree.makat, last_name="Әкімов"),
        body=makat_akimat,
        title_kk="Аудан әкімі",
        title_ru="Аким района",
        is_head=True,
        started_on=dt.date(2022, 1, 10),
    )
    return SimpleNamespace(akimat=akimat, health=health, makat_akimat=makat_akimat, akim=akim)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are asserted in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield
