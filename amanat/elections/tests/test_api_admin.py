"""/api/v1/elections/: administration, nominations, census, credentials and the ceremony over HTTP."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from amanat.elections.choices import CommissionRole, Phase
from amanat.elections.models import Candidate, Credential, Election
from amanat.elections.tests.factories import (
    add_candidate,
    make_election,
    make_member,
    name_trustees,
    phase,
    seat,
    secretary_of,
    to_nominations,
    to_preparation,
    user_of,
)
from votecrypto.testkit import make_credentials, run_ceremony

pytestmark = pytest.mark.django_db

BASE = "/api/v1/elections/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def election_body(unit: Any, **kw: Any) -> dict[str, Any]:
    return {
        "kind": "delegates",
        "unit": unit.pk,
        "title_kk": "Делегаттар",
        "title_ru": "Делегаты",
        "method": "approval",
        "seats": 3,
        "joined_before": "2026-01-01",
        "threshold": 2,
        "voting_opens_at": "2026-12-01T08:00:00+05:00",
        "voting_closes_at": "2026-12-02T20:00:00+05:00",
    } | kw


def test_create_read_and_update(api: APIClient, tree: Any, make_user: Any) -> None:
    api.force_authenticate(make_user("executive_secretary", tree.makat))
    response = api.post(BASE, election_body(tree.makat), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["phase"], data["min_choices"], data["max_choices"]) == ("draft", 1, 3)
    url = f"{BASE}{data['uuid']}/"
    response = api.patch(url, {"title_en": "Delegates"}, format="json")
    assert response.status_code == 200 and response.json()["title_en"] == "Delegates"


def test_bad_input_gives_field_errors(api: APIClient, tree: Any, make_user: Any) -> None:
    api.force_authenticate(make_user("executive_secretary", tree.makat))
    response = api.post(BASE, election_body(tree.makat, title_kk="", seats=0), format="json")
    assert response.status_code == 400
    assert "seats" in response.json()["errors"]
    response = api.post(BASE, election_body(tree.makat, title_kk=""), format="json")
    assert response.status_code == 400
    assert "title_kk" in response.json()["errors"]
    response = api.post(BASE, election_body(tree.inder), format="json")
    assert response.status_code == 400 and "unit" in response.json()["errors"]
    assert not Election.objects.exists()


def test_changes_after_the_freeze_answer_409(api: APIClient, tree: Any) -> None:
    election = make_election(tree.makat)
    Election.objects.filter(pk=election.pk).update(phase=Phase.FROZEN)
    from amanat.elections.tests.factories import system_user

    api.force_authenticate(system_user())
    response = api.patch(f"{BASE}{election.uuid}/", {"max_choices": 1, "title_ru": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "phase"
    assert Election.objects.get(pk=election.pk).title_ru == election.title_ru


def test_scope_other_district_gets_404(api: APIClient, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    api.force_authenticate(make_user("executive_secretary", tree.inder))
    assert api.patch(f"{BASE}{election.uuid}/", {"title_ru": "x"}, format="json").status_code == 404
    assert api.get(f"{BASE}{election.uuid}/").status_code == 404  # a draft is not public either
    assert api.post(f"{BASE}{election.uuid}/phase/", {"step": "open_nominations"}, format="json").status_code == 404
    assert election.title_en not in json.dumps(api.get(BASE).json())


def test_anonymous_reads_public_elections_only(api: APIClient, tree: Any) -> None:
    draft = make_election(tree.makat, title_en="Hidden")
    shown = make_election(tree.makat, title_en="Shown")
    to_nominations(shown)
    body = json.dumps(api.get(BASE).json())
    assert "Shown" in body and "Hidden" not in body
    assert api.get(f"{BASE}{draft.uuid}/").status_code == 404
    assert api.post(BASE, election_body(tree.makat), format="json").status_code == 401


def test_phase_steps_and_409(api: APIClient, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    api.force_authenticate(make_user("executive_secretary", tree.makat))
    url = f"{BASE}{election.uuid}/phase/"
    assert api.post(url, {"step": "freeze"}, format="json").status_code == 409
    assert api.post(url, {"step": "jump"}, format="json").status_code == 400
    assert api.post(url, {"step": "open_nominations"}, format="json").json()["phase"] == "nominations"
    assert api.post(url, {"step": "close_nominations"}, format="json").json()["phase"] == "preparation"
    response = api.post(url, {"step": "freeze"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_ready"
    assert phase(election) == Phase.PREPARATION


def test_an_auditor_may_read_but_not_act(api: APIClient, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    api.force_authenticate(make_user("auditor", tree.makat))
    assert api.get(f"{BASE}{election.uuid}/").status_code == 200
    response = api.post(f"{BASE}{election.uuid}/phase/", {"step": "open_nominations"}, format="json")
    assert response.status_code == 403
    assert phase(election) == Phase.DRAFT


def test_commission_and_trustees(api: APIClient, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    api.force_authenticate(make_user("executive_secretary", tree.makat))
    other = make_user()
    response = api.post(f"{BASE}{election.uuid}/commission/", {"user": other.pk, "role": "secretary"}, format="json")
    assert response.status_code == 200
    response = api.post(f"{BASE}{election.uuid}/commission/", {"user": 10**6, "role": "secretary"}, format="json")
    assert response.status_code == 400 and "user" in response.json()["errors"]
    response = api.post(f"{BASE}{election.uuid}/trustees/", {"user": other.pk, "name": "Алма"}, format="json")
    assert response.status_code == 201 and response.json()["index"] == 1
    assert api.get(f"{BASE}{election.uuid}/commission/").json()[0]["role"] == "secretary"


def test_nomination_flow_over_the_api(api: APIClient, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    to_nominations(election)
    staff = make_user("executive_secretary", tree.makat)
    member = make_member(tree.makat_p1)
    api.force_authenticate(staff)
    url = f"{BASE}{election.uuid}/candidates/"
    response = api.post(url, {"by": "commission", "member": member.pk}, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert api.post(url, {"by": "commission", "member": member.pk}, format="json").status_code == 400
    api.force_authenticate(user_of(member))
    response = api.post(f"{BASE}candidates/{pk}/respond/", {"accept": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    api.post(f"{BASE}candidates/{pk}/profile/", {"biography_ru": "Учитель"}, format="json")
    assert api.post(f"{BASE}candidates/{pk}/decide/", {"validate": True}, format="json").status_code == 403
    api.force_authenticate(staff)
    response = api.post(f"{BASE}candidates/{pk}/decide/", {"validate": False}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = api.post(f"{BASE}candidates/{pk}/decide/", {"validate": True}, format="json")
    assert response.json()["status"] == "validated"
    response = api.post(f"{BASE}candidates/{pk}/respond/", {"accept": True}, format="json")
    assert response.status_code in (403, 409)
    api.force_authenticate(None)
    public = api.get(url).json()
    assert [c["biography_ru"] for c in public] == ["Учитель"]


def test_self_nomination_over_the_api(api: APIClient, tree: Any) -> None:
    election = make_election(tree.makat)
    member = make_member(tree.makat_p1)
    api.force_authenticate(user_of(member))
    url = f"{BASE}{election.uuid}/candidates/"
    assert api.post(url, {"by": "self"}, format="json").status_code == 404  # a draft is not public
    to_nominations(election)
    assert api.post(url, {"by": "self"}, format="json").status_code == 201
    assert Candidate.objects.get(member=member).status == "accepted"


def test_census_and_credentials_over_the_api(api: APIClient, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    make_member(tree.makat, card_number="K-1")
    to_nominations(election)
    to_preparation(election)
    api.force_authenticate(make_user("executive_secretary", tree.makat))
    assert api.get(f"{BASE}{election.uuid}/census/").status_code == 404
    api.force_authenticate(secretary_of(election))
    data = api.get(f"{BASE}{election.uuid}/census/").json()
    assert [m["number"] for m in data["members"]] == ["K-1"]
    url = f"{BASE}{election.uuid}/credentials/"
    response = api.post(url, {"election": str(election.uuid), "credentials": ["zz"]}, format="json")
    assert response.status_code == 400 and "file" in response.json()["errors"]
    publics = [p for _c, p in make_credentials(str(election.uuid), 1)]
    response = api.post(url, {"election": str(election.uuid), "credentials": publics}, format="json")
    assert response.status_code == 201 and response.json() == {"count": 1}
    response = api.post(url, {"election": str(election.uuid), "credentials": publics}, format="json")
    assert response.status_code == 409
    assert Credential.objects.filter(election=election).count() == 1


def test_ceremony_over_the_api(api: APIClient, tree: Any) -> None:
    election = make_election(tree.makat, threshold=2)
    trustees = name_trustees(election, 2)
    to_nominations(election)
    kit = run_ceremony(str(election.uuid), 2, 2)
    url = f"{BASE}{election.uuid}/ceremony/"
    api.force_authenticate(trustees[0].user)
    bad = dict(kit.registrations[0], pok={"c": "00" * 32, "s": "00" * 32})
    response = api.post(url, bad, format="json")
    assert response.status_code == 400 and "file" in response.json()["errors"]
    assert api.post(url, kit.registrations[0], format="json").json()["your_step"] is None
    api.force_authenticate(trustees[1].user)
    assert api.post(url, kit.registrations[1], format="json").json()["step"] == "deal"
    for step in ("deals", "checks"):
        for i, t in enumerate(trustees):
            api.force_authenticate(t.user)
            response = api.post(url, getattr(kit, step)[i], format="json")
            assert response.status_code == 200, response.json()
    assert response.json()["public_key"] == kit.public_key.hex()
    response = api.post(url, kit.checks[1], format="json")
    assert response.status_code == 409
    api.force_authenticate(None)
    assert api.post(url, kit.checks[1], format="json").status_code == 401


def test_ceremony_upload_by_a_non_trustee_is_404(api: APIClient, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    name_trustees(election, 2)
    api.force_authenticate(make_user("executive_secretary", tree.makat))
    assert api.post(f"{BASE}{election.uuid}/ceremony/", {"index": 1}, format="json").status_code == 404


def test_commission_member_without_role_runs_via_api(api: APIClient, tree: Any) -> None:
    election = make_election(tree.makat, voting_opens_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
                             voting_closes_at=dt.datetime(2027, 1, 2, tzinfo=dt.UTC))  # fmt: skip
    from amanat.elections.tests.factories import make_user as plain_user

    chair = plain_user()
    seat(election, chair, CommissionRole.CHAIR)
    api.force_authenticate(chair)
    response = api.post(f"{BASE}{election.uuid}/phase/", {"step": "open_nominations"}, format="json")
    assert response.status_code == 200
    add_candidate(election)
