"""The demo councils: two councils of a dozen members, four sessions, ten recommendations at every
stage (one overdue without a response, one rejected with reasons, one implemented and assessed);
loaded only once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from amanat.councils.choices import RecommendationStatus as S
from amanat.councils.choices import ResponseKind
from amanat.councils.models import Council, CouncilMember, CouncilSession, Recommendation, Vote
from amanat.councils.selectors import overdue_q
from amanat.demo.councils import COUNCIL_LOGIN, load_councils
from amanat.demo.data import bodies
from amanat.org.choices import StateBodyKind
from amanat.org.models import StateBody

pytestmark = pytest.mark.django_db


@pytest.fixture
def ground(tree: SimpleNamespace, make_user: Any) -> None:
    region = StateBody.objects.add_root(
        instance=StateBody(
            kind=StateBodyKind.REGIONAL_AKIMAT, name_kk=bodies.REGIONAL_AKIMAT[0], name_ru=bodies.REGIONAL_AKIMAT[1]
        )
    )
    StateBody.objects.add_root(
        instance=StateBody(kind=StateBodyKind.CITY_AKIMAT, name_kk=bodies.CITY_AKIMAT[0], name_ru=bodies.CITY_AKIMAT[1])
    )
    kk, ru, _en = bodies.department_names(bodies.DEPARTMENTS[0])
    StateBody.objects.add_child(region, instance=StateBody(kind=StateBodyKind.DEPARTMENT, name_kk=kk, name_ru=ru))
    user = make_user("council_secretary", tree.regional)
    user.email = COUNCIL_LOGIN
    user.save(update_fields=["email"])


def test_demo_councils_are_realistic_and_loaded_once(ground: None, client: Any) -> None:
    assert load_councils() == 2
    assert Council.objects.count() == 2
    for council in Council.objects.all():
        assert council.members.count() == 13  # twelve serving, one whose term ended
    assert CouncilSession.objects.count() == 4
    assert Recommendation.objects.count() == 10
    statuses = set(Recommendation.objects.values_list("status", flat=True))
    assert {S.ASSESSED, S.ANSWERED, S.SENT, S.NOT_ADOPTED, S.ADOPTED, S.DRAFT, S.IMPLEMENTED} <= statuses
    assert Recommendation.objects.filter(overdue_q()).count() == 1
    rejected = Recommendation.objects.get(response_kind=ResponseKind.REJECTED)
    assert rejected.response_reasons
    assert Recommendation.objects.filter(status=S.ASSESSED, implemented=True).exists()
    assert Vote.objects.exists()
    assert not CouncilMember.objects.filter(votes__isnull=False, term_end__isnull=False).exists()
    page = client.get(f"/councils/{Council.objects.first().pk}/")
    assert page.status_code == 200
    counts = (Council.objects.count(), CouncilMember.objects.count(), Recommendation.objects.count())
    assert load_councils() == 0
    assert (Council.objects.count(), CouncilMember.objects.count(), Recommendation.objects.count()) == counts
