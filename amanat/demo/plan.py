"""What the base demo's people are and what posts they hold, decided before anything is written.

The plan is drawn from seeded generators and does not look at the database, so every run plans
the same people; `population.py` then writes what is missing. Officials, party posts and
deputies are all fictional people.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace

from amanat.demo.data import atyrau, bodies
from amanat.demo.people import FakePerson, Membership, PersonMaker, membership_for
from amanat.demo.structure import body_specs
from amanat.org.choices import FactionRole, MemberStatus, PositionKind, StateBodyKind

SEED = 2026
BASE_MEMBERS = 3000
PK = PositionKind


@dataclass
class Planned:
    person: FakePerson
    unit: str  # code of the keeping unit (for members: their primary organisation)
    membership: Membership | None = None
    card: str | None = None


@dataclass(frozen=True)
class PlannedPosition:
    person: int  # index into Plan.people
    unit: str
    kind: str
    started_on: dt.date
    ended_on: dt.date | None = None


@dataclass(frozen=True)
class PlannedOfficial:
    person: int
    body: str  # the body's Russian name (its key in the demo)
    title: tuple[str, str, str]
    is_head: bool
    started_on: dt.date


@dataclass(frozen=True)
class PlannedDeputy:
    person: int
    maslikhat: str  # KATO of the maslikhat's territory
    number: int | None
    constituency: str | None  # KATO of the constituency's territory
    faction_role: str  # "" for deputies outside the party faction


@dataclass
class Plan:
    people: list[Planned] = field(default_factory=list)
    positions: list[PlannedPosition] = field(default_factory=list)
    officials: list[PlannedOfficial] = field(default_factory=list)
    deputies: list[PlannedDeputy] = field(default_factory=list)
    named: dict[str, int] = field(default_factory=dict)  # "regional_secretary" -> person index

    def add(self, planned: Planned) -> int:
        self.people.append(planned)
        return len(self.people) - 1


def branch_of_kato(kato: str) -> str:
    """The party branch whose territory holds this KATO code (by the district's 4-digit prefix)."""
    for branch in atyrau.BRANCHES:
        if kato[:4] == branch.kato[:4]:
            return branch.code
    return atyrau.REGIONAL.code


class Planner:
    def __init__(self, base_members: int) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
        self.maker = PersonMaker(self.rng)
        self.plan = Plan()
        self.primaries = atyrau.primary_codes()
        self.base_members = base_members
        self.members_by_branch: dict[str, list[int]] = defaultdict(list)
        self.members_by_primary: dict[str, list[int]] = defaultdict(list)
        self.busy: set[int] = set()  # people already given an exclusive post
        self.branch_of_primary = {code: p.branch for code, p in self.primaries}
        self.cards = 0

    def build(self) -> Plan:
        self._members()
        self._officials()
        # Posts are drawn from their own generator: the people above stay the same whatever happens below.
        self.rng = random.Random(SEED + 1)  # noqa: S311 - demo data, not secrets
        self._party_posts()
        self._deputies()
        return self.plan

    # --- people ---------------------------------------------------------------------------------

    def _member(self, person: FakePerson, unit: str, membership: Membership) -> int:
        self.cards += 1
        index = self.plan.add(Planned(person, unit, membership, f"AT{self.cards:06d}"))
        branch = self.branch_of_primary[unit]
        if membership.status == MemberStatus.ACTIVE:
            self.members_by_branch[branch].append(index)
            self.members_by_primary[unit].append(index)
        return index

    def _members(self) -> None:
        weights = [atyrau.SIZE.get(p.kind, 1.0) for _, p in self.primaries]
        for _ in range(self.base_members):
            code, _primary = self.rng.choices(self.primaries, weights)[0]
            person = self.maker.make(born=self.maker.born_between(1950, 2007, typical=1980))
            self._member(person, code, membership_for(self.rng, person.born))

    def _officials(self) -> None:
        starts = {StateBodyKind.RURAL_AKIMAT: (2021, 2024), StateBodyKind.DEPARTMENT: (2019, 2025)}
        for _parent, spec in body_specs():
            kind, name, kato = spec["kind"], spec["name_ru"], spec["kato"]
            titles = _titles(kind)
            for n, title in enumerate(titles):
                first, last = starts.get(kind, (2021, 2024))
                person = self.maker.make(born=self.maker.born_between(1962, 1990, typical=1975))
                started = dt.date(self.rng.randint(first, last), self.rng.randint(1, 12), self.rng.randint(1, 28))
                is_head = n == 0
                akim = is_head and kind in (
                    StateBodyKind.REGIONAL_AKIMAT,
                    StateBodyKind.CITY_AKIMAT,
                    StateBodyKind.DISTRICT_AKIMAT,
                )
                branch = branch_of_kato(kato) if kind != StateBodyKind.DEPARTMENT else atyrau.REGIONAL.code
                if akim or self.rng.random() < 0.5:
                    # Akims chair their party branch: they are active members of a primary organisation there.
                    home = "atyrau-city" if branch == atyrau.REGIONAL.code else branch
                    pool = [c for c, p in self.primaries if p.branch == home]
                    fact = membership_for(self.rng, person.born)
                    if akim:
                        fact = replace(
                            fact, status=MemberStatus.ACTIVE, status_changed_on=fact.joined_on, status_reason=""
                        )
                    index = self._member(person, self.rng.choice(pool), fact)
                else:
                    index = self.plan.add(Planned(person, branch))
                self.plan.officials.append(PlannedOfficial(index, name, title, is_head, started))
                if akim:
                    self.plan.named[f"akim:{branch}"] = index
                    self.busy.add(index)

    # --- party posts ----------------------------------------------------------------------------

    def _pick(self, pool: list[int], count: int = 1, *, exclusive: bool = True) -> list[int]:
        free = [i for i in pool if i not in self.busy and self.plan.people[i].person.born.year <= 1998]
        chosen = self.rng.sample(free, min(count, len(free)))
        if exclusive:
            self.busy.update(chosen)
        return chosen

    def _post(self, people: list[int], unit: str, kind: str, started: dt.date, ended: dt.date | None = None) -> None:
        self.plan.positions.extend(PlannedPosition(i, unit, kind, started, ended) for i in people)

    def _party_posts(self) -> None:
        regional = atyrau.REGIONAL.code
        everyone = [i for pool in self.members_by_branch.values() for i in pool]
        city_pool = self.members_by_branch["atyrau-city"]
        conference = dt.date(2022, 4, 15)  # report-and-election conference after the XXII congress
        chairman = [self.plan.named[f"akim:{regional}"]]
        first_deputy = self._pick(city_pool)
        secretary = self._pick(city_pool)
        previous = self._pick(city_pool)
        bureau = self._pick(everyone, 4)
        council = self._pick(everyone, 18, exclusive=False)
        self._post(chairman, regional, PK.CHAIRMAN, conference)
        self._post(first_deputy, regional, PK.FIRST_DEPUTY, conference)
        self._post(secretary, regional, PK.EXECUTIVE_SECRETARY, conference)
        self._post(previous, regional, PK.EXECUTIVE_SECRETARY, dt.date(2019, 6, 3), conference - dt.timedelta(days=1))
        leaders = chairman + first_deputy + secretary
        self._post(leaders + bureau, regional, PK.BUREAU_MEMBER, conference)
        self._post(leaders + bureau + council, regional, PK.POLITICAL_COUNCIL_MEMBER, conference)
        control = self._pick(everyone, 5)
        self._post(control[:1], regional, PK.CONTROL_COMMISSION_CHAIR, conference)
        self._post(control[1:], regional, PK.CONTROL_COMMISSION_MEMBER, conference)
        youth = [i for i in city_pool if self.plan.people[i].membership.youth_wing]  # type: ignore[union-attr]
        youth_leader = self.rng.sample(youth, 1) if youth else []
        self.busy.update(youth_leader)
        self._post(youth_leader, regional, PK.YOUTH_WING_LEADER, dt.date(2023, 2, 10))
        for name, people in (("regional_secretary", secretary), ("control_chair", control)):
            if people:  # a tiny demo (--base-members) may have nobody left to appoint
                self.plan.named[name] = people[0]
        for branch in atyrau.BRANCHES:
            started = dt.date(2022, 3, self.rng.randint(18, 31))
            pool = self.members_by_branch[branch.code]
            chair = [self.plan.named[f"akim:{branch.code}"]]
            secretary = self._pick(pool)
            bureau = self._pick(pool, 3)
            council = self._pick(pool, 6, exclusive=False)
            self._post(chair, branch.code, PK.CHAIRMAN, started)
            self._post(secretary, branch.code, PK.EXECUTIVE_SECRETARY, started)
            self._post(chair + secretary + bureau, branch.code, PK.BUREAU_MEMBER, started)
            self._post(chair + secretary + bureau + council, branch.code, PK.POLITICAL_COUNCIL_MEMBER, started)
            if secretary:
                self.plan.named[f"secretary:{branch.code}"] = secretary[0]
        for code, _primary in self.primaries:
            secretary = self._pick(self.members_by_primary[code])
            started = dt.date(self.rng.randint(2019, 2024), self.rng.randint(1, 12), self.rng.randint(1, 28))
            self._post(secretary, code, PK.PRIMARY_SECRETARY, started)
            if secretary:
                self.plan.named[f"secretary:{code}"] = secretary[0]
            ordinary = [i for i in self.members_by_primary[code] if i not in self.busy]
            if ordinary:
                self.plan.named[f"member:{code}"] = ordinary[0]

    # --- maslikhats -----------------------------------------------------------------------------

    def _constituencies(self, kato: str) -> list[str]:
        territory = next(p for p, _ in atyrau.walk(atyrau.REGION) if p.kato == kato)
        return [c.kato for c in territory.children] or [kato]

    def _deputies(self) -> None:
        everyone = [i for pool in self.members_by_branch.values() for i in pool]
        for spec in bodies.maslikhats():
            pool = everyone if spec.level == "regional" else self.members_by_branch[spec.branch]
            areas = self._constituencies(spec.kato)
            single = spec.seats - spec.list_seats
            party_seen = 0
            for seat in range(spec.seats):
                if self.rng.random() < bodies.PARTY_SHARE:
                    picked = self._pick(pool)
                    if not picked:
                        continue
                    index = picked[0]
                    role = (FactionRole.LEADER, FactionRole.DEPUTY_LEADER, FactionRole.MEMBER)[min(party_seen, 2)]
                    party_seen += 1
                else:
                    person = self.maker.make(born=self.maker.born_between(1960, 1995, typical=1978))
                    index, role = self.plan.add(Planned(person, spec.branch)), ""
                number = seat + 1 if seat < single else None
                area = areas[seat % len(areas)] if number else None
                self.plan.deputies.append(PlannedDeputy(index, spec.kato, number, area, role))
                if role == FactionRole.LEADER and spec.branch == "atyrau-city":
                    self.plan.named["city_faction_leader"] = index


def _titles(kind: str) -> list[tuple[str, str, str]]:
    if kind == StateBodyKind.REGIONAL_AKIMAT:
        return [bodies.TITLE_REGIONAL_AKIM] + [bodies.TITLE_REGIONAL_DEPUTY] * bodies.REGIONAL_DEPUTY_AKIMS
    if kind == StateBodyKind.CITY_AKIMAT:
        return [bodies.TITLE_CITY_AKIM, bodies.TITLE_CITY_DEPUTY, bodies.TITLE_CITY_DEPUTY]
    if kind == StateBodyKind.DISTRICT_AKIMAT:
        return [bodies.TITLE_DISTRICT_AKIM, bodies.TITLE_DISTRICT_DEPUTY]
    if kind == StateBodyKind.DEPARTMENT:
        return [bodies.TITLE_DEPARTMENT_HEAD, bodies.TITLE_DEPARTMENT_DEPUTY]
    return [bodies.TITLE_RURAL_AKIM]


def build_plan(base_members: int = BASE_MEMBERS) -> Plan:
    return Planner(base_members).build()
