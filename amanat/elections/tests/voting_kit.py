"""An election in the voting phase, built straight from the models and votecrypto.testkit, for the
tests of casting, the board, the tracker and participation (no tests here)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from amanat.elections.choices import CandidateStatus, ElectionKind, NominatedBy, Phase
from amanat.elections.models import Candidate, CensusEntry, Credential, Election
from amanat.elections.services import board
from amanat.elections.services.elections import build_manifest
from amanat.org.models import Member
from amanat.org.tests.factories import MemberFactory
from votecrypto.ballot import make_ballot
from votecrypto.encoding import cjson
from votecrypto.group import base_mul, random_scalar
from votecrypto.testkit import make_credentials


@dataclass
class Voter:
    user: Any
    member: Member
    credential: str  # the secret the member received from the commission's secretary
    public: str


@dataclass
class Kit:
    election: Election
    voters: list[Voter]
    spare: list[tuple[str, str]]  # credentials on the list that nobody holds yet
    manifest: dict
    secret_key: int = 0  # the election key's secret (one key, no ceremony: these tests never decrypt)

    def ballot(self, voter: Voter | str, selections: list[int]) -> dict:
        credential = voter.credential if isinstance(voter, Voter) else voter
        made, _randomness = make_ballot(self.manifest, self.election.manifest_hash, credential, selections)
        return made


def voting_election(
    tree: SimpleNamespace,
    make_user: Any,
    *,
    voters: int = 3,
    spare: int = 1,
    options: int = 3,
    min_choices: int = 1,
    max_choices: int = 1,
    units: tuple[str, ...] = ("makat_p1", "inder_p1"),
) -> Kit:
    """An election of the regional branch, open now, with `voters` members in the census (spread
    over `units`), each holding a credential, and `spare` credentials nobody holds."""
    now = timezone.now()
    election = Election.objects.create(
        unit=tree.regional,
        kind=ElectionKind.POLL,
        title_kk="Сауалнама",
        title_ru="Опрос",
        title_en="Poll",
        min_choices=min_choices,
        max_choices=max_choices,
        joined_before=dt.date(2026, 1, 1),
        threshold=2,
        voting_opens_at=now - dt.timedelta(hours=1),
        voting_closes_at=now + dt.timedelta(days=1),
        phase=Phase.PREPARATION,
    )
    uuid = str(election.uuid)
    board.append(election, "created", {"election": uuid})
    for i in range(options):
        Candidate.objects.create(
            election=election,
            label_kk=f"Жауап {i + 1}",
            label_ru=f"Ответ {i + 1}",
            label_en=f"Answer {i + 1}",
            nominated_by=NominatedBy.COMMISSION,
            status=CandidateStatus.VALIDATED,
            position=i,
        )
    people = []
    rows = []
    for i in range(voters):
        name = units[i % len(units)]
        primary = getattr(tree, name)
        member = MemberFactory(org_unit=primary)
        user = make_user(person=member.person)
        tally_unit = getattr(tree, name.split("_")[0])  # the district branch the primary is in
        number = f"M{member.pk}"
        CensusEntry.objects.create(election=election, member=member, member_number=number, tally_unit=tally_unit)
        rows.append([number, str(tally_unit.pk)])
        people.append((user, member))
    rows.sort()
    election.census_hash = hashlib.sha256(cjson(rows)).hexdigest()
    election.census_count = voters
    credentials = make_credentials(uuid, voters + spare)
    publics = sorted(public for _c, public in credentials)
    Credential.objects.bulk_create(Credential(election=election, public=p) for p in publics)
    election.credentials_hash = hashlib.sha256(cjson(publics)).hexdigest()
    board.append(election, "credentials", {"list": publics})
    secret_key = random_scalar()
    election.public_key = base_mul(secret_key).hex()
    election.save()
    manifest = build_manifest(election, list(election.candidates.order_by("position")))
    election.manifest = cjson(manifest).decode()
    election.manifest_hash = hashlib.sha256(cjson(manifest)).hexdigest()
    election.phase = Phase.VOTING
    election.save()
    board.append(election, "manifest", {"manifest": manifest, "hash": election.manifest_hash}, checkpoint=True)
    board.append(election, "open", {"manifest": election.manifest_hash}, checkpoint=True)
    kit_voters = [
        Voter(user=user, member=member, credential=credentials[i][0], public=credentials[i][1])
        for i, (user, member) in enumerate(people)
    ]
    return Kit(
        election=election,
        voters=kit_voters,
        spare=credentials[voters:],
        manifest=manifest,
        secret_key=secret_key,
    )
