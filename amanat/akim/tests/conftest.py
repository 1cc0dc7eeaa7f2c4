"""Two rural okrugs in Makat district, one in Inder; members of the Makat and Inder primaries; the
Makat branch's campaign in Dossor okrug; staff of the region, Makat and Inder; a published internal
vote for the akim nominee held by the Makat branch."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from amanat.akim.models import AkimCampaign
from amanat.elections.choices import CandidateStatus, ElectionKind, NominatedBy, Phase
from amanat.elections.models import Candidate, Election
from amanat.org.choices import TerritoryKind
from amanat.org.models import Member, OrgUnit, Person
from amanat.org.tests.factories import add_territory

_card = iter(range(1, 10**6))


def add_member(unit: OrgUnit, last_name: str, **extra: Any) -> Member:
    person = Person.objects.create(last_name=last_name, first_name="Арман", org_unit=unit)
    return Member.objects.create(
        person=person, org_unit=unit, joined_on=dt.date(2020, 1, 1), card_number=f"AK{next(_card):06d}", **extra
    )


def add_vote(unit: OrgUnit, members: list[Member], counts: list[int] | None, **extra: Any) -> Election:
    """An internal vote for the akim nominee with these members as candidates, published with
    `counts` in ballot order (as the manifest lists them) unless counts is None."""
    now = timezone.now()
    election = Election.objects.create(
        unit=unit, kind=extra.pop("kind", ElectionKind.AKIM_NOMINEE), title_kk="Әкімдікке үміткер",
        title_ru="Кандидат в акимы", joined_before=dt.date(2025, 1, 1),
        voting_opens_at=now - dt.timedelta(days=10), voting_closes_at=now - dt.timedelta(days=8),
        phase=Phase.PUBLISHED if counts is not None else Phase.VOTING, **extra,
    )  # fmt: skip
    candidates = [
        Candidate.objects.create(
            election=election,
            member=m,
            nominated_by=NominatedBy.SELF,
            status=CandidateStatus.VALIDATED,
            position=i,
            biography_ru=f"Биография {m.person.last_name}",
            biography_kk=f"Өмірбаян {m.person.last_name}",
        )
        for i, m in enumerate(members)
    ]
    if counts is not None:
        manifest = {"candidates": [{"id": c.pk, "name": {"ru": str(c)}} for c in reversed(candidates)]}
        election.manifest = json.dumps(manifest)
        election.result = {"counts": list(reversed(counts)), "counted": sum(counts), "census": 100, "turnout": "50.00"}
        election.save()
    return election


@pytest.fixture
def akim(tree: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    dossor = add_territory(tree.makat_t, kato="235233100", kind=TerritoryKind.RURAL_OKRUG, name="Доссор ауылдық округі")
    baichunas = add_territory(tree.makat_t, kato="235235100", kind=TerritoryKind.SETTLEMENT, name="Байшонас кенті")
    inder_okrug = add_territory(
        tree.inder_t, kato="234033100", kind=TerritoryKind.RURAL_OKRUG, name="Өрлік ауылдық округі"
    )
    today = timezone.localdate()
    campaign = AkimCampaign.objects.create(
        org_unit=tree.makat, okrug=dossor, election_date=today + dt.timedelta(days=60),
        registration_opens_on=today + dt.timedelta(days=5), registration_closes_on=today + dt.timedelta(days=30),
    )  # fmt: skip
    return SimpleNamespace(
        dossor=dossor,
        baichunas=baichunas,
        inder_okrug=inder_okrug,
        today=today,
        campaign=campaign,
        nurlan=add_member(tree.makat_p1, "Нұрланов"),
        aigerim=add_member(tree.makat_p1, "Серікова"),
        inder_member=add_member(tree.inder_p1, "Индеров"),
        secretary=make_user("executive_secretary", tree.regional),
        makat_secretary=make_user("executive_secretary", tree.makat),
        inder_secretary=make_user("executive_secretary", tree.inder),
        primary=make_user("primary_secretary", tree.makat_p1),
        auditor=make_user("auditor", tree.regional),
    )
