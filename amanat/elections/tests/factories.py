"""Test helpers shared by the elections tests: members, an election in draft, and helpers that
take it through each phase by the real services (the board is written as in production).

    election = make_election(tree.makat)                    # draft, timetable around now
    prepared = ready_election(tree.makat, voters=3)          # frozen with census, credentials, key
    prepared = ready_election(tree.makat, open=True)          # voting
    prepared.credentials[i] is (credential, public) of prepared.voters[i] (the secretary's
    "letters": who got which credential; the server itself never knows that)
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from amanat.accounts.models import User
from amanat.elections.choices import CommissionRole, ElectionKind, Method, Phase
from amanat.elections.models import Candidate, Election, Trustee
from amanat.org.choices import MemberStatus
from amanat.org.models import Member, OrgUnit, Person

_seq = itertools.count(1)


def system_user() -> User:
    """A superuser acting for the tests (the commission's chair of every test election)."""
    user = User.objects.filter(email="elections-admin@example.kz").first()
    return user or User.objects.create_superuser("elections-admin@example.kz", "correct-horse-battery")


def make_user(**extra: Any) -> User:
    """A user reading English (the tests read messages), like conftest's make_user."""
    n = next(_seq)
    extra.setdefault("language", "en")
    return User.objects.create_user(
        f"elections{n}@example.kz", "correct-horse-battery", full_name=extra.pop("full_name", f"Voter {n}"), **extra
    )


def make_member(
    unit: OrgUnit,
    *,
    joined_on: dt.date = dt.date(2020, 1, 1),
    status: str = MemberStatus.ACTIVE,
    card_number: str | None = None,
    with_user: bool = True,
    name: str = "",
) -> Member:
    """A member of unit (a Person kept by unit), with a linked login unless with_user=False."""
    n = next(_seq)
    last, first = [*name.split(" ", 1), ""][:2] if name else (f"Мүше{n}", f"Аты{n}")
    person = Person.objects.create(
        last_name=last, first_name=first or "Аты", org_unit=unit, phone=f"+7701{n:07d}", email=f"m{n}@example.kz"
    )
    member = Member.objects.create(
        person=person, org_unit=unit, joined_on=joined_on, status=status, card_number=card_number
    )
    if with_user:
        make_user(person=person, full_name=person.full_name)
    return member


def user_of(member: Member) -> User:
    return User.objects.get(person=member.person)


def make_election(unit: OrgUnit, **kw: Any) -> Election:
    """A draft election of unit made by the service (board `created`), with a chair seated."""
    from amanat.elections.services.elections import election_create

    now = timezone.now()
    values = {
        "kind": ElectionKind.PRIMARY_MASLIKHAT,
        "unit": unit,
        "title_kk": "Мәслихатқа праймериз",
        "title_ru": "Праймериз в маслихат",
        "title_en": "Primary for the maslikhat",
        "joined_before": dt.date(2026, 1, 1),
        "method": Method.SINGLE,
        "threshold": 2,
        "voting_opens_at": now + dt.timedelta(days=1),
        "voting_closes_at": now + dt.timedelta(days=3),
    } | kw
    return election_create(actor=system_user(), values=values)


def seat(election: Election, user: User, role: str = CommissionRole.MEMBER) -> Any:
    from amanat.elections.services.elections import commission_set

    return commission_set(actor=system_user(), election=election, user=user, role=role)


def to_nominations(election: Election) -> Election:
    from amanat.elections.services.elections import open_nominations

    return open_nominations(actor=system_user(), election=election)


def add_candidate(election: Election, member: Member | None = None, *, validate: bool = True) -> Candidate:
    """A candidate entered by the commission, accepted by the member, registered (validate=True)."""
    from amanat.elections.services import nominations

    member = member or make_member(election.unit)
    candidate = nominations.nominate_by_commission(actor=system_user(), election=election, member=member)
    candidate = nominations.candidate_respond(actor=user_of(member), candidate=candidate, accept=True)
    if validate:
        candidate = nominations.candidate_decide(actor=system_user(), candidate=candidate, validate=True)
    return candidate


def to_preparation(election: Election) -> Election:
    from amanat.elections.services.elections import close_nominations

    return close_nominations(actor=system_user(), election=election)


def secretary_of(election: Election) -> User:
    """The commission's secretary (seated on first use)."""
    existing = election.commission.filter(role=CommissionRole.SECRETARY).first()
    if existing:
        return existing.user
    user = make_user(full_name="Secretary")
    seat(election, user, CommissionRole.SECRETARY)
    return user


def publish_credentials(election: Election) -> list[tuple[str, str]]:
    """Make one credential per census entry (as amanat-credentials does) and upload the publics."""
    from amanat.elections.services.census import credentials_upload
    from votecrypto.testkit import make_credentials

    election.refresh_from_db()
    pairs = make_credentials(str(election.uuid), election.census_count)
    raw = {"election": str(election.uuid), "credentials": sorted(p for _c, p in pairs)}
    credentials_upload(actor=secretary_of(election), election=election, raw=raw)
    return pairs


def name_trustees(election: Election, n: int) -> list[Trustee]:
    from amanat.elections.services.elections import trustee_add

    return [
        trustee_add(
            actor=system_user(), election=election, user=make_user(full_name=f"Trustee {i}"), name=f"Trustee {i}"
        )
        for i in range(1, n + 1)
    ]


def run_key_ceremony(election: Election, n: int = 3) -> Any:
    """Name n trustees (if none) and take them through the ceremony with votecrypto.testkit."""
    from amanat.elections.services import ceremony
    from votecrypto.testkit import run_ceremony

    election.refresh_from_db()
    trustees = list(election.trustees.order_by("index")) or name_trustees(election, n)
    kit = run_ceremony(str(election.uuid), len(trustees), election.threshold)
    for t, reg in zip(trustees, kit.registrations, strict=True):
        ceremony.trustee_register(actor=t.user, trustee=t, raw=reg)
    for t, deal in zip(trustees, kit.deals, strict=True):
        ceremony.trustee_deal(actor=t.user, trustee=t, raw=deal)
    for t, check in zip(trustees, kit.checks, strict=True):
        ceremony.trustee_check(actor=t.user, trustee=t, raw=check)
    election.refresh_from_db()
    return kit


@dataclass
class Prepared:
    election: Election
    voters: list[Member]
    candidates: list[Candidate]
    credentials: list[tuple[str, str]]
    ceremony: Any
    extra: dict[str, Any] = field(default_factory=dict)


def ready_election(
    unit: OrgUnit,
    *,
    voters: int = 3,
    candidates: int = 2,
    trustees: int = 3,
    threshold: int = 2,
    poll: bool = False,
    open: bool = False,
    **kw: Any,
) -> Prepared:
    """An election frozen (or, with open=True, voting) with a census of `voters` members of unit
    (the candidates vote too), credentials published and the trustees' key made."""
    from amanat.elections.services.elections import freeze, open_voting
    from amanat.elections.services.nominations import poll_answers_standard

    now = timezone.now()
    if open:
        kw.setdefault("voting_opens_at", now - dt.timedelta(minutes=1))
    kw.setdefault("voting_opens_at", now + dt.timedelta(days=1))
    kw.setdefault("voting_closes_at", kw["voting_opens_at"] + dt.timedelta(days=2))
    if poll:
        kw.setdefault("kind", ElectionKind.POLL)
    election = make_election(unit, threshold=threshold, **kw)
    members = [make_member(unit) for _ in range(voters)]
    options: list[Candidate] = []
    if poll:
        options = poll_answers_standard(actor=system_user(), election=election)
    else:
        to_nominations(election)
        options = [add_candidate(election) for _ in range(candidates)]
    to_preparation(election)
    kit = run_key_ceremony(election, trustees)
    pairs = publish_credentials(election)
    freeze(actor=system_user(), election=election)
    if open:
        open_voting(election)
    election.refresh_from_db()
    census_members = [c.member for c in options if c.member_id] + members
    return Prepared(election=election, voters=census_members, candidates=options, credentials=pairs, ceremony=kit)


def phase(election: Election) -> str:
    return Election.objects.values_list("phase", flat=True).get(pk=election.pk)


__all__ = [
    "Phase",
    "Prepared",
    "add_candidate",
    "make_election",
    "make_member",
    "make_user",
    "name_trustees",
    "phase",
    "publish_credentials",
    "ready_election",
    "run_key_ceremony",
    "seat",
    "secretary_of",
    "system_user",
    "to_nominations",
    "to_preparation",
    "user_of",
]
