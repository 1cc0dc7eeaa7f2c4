"""The demo's generators on their own: IINs that are valid and never repeat, names that fit the sex."""

from __future__ import annotations

import datetime as dt
import random

from amanat.core.iin import is_valid_iin, parse_iin
from amanat.demo.data import names
from amanat.demo.data.atyrau import REGION, primary_codes, walk
from amanat.demo.people import BASE_BLOCKS, PersonMaker, bulk_identity, first_valid_iin, membership_for
from amanat.demo.plan import build_plan


def test_generated_member_iins_are_valid_distinct_and_carry_the_birth_date_and_sex() -> None:
    seen = set()
    for counter in range(1, 30_001):
        born, male, iin = bulk_identity(counter)
        info = parse_iin(iin)
        assert (info.birth_date, info.sex) == (born, "M" if male else "F")
        assert int(iin[7:10]) >= BASE_BLOCKS, "generated members use serial blocks apart from the base demo"
        seen.add(iin)
    assert len(seen) == 30_000


def test_every_serial_block_has_a_valid_iin_even_when_the_first_pass_gives_ten() -> None:
    # 821214240092 is invalid on both passes (DOMAIN.md): its block still yields a valid number.
    iin = first_valid_iin(dt.date(1882, 12, 14), False, 400)
    assert is_valid_iin(iin) and iin.startswith("821214240") and iin != "821214240092"
    for day in range(400):
        for block in (0, 137, 499, 999):
            assert is_valid_iin(first_valid_iin(dt.date(1960, 1, 1) + dt.timedelta(days=day), day % 2 == 0, block))


def test_base_demo_people_never_share_an_iin() -> None:
    maker = PersonMaker(random.Random(1))
    people = [maker.make(born=dt.date(1990, 5, 5)) for _ in range(900)]
    assert len({p.iin for p in people}) == 900
    assert all(is_valid_iin(p.iin) for p in people)


def test_patronymics_and_surnames_follow_the_sex() -> None:
    assert names.patronymic(("Серик", "Серік"), male=True, kazakh_form=False) == "Серикович"
    assert names.patronymic(("Серик", "Серік"), male=False, kazakh_form=True) == "Серікқызы"
    assert names.patronymic(("Абай", "Абай"), male=False, kazakh_form=False) == "Абаевна"
    assert names.patronymic(("Амангельды", "Амангелді"), male=True, kazakh_form=False) == "Амангельдиевич"
    assert names.patronymic(("Куаныш", "Қуаныш"), male=True, kazakh_form=False) == "Куанышевич"
    assert names.female_surname("Ахметов") == "Ахметова"
    assert names.female_surname("Габдуллин") == "Габдуллина"
    assert names.female_surname("Ткаченко") == "Ткаченко"


def test_membership_starts_at_eighteen_and_not_before_the_party_existed() -> None:
    rng = random.Random(5)
    for year in (1950, 1981, 2007):
        born = dt.date(year, 2, 28)
        for _ in range(200):
            fact = membership_for(rng, born)
            assert fact.joined_on >= max(dt.date(1999, 3, 1), born.replace(year=year + 18))
            assert fact.joined_on <= fact.status_changed_on <= dt.date(2025, 12, 31)
            assert bool(fact.status_reason) == (fact.status != "active")


def test_the_plan_is_the_same_on_every_run() -> None:
    first, second = build_plan(300), build_plan(300)
    assert [p.person for p in first.people] == [p.person for p in second.people]
    assert first.positions == second.positions and first.deputies == second.deputies


def test_primary_codes_are_stable_and_point_at_known_places() -> None:
    codes = [code for code, _ in primary_codes()]
    assert len(codes) == len(set(codes)) and "makat-p01" in codes and "atyrau-city-p01" in codes
    katos = {place.kato for place, _ in walk(REGION)}
    assert all(primary.kato in katos for _, primary in primary_codes())
    assert len(katos) == len([place for place, _ in walk(REGION)]), "KATO codes must be unique"
