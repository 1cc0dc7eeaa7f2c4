"""Demo intra-party elections, each taken through the elections app's real services so that its
board is complete and `amanat-verify` accepts its download:

- a primary of the Makat branch, voted (about sixty ballots, a few revotes), closed, tallied,
  decrypted by two of three trustees and published;
- a poll of the Makat branch in the voting phase, where member@amanat.kz is on the census and
  holds the credential in DEMO_CREDENTIALS (printed with the demo logins);
- a primary of the Inder branch in nominations, with a few candidates at different steps.

The key ceremony and the credentials are made with votecrypto.testkit: one process holds every
trustee's secret, which is fine for a demo and never for a real election. Loading twice adds
nothing: each election is found again by its English title.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from unittest import mock

from django.db import transaction
from django.utils import timezone

from amanat.accounts.models import User
from amanat.elections.choices import CommissionRole, ElectionKind, Method
from amanat.elections.models import CensusEntry, Election
from amanat.org.choices import MemberStatus
from amanat.org.models import Member, OrgUnit

COMMISSION = "commission@amanat.kz"
SECRETARY = "secretary@amanat.kz"
TRUSTEES = ("commission@amanat.kz", "control@amanat.kz", "auditor@amanat.kz")
VOTER = "member@amanat.kz"
# The credential member@amanat.kz received from the poll's secretary (base58, groups of five).
DEMO_CREDENTIALS = {VOTER: "Amana-tDemo-Voter-2a6Ab"}
SEED = 2026_11

PRIMARY_TITLE = "Primary: candidates for the Makat district maslikhat"
POLL_TITLE = "Poll: should the branch hold open receptions on Saturdays?"
NOMINATIONS_TITLE = "Primary: candidates for the Inder district maslikhat"


@contextlib.contextmanager
def _clock_set_back(shift: dt.timedelta) -> Iterator[None]:
    """Run the services as if it were `shift` ago (the clock still moves), so that a finished
    demo election has a finished timetable: it opened, closed and was published in the past, and
    its board and audit trail say so. Demo only: a real election lives in real time."""
    real_now = timezone.now
    with mock.patch("django.utils.timezone.now", lambda: real_now() - shift):
        yield


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _member_actor(member: Member) -> Any:
    """The member acting for themselves (accepting a nomination, casting a ballot). Demo members
    have no logins: the services need only who the person is."""
    return SimpleNamespace(person_id=member.person_id, pk=None, is_authenticated=True)


def _create(actor: User, unit: OrgUnit, *, title: tuple[str, str, str], **values: Any) -> Election:
    from amanat.elections.services.elections import commission_set, election_create

    kk, ru, en = title
    election = election_create(
        actor=actor,
        values={"unit": unit, "title_kk": kk, "title_ru": ru, "title_en": en, **values},
    )
    commission_set(actor=actor, election=election, user=actor, role=CommissionRole.CHAIR)
    secretary = _user(SECRETARY)
    if secretary is not None and secretary != actor:
        commission_set(actor=actor, election=election, user=secretary, role=CommissionRole.SECRETARY)
    return election


def _candidates(actor: User, election: Election, members: list[Member], *, validate: int) -> None:
    """Enter members as candidates; all accept, the first `validate` are registered."""
    from amanat.elections.services.nominations import candidate_decide, candidate_respond, nominate_by_commission

    for i, member in enumerate(members):
        candidate = nominate_by_commission(actor=actor, election=election, member=member)
        candidate = candidate_respond(actor=_member_actor(member), candidate=candidate, accept=True)
        if i < validate:
            candidate_decide(actor=actor, candidate=candidate, validate=True)


def _prepare(
    actor: User, election: Election, *, credentials: dict[int, str] | None = None
) -> tuple[dict[int, str], Any]:
    """preparation → voting: key ceremony (three trustees, two needed), credentials for the census
    (a fixed one for the members in `credentials`), the freeze, the opening. Returns member id →
    credential (the secretary's letters) and the ceremony (the trustees' secrets)."""
    from amanat.elections.services import ceremony
    from amanat.elections.services.census import credentials_upload
    from amanat.elections.services.elections import freeze, open_voting, trustee_add
    from votecrypto.credentials import credential_secret, new_credential, public_credential
    from votecrypto.testkit import run_ceremony

    uuid = str(election.uuid)
    trustees = []
    for i, email in enumerate(TRUSTEES, start=1):
        user = _user(email)
        if user is not None:
            trustees.append(trustee_add(actor=actor, election=election, user=user, name=f"{user.full_name} ({i})"))
    keys = run_ceremony(uuid, len(trustees), election.threshold)
    for trustee, registration in zip(trustees, keys.registrations, strict=True):
        ceremony.trustee_register(actor=trustee.user, trustee=trustee, raw=registration)
    for trustee, dealt in zip(trustees, keys.deals, strict=True):
        ceremony.trustee_deal(actor=trustee.user, trustee=trustee, raw=dealt)
    for trustee, check in zip(trustees, keys.checks, strict=True):
        ceremony.trustee_check(actor=trustee.user, trustee=trustee, raw=check)
    letters: dict[int, str] = {}
    for member_id in CensusEntry.objects.filter(election=election).values_list("member_id", flat=True):
        letters[member_id] = (credentials or {}).get(member_id) or new_credential()
    publics = sorted(public_credential(credential_secret(uuid, c)) for c in letters.values())
    secretary = election.commission.get(role=CommissionRole.SECRETARY).user
    credentials_upload(actor=secretary, election=election, raw={"election": uuid, "credentials": publics})
    freeze(actor=actor, election=election)
    open_voting(election, actor=actor)
    election.refresh_from_db()
    return letters, keys


def _cast(election: Election, member: Member, credential: str, selections: list[int]) -> None:
    import json

    from amanat.elections.services.voting import cast_ballot
    from votecrypto.ballot import make_ballot

    ballot, _randomness = make_ballot(json.loads(election.manifest), election.manifest_hash, credential, selections)
    cast_ballot(election, _member_actor(member), ballot)


def _members_of(code: str, count: int) -> list[Member]:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        return []
    return list(
        Member.objects.filter(
            org_unit__path__startswith=unit.path, status=MemberStatus.ACTIVE, joined_on__lt=timezone.localdate()
        ).order_by("pk")[:count]
    )


def load_published_primary(actor: User) -> int:
    """The Makat primary, two weeks ago: voted for half an hour, closed, tallied, decrypted, published."""
    if Election.objects.filter(title_en=PRIMARY_TITLE).exists():
        return 0
    with _clock_set_back(dt.timedelta(days=14)):
        election, secrets = _vote_primary(actor)
    if election is None:
        return 0
    with _clock_set_back(dt.timedelta(days=14) - dt.timedelta(hours=1)):  # after the close
        finish(election, secrets, actor=actor)
    return 1


def _vote_primary(actor: User) -> tuple[Election | None, dict[int, int]]:
    from amanat.elections.services.elections import close_nominations, open_nominations

    unit = OrgUnit.objects.filter(code="makat").first()
    candidates = _members_of("makat", 3)
    if unit is None or len(candidates) < 3:
        return None, {}
    now = timezone.now()
    election = _create(
        actor,
        unit,
        title=(
            "Праймериз: Мақат аудандық мәслихатына кандидаттар",
            "Праймериз: кандидаты в Макатский районный маслихат",
            PRIMARY_TITLE,
        ),
        kind=ElectionKind.PRIMARY_MASLIKHAT,
        method=Method.SINGLE,
        joined_before=timezone.localdate(),
        threshold=2,
        voting_opens_at=now - dt.timedelta(minutes=5),
        voting_closes_at=now + dt.timedelta(minutes=30),
    )
    open_nominations(actor=actor, election=election)
    _candidates(actor, election, candidates, validate=3)
    close_nominations(actor=actor, election=election)
    letters, keys = _prepare(actor, election)
    rng = random.Random(SEED)  # noqa: S311 - demo choices, not secrets
    voters = list(letters.items())
    rng.shuffle(voters)
    members = Member.objects.in_bulk([member_id for member_id, _c in voters[:60]])
    weights = (0.5, 0.3, 0.2)
    for member_id, credential in voters[:60]:
        choice = rng.choices(range(3), weights)[0]
        _cast(election, members[member_id], credential, [int(k == choice) for k in range(3)])
    for member_id, credential in voters[:4]:  # a few members change their mind: the last ballot counts
        choice = rng.randrange(3)
        _cast(election, members[member_id], credential, [int(k == choice) for k in range(3)])
    return election, keys.secrets


def open_poll(
    actor: User, *, title: tuple[str, str, str], credentials: dict[str, str], others: int = 12
) -> tuple[Election, Any]:
    """A poll of the Makat branch, open now for thirty days: the users in `credentials` (e-mail →
    credential) hold those credentials; `others` other members have voted already. Returns the
    election and the key ceremony (the trustees' secrets)."""
    from amanat.elections.services.elections import close_nominations
    from amanat.elections.services.nominations import poll_answers_standard

    unit = OrgUnit.objects.get(code="makat")
    now = timezone.now()
    election = _create(
        actor,
        unit,
        title=title,
        kind=ElectionKind.POLL,
        method=Method.SINGLE,
        joined_before=timezone.localdate() + dt.timedelta(days=1),
        threshold=2,
        voting_opens_at=now - dt.timedelta(minutes=5),
        voting_closes_at=now + dt.timedelta(days=30),
    )
    poll_answers_standard(actor=actor, election=election)
    close_nominations(actor=actor, election=election)
    fixed: dict[int, str] = {}
    for email, credential in credentials.items():
        user = _user(email)
        entry = (
            CensusEntry.objects.filter(election=election, member__person_id=user.person_id).first()
            if user is not None and user.person_id
            else None
        )
        if entry is not None:
            fixed[entry.member_id] = credential
    letters, keys = _prepare(actor, election, credentials=fixed)
    rng = random.Random(SEED + 1)  # noqa: S311 - demo choices, not secrets
    voters = [(m, c) for m, c in letters.items() if m not in fixed]
    rng.shuffle(voters)
    members = Member.objects.in_bulk([m for m, _c in voters[:others]])
    for member_id, credential in voters[:others]:
        choice = rng.choices(range(3), (0.6, 0.3, 0.1))[0]
        _cast(election, members[member_id], credential, [int(k == choice) for k in range(3)])
    return election, keys


def load_poll(actor: User) -> int:
    """The Makat poll, open now; member@amanat.kz holds a known credential."""
    if Election.objects.filter(title_en=POLL_TITLE).exists() or not OrgUnit.objects.filter(code="makat").exists():
        return 0
    title = (
        "Сауалнама: филиал сенбі күндері ашық қабылдау өткізсін бе?",
        "Опрос: проводить ли филиалу открытые приёмы по субботам?",
        POLL_TITLE,
    )
    open_poll(actor, title=title, credentials=DEMO_CREDENTIALS)
    return 1


def finish(election: Election, keys: dict[int, int], *, actor: User) -> dict[str, Any]:
    """Close the vote, tally, and have the first `threshold` trustees decrypt: the result."""
    from amanat.elections.services.tally import accept_share, compute_tally, tally_payload
    from amanat.elections.services.voting import close_voting
    from votecrypto.tally import decryption_share

    close_voting(election, actor=actor)
    compute_tally(election, actor=actor)
    tally = tally_payload(election)
    h_e = bytes.fromhex(election.manifest_hash)
    for trustee in election.trustees.order_by("index")[: election.threshold]:
        share = decryption_share(h_e, trustee.index, keys[trustee.index], tally)
        accept_share(election, trustee, share, actor=trustee.user)
    election.refresh_from_db()
    return election.result


def load_nominations(actor: User) -> int:
    """The Inder primary, taking nominations."""
    from amanat.elections.services.elections import open_nominations
    from amanat.elections.services.nominations import nominate_by_commission

    if Election.objects.filter(title_en=NOMINATIONS_TITLE).exists():
        return 0
    unit = OrgUnit.objects.filter(code="inder").first()
    members = _members_of("inder", 4)
    if unit is None or len(members) < 4:
        return 0
    now = timezone.now()
    election = _create(
        actor,
        unit,
        title=(
            "Праймериз: Индер аудандық мәслихатына кандидаттар",
            "Праймериз: кандидаты в Индерский районный маслихат",
            NOMINATIONS_TITLE,
        ),
        kind=ElectionKind.PRIMARY_MASLIKHAT,
        method=Method.SINGLE,
        joined_before=timezone.localdate(),
        threshold=2,
        nominations_open_at=now - dt.timedelta(days=2),
        nominations_close_at=now + dt.timedelta(days=12),
        voting_opens_at=now + dt.timedelta(days=20),
        voting_closes_at=now + dt.timedelta(days=22),
    )
    open_nominations(actor=actor, election=election)
    _candidates(actor, election, members[:3], validate=2)  # two registered, one waiting for the commission
    nominate_by_commission(actor=actor, election=election, member=members[3])  # waiting for the candidate
    return 1


def load_elections() -> int:
    """The three demo elections; returns how many were added (0 when already loaded)."""
    actor = _user(COMMISSION)
    if actor is None:
        return 0
    added = 0
    for load in (load_published_primary, load_poll, load_nominations):
        with transaction.atomic():
            added += load(actor)
    return added
