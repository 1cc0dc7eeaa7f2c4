"""Factories for the org app; other apps' tests use them too."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from amanat.core.iin import make_iin
from amanat.org.choices import OrgUnitKind, TerritoryKind
from amanat.org.models import Member, OrgUnit, Person, Territory

_serial = itertools.count(1)


def valid_iin(born: dt.date | None = None, *, male: bool = True) -> str:
    """A fresh valid IIN that no other call in this process returns."""
    born = born or dt.date(1985, 3, 14)
    while True:
        iin = make_iin(born, male=male, serial=next(_serial))
        if iin:
            return iin


def add_territory(parent: Territory | None, *, kato: str, kind: str, name: str) -> Territory:
    fields = {"kato": kato, "kind": kind, "name_kk": name, "name_ru": name, "name_en": name}
    if parent is None:
        return Territory.objects.add_root(fields)
    return Territory.objects.add_child(parent, fields)


def add_unit(parent: OrgUnit | None, *, code: str, kind: str, name: str, **extra: object) -> OrgUnit:
    fields = {"code": code, "kind": kind, "name_kk": name, "name_ru": name, "name_en": name, **extra}
    if parent is None:
        return OrgUnit.objects.add_root(fields)
    return OrgUnit.objects.add_child(parent, fields)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    last_name = factory.Sequence(lambda n: f"Ахметов{n}")
    first_name = "Ерлан"
    middle_name = "Серикович"
    org_unit = None


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    person = factory.SubFactory(PersonFactory, org_unit=factory.SelfAttribute("..org_unit"))
    joined_on = dt.date(2020, 5, 1)


__all__ = ["MemberFactory", "OrgUnitKind", "PersonFactory", "TerritoryKind", "add_territory", "add_unit", "valid_iin"]
