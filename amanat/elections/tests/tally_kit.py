"""Elections brought to the end of voting for the tally's tests, built straight from the models and
votecrypto.testkit (the ceremony and the credentials as the offline tools would make them), so the
tally is tested on its own. The end-to-end test goes through every phase instead."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from amanat.elections.choices import CandidateStatus, CommissionRole, ElectionKind, Method, NominatedBy, Phase
from amanat.elections.models import Ballot, Candidate, CensusEntry, CommissionMember, Credential, Election, Trustee
from amanat.elections.services import board
from amanat.org.models import Member, OrgUnit, Person
from votecrypto.encoding import cjson

NAMES = [
    ("Айгүл", "Айгуль", "Aigul"),
    ("Болат", "Болат", "Bolat"),
    ("Ержан", "Ержан", "Yerzhan"),
    ("Дана", "Дана", "Dana"),
]


def add_member(unit: OrgUnit, n: int) -> Member:
    person = Person.objects.create(last_name=f"Сейітов{n}", first_name="Арман", org_unit=unit)
    return Member.objects.create(person=person, org_unit=unit, joined_on=dt.date(2020, 1, 1), card_number=f"C{n:06d}")


def closed_election(
    unit: OrgUnit,
    make_user: Callable[..., Any],
    votes: Sequence[tuple[OrgUnit, list[int]]],
    *,
    candidates: int = 3,
    seats: int = 1,
    method: str = Method.SINGLE,
    max_choices: int = 1,
    trustees: int = 5,
    threshold: int = 3,
    min_unit_voters: int = 20,
    census_extra: int = 0,
    revotes: Sequence[tuple[int, list[int]]] = (),
    close: bool = True,
) -> SimpleNamespace:
    """An election of `unit` whose census holds one member per vote (+ `census_extra` who did not
    vote), each vote cast with its own credential in the member's unit; `revotes` (vote number,
    new selections) replace earlier ballots. Ends in `closed` (or still `voting`)."""
    from votecrypto import testkit
    from votecrypto.ballot import ciphertext_blob, make_ballot, tracker

    now = timezone.now()
    election = Election.objects.create(
        unit=unit,
        kind=ElectionKind.PRIMARY_MASLIKHAT,
        title_kk="Праймериз",
        title_ru="Праймериз",
        title_en="Primary",
        method=method,
        seats=seats,
        min_choices=1,
        max_choices=max_choices,
        joined_before=dt.date(2026, 1, 1),
        min_unit_voters=min_unit_voters,
        threshold=threshold,
        voting_opens_at=now - dt.timedelta(days=2),
        voting_closes_at=now + dt.timedelta(hours=1),
        phase=Phase.VOTING,
    )
    uuid = str(election.uuid)
    chair = make_user()
    CommissionMember.objects.create(election=election, user=chair, role=CommissionRole.CHAIR)
    options = [
        Candidate.objects.create(
            election=election,
            label_kk=NAMES[i][0],
            label_ru=NAMES[i][1],
            label_en=NAMES[i][2],
            nominated_by=NominatedBy.COMMISSION,
            status=CandidateStatus.VALIDATED,
            position=i,
        )
        for i in range(candidates)
    ]
    ceremony = testkit.run_ceremony(uuid, trustees, threshold)
    trustee_rows = [
        Trustee.objects.create(
            election=election,
            index=j,
            user=make_user(),
            name=f"Trustee {j}",
            verification_key=ceremony.verification_keys[j].hex(),
        )
        for j in range(1, trustees + 1)
    ]
    voters = [(add_member(member_unit, i), member_unit) for i, (member_unit, _s) in enumerate(votes)]
    extra = [(add_member(unit, 10_000 + i), unit) for i in range(census_extra)]
    for member, member_unit in voters + extra:
        CensusEntry.objects.create(
            election=election, member=member, member_number=member.card_number, tally_unit=member_unit
        )
    census_rows = sorted([m.card_number, str(u.pk)] for m, u in voters + extra)
    credentials = testkit.make_credentials(uuid, len(voters) + len(extra))
    publics = sorted(public for _c, public in credentials)
    manifest = {
        "version": 1,
        "election": uuid,
        "title": {"kk": election.title_kk, "ru": election.title_ru, "en": election.title_en},
        "kind": election.kind,
        "unit": str(unit.pk),
        "candidates": [{"id": c.pk, "name": {"kk": c.label_kk, "ru": c.label_ru, "en": c.label_en}} for c in options],
        "min_choices": 1,
        "max_choices": max_choices,
        "opens_at": election.voting_opens_at.isoformat(),
        "closes_at": election.voting_closes_at.isoformat(),
        "census": {"hash": hashlib.sha256(cjson(census_rows)).hexdigest(), "count": len(census_rows)},
        "credentials": {"hash": hashlib.sha256(cjson(publics)).hexdigest(), "count": len(publics)},
        "trustees": [{"index": t.index, "name": t.name, "public": ""} for t in trustee_rows],
        "threshold": threshold,
        "public_key": ceremony.public_key.hex(),
        "checkpoint_key": board.checkpoint_public_key(),
        "min_unit_voters": min_unit_voters,
    }
    manifest_hash = hashlib.sha256(cjson(manifest)).hexdigest()
    election.manifest = cjson(manifest).decode()
    election.manifest_hash = manifest_hash
    election.public_key = manifest["public_key"]
    election.census_count = len(census_rows)
    election.census_hash = manifest["census"]["hash"]
    election.save()
    board.append(election, "manifest", {"manifest": manifest, "hash": manifest_hash}, checkpoint=True)
    board.append(election, "open", {}, checkpoint=True)

    credential_rows = {public: Credential.objects.create(election=election, public=public) for public in publics}

    def cast(i: int, selections: list[int]) -> Ballot:
        member, member_unit = voters[i]
        secret, public = credentials[i]
        ballot, _randomness = make_ballot(manifest, manifest_hash, secret, selections)
        entry = board.append(election, "ballot", {"ballot": ballot, "unit": str(member_unit.pk)})
        credential = credential_rows[public]
        Ballot.objects.filter(credential=credential, replaced=False).update(replaced=True)
        credential.voter, credential.tally_unit = member, member_unit
        credential.save()
        return Ballot.objects.create(
            election=election,
            credential=credential,
            tracker=tracker(ballot),
            body=cjson(ballot).decode(),
            ciphertexts=ciphertext_blob(ballot),
            tally_unit=member_unit,
            board_seq=entry.seq,
            cast_at=timezone.now(),
        )

    for i, (_u, selections) in enumerate(votes):
        cast(i, selections)
    for i, selections in revotes:
        cast(i, selections)
    if close:
        counted = Ballot.objects.filter(election=election, replaced=False).count()
        board.append(election, "close", {"ballots": counted}, checkpoint=True)
        election.phase = Phase.CLOSED
        election.save(update_fields=["phase"])
    return SimpleNamespace(
        election=election, ceremony=ceremony, trustees=trustee_rows, candidates=options, chair=chair, voters=voters
    )


def share_of(kit: SimpleNamespace, index: int) -> dict[str, Any]:
    """Trustee `index`'s decryption share of the tally on the board, as amanat-trustee makes it."""
    from amanat.elections.services.tally import tally_payload
    from votecrypto.tally import decryption_share

    election = kit.election
    return decryption_share(
        bytes.fromhex(election.manifest_hash), index, kit.ceremony.secrets[index], tally_payload(election)
    )


def board_types(election: Election) -> list[str]:
    return list(election.board.order_by("seq").values_list("type", flat=True))


def payload_of(election: Election, type_: str) -> dict[str, Any]:
    return json.loads(election.board.filter(type=type_).order_by("-seq").first().payload)
