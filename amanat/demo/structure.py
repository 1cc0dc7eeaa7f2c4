"""Loading the demo's structure: territories, party units and state bodies.

Each loader compares the data files with the database by a stable key (KATO code, unit code,
the body's Russian name) and adds only what is missing, so a second run adds nothing. Tree
nodes are added one by one through treebeard; the parent is read again before each child
because adding a sibling in sort order may move paths of nodes already in memory.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from amanat.core.iin import check_digit
from amanat.core.models import SiteSettings
from amanat.demo.data import atyrau, bodies
from amanat.org.choices import OrgUnitKind, StateBodyKind, TerritoryKind
from amanat.org.models import OrgUnit, StateBody, Territory


def _add(model: Any, parent_pk: int | None, fields: dict[str, Any]) -> Any:
    if parent_pk is None:
        return model.objects.add_root(instance=model(**fields))
    return model.objects.add_child(model.objects.get(pk=parent_pk), instance=model(**fields))


@transaction.atomic
def load_territories() -> int:
    """The region, the city, the seven districts, their rural okrugs and centres (KATO tree)."""
    existing = dict(Territory.objects.values_list("kato", "pk"))
    created = 0
    for place, parent in atyrau.walk(atyrau.REGION):
        if place.kato in existing:
            continue
        fields = {
            "kato": place.kato,
            "kato_version": atyrau.KATO_VERSION,
            "kind": place.kind,
            "name_kk": place.kk,
            "name_ru": place.ru,
            "name_en": place.en,
            "is_centre": place.is_centre,
        }
        node = _add(Territory, existing[parent.kato] if parent else None, fields)
        existing[place.kato] = node.pk
        created += 1
    return created


def _unit_specs() -> list[tuple[str | None, dict[str, Any]]]:
    """(parent code, fields) for every unit, parents first."""
    specs: list[tuple[str | None, dict[str, Any]]] = [
        (
            None,
            {
                "code": "central",
                "kind": OrgUnitKind.CENTRAL,
                "name_kk": "AMANAT партиясының орталық аппараты",
                "name_ru": "Центральный аппарат партии AMANAT",
                "name_en": "AMANAT Party Central Office",
                "address_kk": "Астана қ., Бейбітшілік көшесі, 4",
                "address_ru": "г. Астана, ул. Бейбитшилик, 4",
                "address_en": "4 Beibitshilik Street, Astana",
            },
        )
    ]

    def branch(parent: str, kind: str, b: atyrau.Branch) -> tuple[str, dict[str, Any]]:
        kk, ru, en = atyrau.branch_names(b)
        return parent, {
            "code": b.code,
            "kind": kind,
            "name_kk": kk,
            "name_ru": ru,
            "name_en": en,
            "kato": b.kato,
            "address_kk": b.address[0],
            "address_ru": b.address[1],
            "address_en": b.address[2],
            "phone": b.phone,
            "hosts_reception": True,
        }

    specs.append(branch("central", OrgUnitKind.REGIONAL, atyrau.REGIONAL))
    specs.extend(
        branch("atyrau", OrgUnitKind.CITY if b.code == "atyrau-city" else OrgUnitKind.DISTRICT, b)
        for b in atyrau.BRANCHES
    )
    for code, primary in atyrau.primary_codes():
        kk, ru, en = atyrau.primary_names(primary)
        fields = {"code": code, "kind": OrgUnitKind.PRIMARY, "name_kk": kk, "name_ru": ru, "name_en": en}
        fields["kato"] = primary.kato
        if primary.reception:
            address_kk, address_ru, address_en, phone = primary.reception
            fields.update(
                address_kk=address_kk, address_ru=address_ru, address_en=address_en, phone=phone, hosts_reception=True
            )
        specs.append((primary.branch, fields))
    return specs


@transaction.atomic
def load_units() -> int:
    """Central office → Atyrau regional branch → city and 7 district branches → ~60 primaries."""
    existing = dict(OrgUnit.objects.values_list("code", "pk"))
    places = dict(Territory.objects.values_list("kato", "pk"))
    created = 0
    for parent, spec in _unit_specs():
        fields = dict(spec)
        kato = fields.pop("kato", None)
        if fields["code"] in existing:
            continue
        fields["territory_id"] = places.get(kato) if kato else None
        node = _add(OrgUnit, existing[parent] if parent else None, fields)
        existing[node.code] = node.pk
        created += 1
    return created


def demo_bin(number: int) -> str:
    """A fictional BIN of a state institution (registered in 2002) with a valid check digit."""
    serial = number * 10
    while True:
        first11 = f"020340{serial % 100000:05d}"
        digit = check_digit(first11)
        if digit is not None:
            return first11 + str(digit)
        serial += 1


def body_specs() -> list[tuple[str | None, dict[str, Any]]]:
    """(parent's Russian name, fields) for every state body, parents first."""

    def body(kind: str, names: tuple[str, str, str], kato: str, **extra: Any) -> dict[str, Any]:
        return {"kind": kind, "name_kk": names[0], "name_ru": names[1], "name_en": names[2], "kato": kato, **extra}

    region_ru = bodies.REGIONAL_AKIMAT[1]
    specs: list[tuple[str | None, dict[str, Any]]] = [
        (
            None,
            body(
                StateBodyKind.REGIONAL_AKIMAT,
                bodies.REGIONAL_AKIMAT,
                "230000000",
                short_name="Облыс әкімдігі",
                address="г. Атырау, ул. Айтеке би, 77",
                phone="+7 (7122) 35-47-00",
            ),
        )
    ]
    specs.extend(
        (region_ru, body(StateBodyKind.DEPARTMENT, bodies.department_names(subject), "230000000"))
        for subject in bodies.DEPARTMENTS
    )
    specs.append(
        (region_ru, body(StateBodyKind.CITY_AKIMAT, bodies.CITY_AKIMAT, "231000000", phone="+7 (7122) 32-14-00"))
    )
    specs.extend(
        (region_ru, body(StateBodyKind.DISTRICT_AKIMAT, bodies.district_akimat_names(d), d.kato))
        for d in atyrau.DISTRICTS
    )
    akimats = [(atyrau.CITY, bodies.CITY_AKIMAT[1])]
    akimats += [(d, bodies.district_akimat_names(d)[1]) for d in atyrau.DISTRICTS]
    for territory, akimat_ru in akimats:
        okrugs = [c for c in territory.children if c.kind == TerritoryKind.RURAL_OKRUG]
        specs.extend(
            (akimat_ru, body(StateBodyKind.RURAL_AKIMAT, bodies.rural_akim_names(okrug), okrug.kato))
            for okrug in okrugs[: bodies.RURAL_OFFICES_PER_DISTRICT]
        )
    for number, (_parent, fields) in enumerate(specs, start=1):
        fields["bin"] = demo_bin(number)
    return specs


@transaction.atomic
def load_state_bodies() -> int:
    """The regional akimat with its departments, the city and district akimats, rural akims' offices."""
    existing = dict(StateBody.objects.values_list("name_ru", "pk"))
    places = dict(Territory.objects.values_list("kato", "pk"))
    created = 0
    for parent, spec in body_specs():
        fields = dict(spec)
        fields["territory_id"] = places.get(fields.pop("kato"))
        if fields["name_ru"] in existing:
            continue
        node = _add(StateBody, existing[parent] if parent else None, fields)
        existing[node.name_ru] = node.pk
        created += 1
    return created


SITE = {
    "address_kk": atyrau.REGIONAL.address[0],
    "address_ru": atyrau.REGIONAL.address[1],
    "address_en": atyrau.REGIONAL.address[2],
    "phone": atyrau.REGIONAL.phone,
    "about_kk": (
        "AMANAT партиясының Атырау облыстық филиалы: қоғамдық қабылдау бөлмелері, сайлауалды "
        "бағдарламаның орындалуын партиялық бақылау, тұрғындармен кездесулер."
    ),
    "about_ru": (
        "Атырауский областной филиал партии AMANAT: общественные приёмные, партийный контроль за "
        "исполнением предвыборной программы, встречи с населением."
    ),
    "about_en": (
        "The Atyrau regional branch of the AMANAT party: public reception offices, party control over "
        "the election programme, meetings with the people."
    ),
}


@transaction.atomic
def load_site_settings() -> int:
    """The branch's public address, phone and a few words about it, where they are still empty."""
    site = SiteSettings.load()
    empty = [name for name, value in SITE.items() if not getattr(site, name)]
    if not empty:
        return 0
    for name in empty:
        setattr(site, name, SITE[name])
    site.save()
    return 1
