"""A small programme: the regional akimat's health department answers for a Makat clinic item,
the Makat akimat for a road item; an official of each reports; a deputy and a party control
member verify."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from amanat.org.choices import StateBodyKind
from amanat.org.models import Official, StateBody
from amanat.org.tests.factories import PersonFactory
from amanat.programme.choices import ItemKind
from amanat.programme.models import Indicator, Item, Programme


@pytest.fixture
def prog(tree: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    akimat = StateBody.objects.add_root(
        instance=StateBody(kind=StateBodyKind.REGIONAL_AKIMAT, name_kk="Облыс әкімдігі", name_ru="Акимат области")
    )
    health = StateBody.objects.add_child(
        akimat, instance=StateBody(kind=StateBodyKind.DEPARTMENT, name_kk="Денсаулық", name_ru="Здравоохранение")
    )
    makat_akimat = StateBody.objects.add_child(
        akimat, instance=StateBody(kind=StateBodyKind.DISTRICT_AKIMAT, name_kk="Мақат әкімдігі", name_ru="Акимат Макат")
    )
    programme = Programme.objects.create(
        code="together",
        title_kk="Халықпен бірге!",
        title_ru="Вместе с народом!",
        first_year=2023,
        last_year=2027,
        org_unit=tree.regional,
        is_published=True,
    )
    direction = Item.objects.add_root({
        "programme": programme, "kind": ItemKind.DIRECTION, "code": "1", "title_kk": "Денсаулық", "title_ru": "Здоровье",
        "org_unit": tree.regional,
    })  # fmt: skip
    clinic = Item.objects.add_child(direction, {
        "programme": programme, "kind": ItemKind.ROADMAP, "code": "1.1", "title_kk": "Емхана", "title_ru": "Поликлиника в Макате",
        "org_unit": tree.makat, "responsible_body": health, "planned_start": dt.date(2025, 1, 1),
        "planned_end": dt.date(2026, 12, 31),
    })  # fmt: skip
    road = Item.objects.add_child(direction, {
        "programme": programme, "kind": ItemKind.ROADMAP, "code": "1.2", "title_kk": "Жол", "title_ru": "Дорога", "weight": Decimal(3),
        "org_unit": tree.makat, "responsible_body": makat_akimat, "planned_start": dt.date(2025, 1, 1),
        "planned_end": dt.date(2026, 12, 31),
    })  # fmt: skip
    beds = Indicator.objects.create(
        item=clinic, name_kk="Төсек", name_ru="Койки", unit="шт.", baseline=Decimal(0), target=Decimal(100)
    )
    waiting = Indicator.objects.create(
        item=clinic, name_kk="Күту", name_ru="Ожидание", unit="дн.", baseline=Decimal(20), target=Decimal(5),
        direction="less",
    )  # fmt: skip
    km = Indicator.objects.create(
        item=road, name_kk="Км", name_ru="Км", unit="км", baseline=Decimal(0), target=Decimal(40)
    )

    def official_of(body: StateBody, title: str) -> Any:
        person = PersonFactory(org_unit=tree.makat)
        Official.objects.create(
            person=person, body=body, title_kk=title, title_ru=title, started_on=dt.date(2024, 1, 1)
        )
        return make_user("state_reporter", tree.regional, person=person)

    return SimpleNamespace(
        programme=programme,
        direction=direction,
        clinic=clinic,
        road=road,
        beds=beds,
        waiting=waiting,
        km=km,
        health=health,
        makat_akimat=makat_akimat,
        health_reporter=official_of(health, "Басшы"),
        akimat_reporter=official_of(makat_akimat, "Аким"),
        deputy=make_user("deputy", tree.makat),
        inder_deputy=make_user("deputy", tree.inder),
        control=make_user("party_control", tree.regional),
    )
