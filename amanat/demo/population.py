"""Writing the planned people: persons, memberships, party posts, officials, maslikhats and deputies.

Each writer adds only what is missing, by a stable key: a person by the IIN's keyed hash, a
membership by its person, a post by (person, unit, kind, start), an official by (person, body),
a maslikhat by (territory, convocation), a deputy by (person, maslikhat). This is setup data
written straight to the tables, not a use case: no permission checks and no audit events.
"""

from __future__ import annotations

from django.db import transaction

from amanat.core import crypto
from amanat.demo.data import bodies
from amanat.demo.fastinsert import RowWriter, has_field, hash_chunk
from amanat.demo.plan import Plan
from amanat.org.choices import FactionRole
from amanat.org.models import (
    Deputy,
    Faction,
    Maslikhat,
    Member,
    Official,
    OrgUnit,
    Person,
    Position,
    StateBody,
    Territory,
)


def _existing_people(hashes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    size = hash_chunk()
    for start in range(0, len(hashes), size):
        chunk = hashes[start : start + size]
        # Alive rows first (the partial unique index answers); then deleted ones, rarely needed.
        rows = Person.objects.filter(iin_hash__in=chunk).order_by().values_list("iin_hash", "pk")
        found.update(rows)
        missing = [h for h in chunk if h not in found]
        if missing:
            found.update(Person.all_objects.filter(iin_hash__in=missing).order_by().values_list("iin_hash", "pk"))
    return found


def person_ids(plan: Plan) -> list[int | None]:
    """The database id of each planned person (None when not written yet)."""
    hashes = [crypto.keyed_hash(p.person.iin) for p in plan.people]
    found = _existing_people(hashes)
    return [found.get(h) for h in hashes]


@transaction.atomic
def load_people(plan: Plan) -> tuple[int, int]:
    """Persons and memberships; returns how many of each were added."""
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    unit_places = dict(OrgUnit.objects.values_list("code", "territory_id"))
    ids = person_ids(plan)
    todo = [(i, p) for i, p in enumerate(plan.people) if ids[i] is None]
    writer = RowWriter(
        Person,
        [
            "last_name", "first_name", "middle_name", "birth_date", "sex", "iin_encrypted", "iin_hash", "iin_tail",
            "phone", "territory_id", "org_unit_id", "search_name",
        ],
    )  # fmt: skip
    rows = []
    for _i, planned in todo:
        p = planned.person
        rows.append(
            (
                p.last_name, p.first_name, p.middle_name, p.born, p.sex, crypto.encrypt(p.iin),
                crypto.keyed_hash(p.iin), p.iin[-4:], p.phone, unit_places[planned.unit], units[planned.unit],
                p.full_name.lower(),
            )
        )  # fmt: skip
    for (i, _planned), pk in zip(todo, writer.write(rows), strict=True):
        ids[i] = pk
    has_member = set(
        Member.all_objects.filter(person_id__in=[pk for pk in ids if pk]).values_list("person_id", flat=True)
    )
    members = []
    paths = dict(OrgUnit.objects.values_list("code", "path"))
    for i, planned in enumerate(plan.people):
        fact = planned.membership
        if fact is None or ids[i] in has_member:
            continue
        copies = {"search_name": planned.person.full_name.lower(), "unit_path": paths[planned.unit]}
        members.append(
            Member(
                person_id=ids[i],
                org_unit_id=units[planned.unit],
                joined_on=fact.joined_on,
                card_number=planned.card,
                status=fact.status,
                status_changed_on=fact.status_changed_on,
                status_reason=fact.status_reason,
                youth_wing=fact.youth_wing,
                **{name: value for name, value in copies.items() if has_field(Member, name)},
            )
        )
    Member.objects.bulk_create(members, batch_size=2000)
    return len(todo), len(members)


@transaction.atomic
def load_positions(plan: Plan) -> int:
    ids = person_ids(plan)
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    existing = set(Position.objects.values_list("person_id", "org_unit_id", "kind", "started_on"))
    new = []
    for post in plan.positions:
        key = (ids[post.person], units[post.unit], post.kind, post.started_on)
        if key in existing:
            continue
        existing.add(key)
        new.append(
            Position(
                person_id=key[0], org_unit_id=key[1], kind=post.kind, started_on=post.started_on, ended_on=post.ended_on
            )
        )
    Position.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def load_officials(plan: Plan) -> int:
    ids = person_ids(plan)
    bodies_by_name = dict(StateBody.objects.values_list("name_ru", "pk"))
    existing = set(Official.objects.values_list("person_id", "body_id"))
    new = []
    for official in plan.officials:
        key = (ids[official.person], bodies_by_name[official.body])
        if key in existing:
            continue
        existing.add(key)
        kk, ru, en = official.title
        new.append(
            Official(
                person_id=key[0],
                body_id=key[1],
                title_kk=kk,
                title_ru=ru,
                title_en=en,
                is_head=official.is_head,
                started_on=official.started_on,
            )
        )
    Official.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def load_maslikhats(plan: Plan) -> int:
    """Maslikhats (VIII convocation), the party faction in each, and their deputies."""
    places = dict(Territory.objects.values_list("kato", "pk"))
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    created = 0
    factions: dict[str, tuple[int, int]] = {}  # kato -> (maslikhat id, faction id)
    for spec in bodies.maslikhats():
        kk, ru, en = spec.names
        maslikhat, made = Maslikhat.objects.get_or_create(
            territory_id=places[spec.kato],
            convocation=bodies.CONVOCATION,
            defaults={
                "level": spec.level,
                "org_unit_id": units[spec.branch],
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "elected_on": bodies.ELECTED_ON,
                "seats": spec.seats,
            },
        )
        fkk, fru, fen = bodies.faction_names(spec.names)
        faction, made_faction = Faction.objects.get_or_create(
            maslikhat=maslikhat, defaults={"name_kk": fkk, "name_ru": fru, "name_en": fen}
        )
        created += made + made_faction
        factions[spec.kato] = (maslikhat.pk, faction.pk)
    ids = person_ids(plan)
    existing = set(Deputy.objects.values_list("person_id", "maslikhat_id"))
    new = []
    for deputy in plan.deputies:
        maslikhat_id, faction_id = factions[deputy.maslikhat]
        key = (ids[deputy.person], maslikhat_id)
        if key in existing:
            continue
        existing.add(key)
        in_faction = deputy.faction_role in (FactionRole.LEADER, FactionRole.DEPUTY_LEADER, FactionRole.MEMBER)
        new.append(
            Deputy(
                person_id=key[0],
                maslikhat_id=maslikhat_id,
                constituency_number=deputy.number,
                constituency_name="" if deputy.number else "по партийному списку",
                constituency_territory_id=places.get(deputy.constituency) if deputy.constituency else None,
                term_start=bodies.ELECTED_ON,
                faction_id=faction_id if in_faction else None,
                faction_role=deputy.faction_role,
            )
        )
    Deputy.objects.bulk_create(new)
    return created + len(new)
