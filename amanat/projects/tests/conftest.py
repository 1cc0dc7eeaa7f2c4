"""A project «Таза like» led by the regional branch with Makat and Inder taking part: two KPIs, a
past event in Makat with one shift, an upcoming event in a Makat primary with two shifts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from amanat.projects.models import Event, Project, ProjectKPI, Shift
from amanat.projects.services.signups import Volunteer, signup_create

ONE_HOUR = dt.timedelta(hours=1)


def add_event(project: Project, unit: Any, start: dt.datetime, *, hours: int = 4, title: str = "Сенбілік") -> Event:
    return Event.objects.create(
        project=project, org_unit=unit, title_kk=title, title_ru=title, starts_at=start, ends_at=start + hours * ONE_HOUR,
        address="Орталық саябақ",
    )  # fmt: skip


def add_shift(event: Event, *, capacity: int = 3, offset: int = 0, hours: int = 2) -> Shift:
    start = event.starts_at + offset * ONE_HOUR
    return Shift.objects.create(event=event, starts_at=start, ends_at=start + hours * ONE_HOUR, capacity=capacity)


def volunteer(n: int = 1, **changes: Any) -> Volunteer:
    data = {"name": f"Ерікті {n}", "phone": f"+7701555000{n}", "email": f"v{n}@example.kz", "consent": True}
    return Volunteer(**(data | changes))


def sign(shift: Shift, n: int = 1, **changes: Any) -> Any:
    return signup_create(shift_id=shift.pk, volunteer=volunteer(n, **changes))


@pytest.fixture(autouse=True)
def _empty_mail() -> None:
    mail.outbox.clear()


@pytest.fixture
def proj(tree: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    now = timezone.now().replace(microsecond=0)
    project = Project.objects.create(
        code="taza-like", title_kk="Таза like", title_ru="Таза like", org_unit=tree.regional, is_public=True,
        description_ru="Уборка территорий",
    )  # fmt: skip
    project.units.set([tree.makat, tree.inder])
    tonnes = ProjectKPI.objects.create(
        project=project, name_kk="Жиналған қоқыс", name_ru="Собрано мусора", measure_kk="т", measure_ru="т",
        yearly_target=Decimal(100),
    )  # fmt: skip
    trees = ProjectKPI.objects.create(
        project=project, name_kk="Ағаш", name_ru="Деревья", measure_kk="дана", measure_ru="шт.", position=1
    )
    past = add_event(project, tree.makat, now - dt.timedelta(days=3))
    past_shift = add_shift(past, capacity=5)
    upcoming = add_event(project, tree.makat_p1, now + dt.timedelta(days=5), title="Көктемгі сенбілік")
    morning = add_shift(upcoming, capacity=2)
    afternoon = add_shift(upcoming, capacity=10, offset=2)
    return SimpleNamespace(
        project=project,
        tonnes=tonnes,
        trees=trees,
        past=past,
        past_shift=past_shift,
        upcoming=upcoming,
        morning=morning,
        afternoon=afternoon,
        now=now,
        secretary=make_user("executive_secretary", tree.regional),
        makat_secretary=make_user("executive_secretary", tree.makat),
        inder_secretary=make_user("executive_secretary", tree.inder),
        primary=make_user("primary_secretary", tree.makat_p1),
        deputy=make_user("deputy", tree.makat),
        auditor=make_user("auditor", tree.regional),
    )
