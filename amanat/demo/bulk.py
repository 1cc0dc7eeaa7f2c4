"""`amanat demo-data --members N`: many more members, fast, for benchmarks.

People and memberships are written in batches of --batch-size (one transaction each, so an
interrupted run keeps whole batches and the next run carries on) through `RowWriter`: COPY on
PostgreSQL, one executemany on SQLite. Each IIN's keyed hash and its Fernet encryption are
computed in the loop; they cost a few microseconds a value, the database inserts are what takes
the time. Each generated member has a counter: it fixes the card number (ATB + 8 digits) and the
IIN (see `people.bulk_identity`), so nothing collides and the next run starts after the highest
card number already there.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from amanat.core import crypto
from amanat.demo.data.atyrau import SIZE, primary_codes
from amanat.demo.fastinsert import RowWriter, has_field, hash_chunk
from amanat.demo.people import BASE_BLOCKS, BULK_DAYS, bulk_identity, membership_for, names_for, phone_for
from amanat.org.models import Member, OrgUnit, Person

CARD_PREFIX = "ATB"
SEED = 2026
CAPACITY = BULK_DAYS * 2 * BASE_BLOCKS  # distinct IINs the generator can make


@dataclass(frozen=True)
class Target:
    pk: int
    territory_id: int | None
    path: str
    weight: float


def targets() -> list[Target]:
    """The demo's primary organisations, weighted by their kind (a refinery has more members)."""
    kinds = {code: primary.kind for code, primary in primary_codes()}
    units = OrgUnit.objects.filter(code__in=kinds).values_list("pk", "territory_id", "path", "code")
    return [Target(pk, territory, path, SIZE.get(kinds[code], 1.0)) for pk, territory, path, code in units]


def next_counter() -> int:
    last = (
        Member.all_objects.filter(card_number__startswith=CARD_PREFIX)
        .order_by("-card_number")
        .values_list("card_number", flat=True)
        .first()
    )
    return int(last[len(CARD_PREFIX) :]) + 1 if last else 1


def _taken(hashes: list[str]) -> set[str]:
    taken: set[str] = set()
    size = hash_chunk()
    for start in range(0, len(hashes), size):
        chunk = hashes[start : start + size]
        # The alive-rows manager lets the database use the partial unique index on iin_hash.
        taken.update(Person.objects.filter(iin_hash__in=chunk).order_by().values_list("iin_hash", flat=True))
    return taken


PERSON_COLUMNS = (
    "last_name", "first_name", "middle_name", "birth_date", "sex", "iin_encrypted", "iin_hash", "iin_tail",
    "phone", "territory_id", "org_unit_id",
)  # fmt: skip
MEMBER_COLUMNS = (
    "person_id", "org_unit_id", "joined_on", "card_number", "status", "status_changed_on", "status_reason",
    "youth_wing",
)  # fmt: skip


class Batches:
    """Writes generated people and their memberships, one batch (one transaction) at a time."""

    def __init__(self, units: list[Target]) -> None:
        self.units = units
        self.cum_weights = list(itertools.accumulate(u.weight for u in units))
        # Copies of other rows' data that this version of the models carries (e.g. search_name).
        self.person_extra = [n for n in ("search_name",) if has_field(Person, n)]
        self.member_extra = [n for n in ("search_name", "unit_path") if has_field(Member, n)]
        self.people = RowWriter(Person, [*PERSON_COLUMNS, *self.person_extra])
        self.members = RowWriter(Member, [*MEMBER_COLUMNS, *self.member_extra])

    def write(self, first: int, count: int) -> int:
        rng = random.Random(f"{SEED}:{first}")  # noqa: S311 - demo data; the same counter makes the same person
        chosen = rng.choices(self.units, cum_weights=self.cum_weights, k=count)
        rows = []
        for counter, unit in zip(range(first, first + count), chosen, strict=True):
            born, male, iin = bulk_identity(counter)
            rows.append((counter, unit, born, male, iin, crypto.keyed_hash(iin)))
        # People typed in by hand may, rarely, hold one of these IINs: they are skipped, not duplicated.
        taken = _taken([row[5] for row in rows])
        people, members = [], []
        for counter, unit, born, male, iin, iin_hash in rows:
            if iin_hash in taken:
                continue
            last, first_name, middle = names_for(rng, male, born)
            search_name = f"{last} {first_name} {middle}".lower()
            extra = {"search_name": search_name, "unit_path": unit.path}
            people.append(
                (
                    last, first_name, middle, born, "M" if male else "F", crypto.encrypt(iin), iin_hash, iin[-4:],
                    phone_for(rng), unit.territory_id, unit.pk, *(extra[n] for n in self.person_extra),
                )
            )  # fmt: skip
            fact = membership_for(rng, born)
            members.append(
                [
                    None, unit.pk, fact.joined_on, f"{CARD_PREFIX}{counter:08d}", fact.status, fact.status_changed_on,
                    fact.status_reason, fact.youth_wing, *(extra[n] for n in self.member_extra),
                ]
            )  # fmt: skip
        with transaction.atomic():
            for member, person_id in zip(members, self.people.write(people), strict=True):
                member[0] = person_id
            self.members.write(members)
        return len(members)


def generate_members(
    count: int, *, batch_size: int = 10_000, progress: Callable[[int, float], None] | None = None
) -> int:
    """Add `count` generated members spread over the demo's primary organisations; returns how many.

    `progress(done, seconds)` is called after each batch.
    """
    units = targets()
    if not units:
        raise ValueError("The demo's primary organisations are missing: load the demo data first.")
    first = next_counter()
    if first + count > CAPACITY:
        raise ValueError(f"The generator can make at most {CAPACITY - first} more members.")
    batches = Batches(units)
    started, done = time.perf_counter(), 0
    counter = first
    while done < count:
        if counter >= CAPACITY:
            raise ValueError(f"The generator ran out of IINs after {done} members.")
        size = min(batch_size, count - done, CAPACITY - counter)
        done += batches.write(counter, size)
        counter += size
        if progress is not None:
            progress(done, time.perf_counter() - started)
    return done


def analyze() -> None:
    """Refresh the query planner's statistics after a big load (autovacuum would, later)."""
    tables = [Person._meta.db_table, Member._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
