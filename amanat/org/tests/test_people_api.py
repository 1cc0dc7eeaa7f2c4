"""/api/v1/people/, /members/, /positions/: scope, masked IIN, validation, transitions, filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from amanat.audit.models import AuditEvent
from amanat.org.choices import MemberStatus, OrgUnitKind, PositionKind
from amanat.org.models import Member, Person, Position
from amanat.org.tests.factories import MemberFactory, PersonFactory, add_unit, valid_iin
from conftest import scope_matrix

PEOPLE = reverse("api:person-list")
MEMBERS = reverse("api:member-list")
POSITIONS = reverse("api:position-list")


def person_with_iin(unit: Any, iin: str | None = None, **fields: Any) -> Person:
    person = PersonFactory(org_unit=unit, **fields)
    person.set_iin(iin or valid_iin())
    person.save()
    return person


@pytest.fixture
def api(client: Any, make_user: Any, tree: Any) -> Any:
    """The client logged in as the Makat district's executive secretary."""
    client.force_login(make_user("executive_secretary", tree.makat))
    return client


def new_person(unit: Any, **values: Any) -> dict[str, Any]:
    return {"last_name": "Тасова", "first_name": "Дана", "org_unit": unit.pk, **values}


@pytest.mark.parametrize(
    ("iin", "message"),
    [
        ("901123300255", "This IIN has a wrong check digit: please check every digit."),
        ("901301300258", "The first six digits of an IIN must be a real date of birth."),
        ("12345", "An IIN is exactly 12 digits."),
    ],
)
def test_create_person_explains_a_bad_iin(api: Any, tree: Any, iin: str, message: str) -> None:
    response = api.post(PEOPLE, new_person(tree.makat_p1, iin=iin), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["iin"] == [message]
    assert not Person.objects.exists()


def test_create_person_refuses_a_duplicate_iin(api: Any, tree: Any) -> None:
    existing = person_with_iin(tree.inder_p1)
    response = api.post(PEOPLE, new_person(tree.makat_p1, iin=existing.reveal_iin()), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["iin"] == ["A person with this IIN already exists."]
    assert Person.objects.count() == 1


def test_full_iin_is_write_only(api: Any, tree: Any) -> None:
    iin = valid_iin(dt.date(1988, 8, 8))
    created = api.post(PEOPLE, new_person(tree.makat_p1, iin=iin, phone="87015550000"), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert "iin" not in body and body["iin_masked"].endswith(iin[-4:]) and body["phone"] == "+77015550000"
    assert body["birth_date"] == "1988-08-08"
    for url in (PEOPLE, reverse("api:person-detail", args=[body["id"]]), MEMBERS):
        assert iin not in api.get(url).content.decode()


def test_update_person_keeps_or_replaces_the_iin(api: Any, tree: Any) -> None:
    person = person_with_iin(tree.makat_p1)
    url = reverse("api:person-detail", args=[person.pk])
    assert api.patch(url, {"first_name": "Жаңа"}, content_type="application/json").status_code == 200
    person.refresh_from_db()
    assert person.first_name == "Жаңа" and person.has_iin
    other = person_with_iin(tree.makat_p1)
    taken = api.patch(url, {"iin": other.reveal_iin()}, content_type="application/json")
    assert taken.status_code == 400 and "iin" in taken.json()["errors"]


def test_person_of_another_district_is_404(api: Any, tree: Any) -> None:
    person = person_with_iin(tree.inder_p1)
    url = reverse("api:person-detail", args=[person.pk])
    assert api.get(url).status_code == 404
    assert api.patch(url, {"first_name": "X"}, content_type="application/json").status_code == 404


def test_person_in_a_unit_outside_scope_cannot_be_created(api: Any, tree: Any) -> None:
    response = api.post(PEOPLE, new_person(tree.inder_p1), content_type="application/json")
    assert response.status_code == 400 and "org_unit" in response.json()["errors"]


def test_people_search_by_name_and_iin(api: Any, tree: Any) -> None:
    iin = valid_iin()
    person_with_iin(tree.makat_p1, iin, last_name="Ахметов")
    person_with_iin(tree.makat_p1, last_name="Бекова")
    assert [p["last_name"] for p in api.get(PEOPLE, {"q": "ахм"}).json()["results"]] == ["Ахметов"]
    assert [p["last_name"] for p in api.get(PEOPLE, {"q": iin}).json()["results"]] == ["Ахметов"]


def test_member_detail_scope_matrix(client: Any, make_user: Any, tree: Any) -> None:
    m = MemberFactory(org_unit=tree.makat_p1)
    scope_matrix(
        client,
        make_user,
        tree,
        url=reverse("api:member-detail", args=[m.pk]),
        role="primary_secretary",
        unit_attr="makat_p1",
        parent_attr="makat",
        sibling_attr="inder_p1",
        api=True,
    )


def test_members_filter_by_unit_subtree_status_youth_wing_and_dates(api: Any, tree: Any) -> None:
    makat_p2 = add_unit(tree.makat, code="makat-p2", kind=OrgUnitKind.PRIMARY, name="Мақат №2 БПҰ")
    a = MemberFactory(org_unit=tree.makat_p1, joined_on=dt.date(2015, 1, 1))
    b = MemberFactory(org_unit=makat_p2, youth_wing=True, joined_on=dt.date(2023, 1, 1))
    c = MemberFactory(org_unit=makat_p2, status=MemberStatus.SUSPENDED, joined_on=dt.date(2019, 1, 1))

    def ids(**query: Any) -> set[int]:
        response = api.get(MEMBERS, query)
        assert response.status_code == 200, response.content
        return {m["id"] for m in response.json()["results"]}

    assert ids(unit=tree.makat.pk) == {a.pk, b.pk, c.pk}
    assert ids(unit=makat_p2.pk) == {b.pk, c.pk}
    assert ids(status="suspended") == {c.pk}
    assert ids(youth_wing="true") == {b.pk}
    assert ids(joined_after="2018-01-01", joined_before="2020-01-01") == {c.pk}


@pytest.mark.parametrize(
    "query",
    [
        {"unit": "abc"},
        {"unit": "99999999999999999999999"},
        {"status": "whatever"},
        {"joined_after": "yesterday"},
    ],
)
def test_odd_filter_values_get_400_with_field_errors(api: Any, query: dict[str, str]) -> None:
    response = api.get(MEMBERS, query)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(query)


def test_a_nul_character_in_a_filter_gets_400(api: Any) -> None:
    response = api.get(MEMBERS, {"q": "\x00"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_unit_outside_scope_is_not_a_valid_filter(api: Any, tree: Any) -> None:
    MemberFactory(org_unit=tree.inder_p1)
    response = api.get(MEMBERS, {"unit": tree.inder.pk})
    assert response.status_code == 400 and "unit" in response.json()["errors"]


def test_admit_through_the_api(api: Any, tree: Any) -> None:
    person = person_with_iin(tree.makat_p1)
    payload = {"person": person.pk, "org_unit": tree.makat_p1.pk, "joined_on": "2021-03-03", "card_number": "Z-1"}
    response = api.post(MEMBERS, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["person"]["full_name"] == person.full_name
    again = api.post(MEMBERS, payload, content_type="application/json")
    assert again.status_code == 400 and "person" in again.json()["errors"]
    not_primary = api.post(
        MEMBERS,
        {**payload, "person": person_with_iin(tree.makat_p1).pk, "org_unit": tree.makat.pk, "card_number": ""},
        content_type="application/json",
    )
    assert not_primary.status_code == 400 and "org_unit" in not_primary.json()["errors"]
    assert Member.objects.count() == 1


def test_transition_action_applies_the_table(api: Any, tree: Any) -> None:
    m = MemberFactory(org_unit=tree.makat_p1)
    url = reverse("api:member-transition", args=[m.pk])
    suspended = api.post(
        url, {"to": "suspended", "date": "2024-01-01", "reason": "Arrears"}, content_type="application/json"
    )
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    left = api.post(url, {"to": "left", "reason": "Own wish"}, content_type="application/json")
    assert left.status_code == 200 and left.json()["status_changed_on"] == timezone.localdate().isoformat()
    back = api.post(url, {"to": "active"}, content_type="application/json")
    assert back.status_code == 400 and "to" in back.json()["errors"]
    assert api.post(url, {"to": "nonsense"}, content_type="application/json").status_code == 400
    m.refresh_from_db()
    assert m.status == MemberStatus.LEFT
    assert AuditEvent.objects.filter(target_id=str(m.pk), verb__startswith="org.member_").count() == 2


def test_transition_of_a_member_of_another_district_is_404(api: Any, tree: Any) -> None:
    m = MemberFactory(org_unit=tree.inder_p1)
    response = api.post(
        reverse("api:member-transition", args=[m.pk]), {"to": "left", "reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    m.refresh_from_db()
    assert m.status == MemberStatus.ACTIVE


def test_positions_appoint_filter_and_end(api: Any, tree: Any) -> None:
    person = person_with_iin(tree.makat_p1)
    created = api.post(
        POSITIONS,
        {
            "person": person.pk,
            "org_unit": tree.makat_p1.pk,
            "kind": PositionKind.PRIMARY_SECRETARY,
            "started_on": "2020-01-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    old = Position.objects.create(
        person=person,
        org_unit=tree.makat,
        kind=PositionKind.BUREAU_MEMBER,
        started_on=dt.date(2010, 1, 1),
        ended_on=dt.date(2015, 1, 1),
    )
    assert {p["id"] for p in api.get(POSITIONS, {"current": "true"}).json()["results"]} == {created.json()["id"]}
    assert {p["id"] for p in api.get(POSITIONS, {"current": "false"}).json()["results"]} == {old.pk}
    assert {p["id"] for p in api.get(POSITIONS, {"kind": "bureau_member"}).json()["results"]} == {old.pk}
    assert {p["id"] for p in api.get(POSITIONS, {"unit": tree.makat_p1.pk}).json()["results"]} == {created.json()["id"]}
    end = api.post(
        reverse("api:position-end", args=[created.json()["id"]]),
        {"ended_on": "2019-01-01"},
        content_type="application/json",
    )
    assert end.status_code == 400 and "ended_on" in end.json()["errors"]
    end = api.post(
        reverse("api:position-end", args=[created.json()["id"]]),
        {"ended_on": "2024-01-01"},
        content_type="application/json",
    )
    assert end.status_code == 200 and end.json()["is_current"] is False


def test_anonymous_gets_401_and_wrong_method_405(client: Any, api: Any, tree: Any) -> None:
    m = MemberFactory(org_unit=tree.makat_p1)
    assert api.delete(reverse("api:member-detail", args=[m.pk])).status_code == 405
    client.logout()
    assert client.get(MEMBERS).status_code == 401
