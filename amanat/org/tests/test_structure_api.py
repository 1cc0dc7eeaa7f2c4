"""/api/v1/ territories, org-units, maslikhats, factions, deputies, state-bodies, officials."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from amanat.accounts.models import ApiToken
from amanat.audit.models import AuditEvent
from amanat.org.choices import FactionRole, OrgUnitKind, StateBodyKind
from amanat.org.models import Deputy, OrgUnit, StateBody, Territory
from amanat.org.tests import structure_fixtures
from amanat.org.tests.factories import PersonFactory, add_unit
from conftest import scope_matrix

pytestmark = pytest.mark.django_db

masl = structure_fixtures.masl  # fixtures shared by the structure tests
bodies = structure_fixtures.bodies
english = structure_fixtures.english

BASE = "/api/v1/"
ENDPOINTS = ("territories", "org-units", "maslikhats", "factions", "deputies", "state-bodies", "officials")
ODD_QUERIES = (
    {"parent": "abc"},
    {"parent": "99999999999999999999999"},
    {"q": "\x00"},
    {"q": "%' OR 1=1 --" + "я" * 500},
    {"kind": "nonsense"},
    {"territory": "abc"},
    {"maslikhat": "-1"},
    {"faction": "1e999"},
    {"body": "NaN"},
    {"current": "maybe"},
    {"convocation": "1e999"},
    {"is_active": "\x00"},
    {"page": "abc"},
    {"page_size": "-5"},
)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def login(api: APIClient, user: Any) -> APIClient:
    _token, raw = ApiToken.issue(user=user, name="tests")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


def test_deputy_detail_follows_the_scope_matrix(client, make_user, tree, masl):
    scope_matrix(client, make_user, tree, url=f"{BASE}deputies/{masl.member.pk}/", role="executive_secretary", api=True)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_answers_401_without_a_token(api, tree, endpoint):
    assert api.get(f"{BASE}{endpoint}/").status_code == 401
    assert api.post(f"{BASE}{endpoint}/", {}, format="json").status_code == 401


def test_wrong_methods_answer_405(api, make_user, tree):
    login(api, make_user("executive_secretary", tree.regional))
    assert api.delete(f"{BASE}org-units/{tree.makat_p1.pk}/").status_code == 405
    assert api.put(f"{BASE}org-units/", {}, format="json").status_code == 405
    assert api.get(f"{BASE}org-units/{tree.makat_p1.pk}/deactivate/").status_code == 405
    assert OrgUnit.objects.filter(pk=tree.makat_p1.pk).exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_odd_filter_strings_never_cause_a_server_error(api, make_user, tree, masl, bodies, endpoint):
    login(api, make_user("executive_secretary", tree.regional))
    for params in ODD_QUERIES:
        response = api.get(f"{BASE}{endpoint}/", params)
        assert response.status_code in (200, 400, 404), (endpoint, params, response.status_code)
    assert api.get(f"{BASE}{endpoint}/abc/").status_code == 404
    assert api.get(f"{BASE}{endpoint}/99999999999999999999/").status_code == 404


def test_a_bad_org_unit_create_answers_400_field_by_field_and_changes_nothing(api, make_user, tree):
    login(api, make_user("executive_secretary", tree.makat))
    before = OrgUnit.objects.count()
    response = api.post(
        f"{BASE}org-units/",
        {"parent": tree.makat.pk, "kind": "district", "code": "makat-p1", "name_kk": "", "email": "nope"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) >= {"name_kk", "email"}
    response = api.post(
        f"{BASE}org-units/",
        {"parent": tree.makat.pk, "kind": "district", "code": "makat-p1", "name_kk": "A", "name_ru": "A"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "Primary party organisation" in errors["kind"][0]
    assert errors["code"] == ["Another unit already uses this code."]
    response = api.post(
        f"{BASE}org-units/",
        {"parent": tree.inder.pk, "kind": "primary", "code": "x", "name_kk": "A", "name_ru": "A"},
        format="json",
    )
    assert response.status_code == 400 and "parent" in response.json()["errors"]  # another district: unknown id
    assert OrgUnit.objects.count() == before


def test_an_org_unit_is_created_changed_and_deactivated_through_the_api(api, make_user, tree):
    login(api, make_user("executive_secretary", tree.makat))
    response = api.post(
        f"{BASE}org-units/",
        {"parent": tree.makat.pk, "kind": "primary", "code": "makat-p9", "name_kk": "Мақат №9", "name_ru": "Макат №9"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["parent_id"] == tree.makat.pk and created["active_members"] == 0
    url = f"{BASE}org-units/{created['id']}/"
    response = api.patch(url, {"hosts_reception": True, "kind": "district"}, format="json")
    assert response.status_code == 200 and response.json()["hosts_reception"] is True
    assert response.json()["kind"] == "primary"  # the kind is read-only once the unit exists
    response = api.post(f"{url}deactivate/", {"reason": "merged"}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    verbs = set(AuditEvent.objects.filter(target_id=str(created["id"])).values_list("verb", flat=True))
    assert verbs == {"org.unit_created", "org.unit_changed", "org.unit_deactivated"}


def test_out_of_scope_ids_answer_404_and_reading_without_the_right_to_change_403(api, make_user, tree, masl):
    login(api, make_user("executive_secretary", tree.inder))
    assert api.get(f"{BASE}org-units/{tree.makat_p1.pk}/").status_code == 404
    assert api.patch(f"{BASE}org-units/{tree.makat_p1.pk}/", {"phone": "1"}, format="json").status_code == 404
    assert api.get(f"{BASE}maslikhats/{masl.makat.pk}/").status_code == 404
    login(api, make_user("deputy", tree.makat))
    assert api.get(f"{BASE}deputies/{masl.member.pk}/").status_code == 200
    assert api.patch(f"{BASE}deputies/{masl.member.pk}/", {"constituency_number": 3}, format="json").status_code == 403


def test_unit_list_filters_and_keeps_its_query_count_whatever_the_rows(api, make_user, tree):
    login(api, make_user("executive_secretary", tree.regional))

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert api.get(f"{BASE}org-units/").status_code == 200
        return len(context.captured_queries)

    count()  # the token's first use is recorded once
    few = count()
    for n in range(2, 15):
        add_unit(tree.makat, code=f"makat-p{n}", kind=OrgUnitKind.PRIMARY, name=f"Мақат №{n}")
    count()  # a saved unit makes the kept token and grants stale: read again once
    assert count() == few <= 6
    data = api.get(f"{BASE}org-units/", {"parent": tree.makat.pk, "kind": "primary"}).json()
    assert data["count"] == 14 and {u["parent_id"] for u in data["results"]} == {tree.makat.pk}
    data = api.get(f"{BASE}org-units/", {"territory": tree.inder_t.pk}).json()
    assert {u["code"] for u in data["results"]} == {"inder", "inder-p1"}


def test_territories_are_listed_by_parent_kato_and_created_by_the_regional_level(api, make_user, tree):
    login(api, make_user("member", tree.makat))
    data = api.get(f"{BASE}territories/", {"parent": "230000000"}).json()
    assert {t["kato"] for t in data["results"]} == {"231000000", "234000000", "235200000"}
    assert (
        api.post(
            f"{BASE}territories/",
            {"parent": "235200000", "kato": "235230000", "kind": "rural_okrug", "name_kk": "Б", "name_ru": "Б"},
            format="json",
        ).status_code
        == 403
    )
    login(api, make_user("executive_secretary", tree.regional))
    response = api.post(
        f"{BASE}territories/",
        {
            "parent": "235200000",
            "kato": "235230000",
            "kind": "rural_okrug",
            "name_kk": "Байшатыр",
            "name_ru": "Байшатыр",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["parent_kato"] == "235200000"
    response = api.post(
        f"{BASE}territories/",
        {"parent": "235200000", "kato": "12", "kind": "region", "name_kk": "x", "name_ru": "x"},
        format="json",
    )
    assert response.status_code == 400 and set(response.json()["errors"]) == {"kato", "kind"}


def test_a_second_faction_leader_is_refused_by_the_api(api, make_user, tree, masl):
    login(api, make_user("executive_secretary", tree.makat))
    response = api.patch(f"{BASE}deputies/{masl.member.pk}/", {"faction_role": "leader"}, format="json")
    assert response.status_code == 400
    assert "already has a leader" in response.json()["errors"]["faction_role"][0]
    factions = api.get(f"{BASE}factions/", {"maslikhat": masl.makat.pk}).json()["results"]
    assert [leader["full_name"] for leader in factions[0]["leaders"]] == [masl.leader.person.full_name]


def test_deputies_are_added_for_people_in_scope_only(api, make_user, tree, masl):
    login(api, make_user("executive_secretary", tree.makat))
    mine, theirs = PersonFactory(org_unit=tree.makat_p1), PersonFactory(org_unit=tree.inder_p1)
    data = {"maslikhat": masl.makat.pk, "term_start": "2023-03-19", "faction": masl.makat_faction.pk}
    assert api.post(f"{BASE}deputies/", {**data, "person": theirs.pk}, format="json").status_code == 400
    response = api.post(f"{BASE}deputies/", {**data, "person": mine.pk}, format="json")
    assert response.status_code == 201 and response.json()["faction_role"] == "member"
    listed = api.get(f"{BASE}deputies/", {"level": "district", "q": mine.last_name[:5].lower()}).json()
    assert mine.pk in {d["person"] for d in listed["results"]}


def test_state_bodies_and_current_officials_are_shared_reference_data(api, make_user, tree, bodies):
    login(api, make_user("reception_operator", tree.inder))
    data = api.get(f"{BASE}state-bodies/", {"parent": bodies.akimat.pk}).json()
    assert {b["id"] for b in data["results"]} == {bodies.health.pk, bodies.makat_akimat.pk}
    officials = api.get(f"{BASE}officials/", {"current": "true", "kind": "district_akimat"}).json()["results"]
    assert [o["id"] for o in officials] == [bodies.akim.pk]
    assert (
        api.post(f"{BASE}state-bodies/", {"kind": "other", "name_kk": "X", "name_ru": "X"}, format="json").status_code
        == 403
    )
    login(api, make_user("executive_secretary", tree.regional))
    response = api.post(
        f"{BASE}state-bodies/",
        {
            "parent": bodies.akimat.pk,
            "kind": StateBodyKind.DEPARTMENT,
            "name_kk": "X",
            "name_ru": "X",
            "bin": "123456789012",
        },
        format="json",
    )
    assert response.status_code == 400 and "bin" in response.json()["errors"]
    assert not StateBody.objects.filter(name_ru="X").exists()
    response = api.post(f"{BASE}officials/{bodies.akim.pk}/end/", {"ended_on": "2020-01-01"}, format="json")
    assert response.status_code == 400 and "ended_on" in response.json()["errors"]


def test_the_schema_describes_the_structure_endpoints(api, make_user, tree):
    login(api, make_user("executive_secretary", tree.regional))
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for endpoint in ENDPOINTS:
        assert f"/api/v1/{endpoint}/" in paths and f"/api/v1/{endpoint}/{{id}}/" in paths
    assert "delete" not in paths["/api/v1/org-units/{id}/"]


def test_deputy_and_faction_lists_keep_their_query_count_whatever_the_rows(api, make_user, tree, masl):
    login(api, make_user("executive_secretary", tree.regional))

    def count(endpoint: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert api.get(f"{BASE}{endpoint}/").status_code == 200
        return len(context.captured_queries)

    count("deputies")  # the token's first use is recorded once
    before = {endpoint: count(endpoint) for endpoint in ("deputies", "factions", "maslikhats")}
    for n in range(6):
        Deputy.objects.create(
            person=PersonFactory(org_unit=tree.makat_p1),
            maslikhat=masl.makat,
            constituency_number=10 + n,
            term_start=dt.date(2023, 3, 19),
            faction=masl.makat_faction,
            faction_role=FactionRole.DEPUTY_LEADER if n == 0 else FactionRole.MEMBER,
        )
    assert {endpoint: count(endpoint) for endpoint in before} == before
    assert max(before.values()) <= 6


def test_nul_characters_in_a_body_answer_400_not_a_server_error(api, make_user, tree):
    login(api, make_user("executive_secretary", tree.regional))
    territory = {"parent": "23\x00", "kato": "235230000", "kind": "rural_okrug", "name_kk": "a", "name_ru": "a"}
    response = api.post(f"{BASE}territories/", territory, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not Territory.objects.filter(kato="235230000").exists()
    unit = {"parent": tree.makat.pk, "kind": "primary", "code": "a\x00", "name_kk": "a\x00", "name_ru": "a"}
    response = api.post(f"{BASE}org-units/", unit, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not OrgUnit.objects.filter(name_ru="a").exists()
