"""Fictional people for the demo: names that fit the sex, valid IINs, phones and membership facts.

Everything is drawn from a seeded `random.Random`, so the same run makes the same people, and
the loader can tell what it already wrote by the IIN's keyed hash.

IINs never collide: an IIN is fixed by (date of birth, sex, a block of ten serial numbers), and
the block's first serial with a valid check digit is taken. The base demo uses blocks 0–499
(serials 0000–4999), the `--members` generator blocks 500–999, numbered by a counter.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from amanat.core.iin import make_iin
from amanat.demo.data import names
from amanat.org.choices import MemberStatus

BASE_BLOCKS = 500  # serial blocks 0..499 for the base demo; 500..999 for generated members
BULK_FIRST_BORN = dt.date(1950, 1, 1)
BULK_LAST_BORN = dt.date(2007, 12, 31)  # 18 by the end of 2025
BULK_DAYS = (BULK_LAST_BORN - BULK_FIRST_BORN).days + 1

PARTY_FOUNDED = dt.date(1999, 3, 1)  # Otan, the party's forerunner, was founded on 1 March 1999
LAST_JOINED = dt.date(2025, 12, 31)
YOUTH_BORN_FROM = dt.date(1997, 1, 1)  # the youth wing takes members up to 29

MOBILE_CODES = ("701", "702", "705", "707", "747", "771", "775", "776", "777", "778")

SUSPENDED_REASONS = (
    "Приостановлено на время службы в правоохранительных органах",
    "Приостановлено на время службы в Вооружённых силах",
    "Судьялыққа тағайындалуына байланысты тоқтатыла тұрды",
)
LEFT_REASONS = (
    "Личное заявление о выходе из партии",
    "Өз қалауы бойынша партиядан шығу туралы өтініш",
    "Выезд на постоянное жительство за пределы Казахстана",
    "Исключён решением бюро за систематическое неучастие в работе организации",
)


@dataclass(frozen=True)
class FakePerson:
    last_name: str
    first_name: str
    middle_name: str
    born: dt.date
    male: bool
    iin: str
    phone: str

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def sex(self) -> str:
        return "M" if self.male else "F"


@dataclass(frozen=True)
class Membership:
    joined_on: dt.date
    status: str
    status_changed_on: dt.date
    status_reason: str
    youth_wing: bool


def first_valid_iin(born: dt.date, male: bool, block: int) -> str:
    """The first valid IIN among the ten serials of block (one always exists).

    The 11th digit has weight 11 in the first pass, so it never changes that pass; if that pass
    gives 10, the second pass (weight 2) is 10 for at most one of the ten serials.
    """
    for last in range(10):
        iin = make_iin(born, male=male, serial=block * 10 + last)
        if iin:
            return iin
    raise AssertionError("unreachable: some serial of a block is always valid")  # pragma: no cover


def bulk_identity(counter: int) -> tuple[dt.date, bool, str]:
    """Birth date, sex and IIN of the `counter`-th generated member: distinct for distinct counters."""
    day, rest = counter % BULK_DAYS, counter // BULK_DAYS
    born = BULK_FIRST_BORN + dt.timedelta(days=day)
    male = rest % 2 == 0
    return born, male, first_valid_iin(born, male, BASE_BLOCKS + rest // 2)


def names_for(rng: random.Random, male: bool, born: dt.date) -> tuple[str, str, str]:
    """Surname, given name and patronymic that agree with the sex (and, loosely, with the age)."""
    if rng.random() < 0.1:
        surname = rng.choice(names.RUSSIAN_SURNAMES)
        given = rng.choice(names.RUSSIAN_MALE if male else names.RUSSIAN_FEMALE)
        father = rng.choice(names.RUSSIAN_FATHERS)
        middle = father[0] if male else father[1]
    else:
        surname = rng.choice(names.KAZAKH_SURNAMES)
        given = rng.choice(names.KAZAKH_MALE if male else names.KAZAKH_FEMALE)
        kazakh_form = born.year >= 1990 and rng.random() < 0.3
        middle = names.patronymic(rng.choice(names.KAZAKH_FATHERS), male=male, kazakh_form=kazakh_form)
    return (surname if male else names.female_surname(surname)), given, middle


def phone_for(rng: random.Random) -> str:
    return f"+7{rng.choice(MOBILE_CODES)}{rng.randrange(10**7):07d}"


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def adult_from(born: dt.date) -> dt.date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + 18, day=28)


def membership_for(rng: random.Random, born: dt.date) -> Membership:
    """Joined 1999–2025 (at 18 or later); mostly active, some suspended or left, with a reason."""
    joined = random_date(rng, max(PARTY_FOUNDED, adult_from(born)), LAST_JOINED)
    roll = rng.random()
    if roll < 0.93:
        status, changed, reason = MemberStatus.ACTIVE, joined, ""
    elif roll < 0.96:
        status, changed, reason = (
            MemberStatus.SUSPENDED,
            random_date(rng, joined, LAST_JOINED),
            rng.choice(SUSPENDED_REASONS),
        )
    else:
        status, changed, reason = MemberStatus.LEFT, random_date(rng, joined, LAST_JOINED), rng.choice(LEFT_REASONS)
    youth = born >= YOUTH_BORN_FROM and rng.random() < 0.7
    return Membership(joined, status, changed, reason, youth)


class PersonMaker:
    """Makes the base demo's people; remembers the IIN blocks it used so none is used twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[tuple[dt.date, bool, int]] = set()

    def make(self, *, born: dt.date, male: bool | None = None) -> FakePerson:
        rng = self.rng
        male = rng.random() < 0.5 if male is None else male
        block = rng.randrange(BASE_BLOCKS)
        while (born, male, block) in self.used:
            block = (block + 1) % BASE_BLOCKS
        self.used.add((born, male, block))
        last, first, middle = names_for(rng, male, born)
        return FakePerson(last, first, middle, born, male, first_valid_iin(born, male, block), phone_for(rng))

    def born_between(self, oldest: int, youngest: int, *, typical: int | None = None) -> dt.date:
        """A birth date between two years, most often near `typical`."""
        start, end = dt.date(oldest, 1, 1), dt.date(youngest, 12, 31)
        span = (end - start).days
        mode = (dt.date(typical, 7, 1) - start).days if typical else span / 2
        return start + dt.timedelta(days=int(self.rng.triangular(0, span, mode)))
