"""Positions in party bodies through the pages: find a person, appoint, list per unit, end a term."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from amanat.audit.models import AuditEvent
from amanat.org.choices import PositionKind
from amanat.org.models import Position
from amanat.org.tests.factories import PersonFactory
from conftest import scope_matrix

CREATE_URL = reverse("org:position-create")
LIST_URL = reverse("org:position-list")


@pytest.fixture
def secretary(client: Any, make_user: Any, tree: Any) -> Any:
    user = make_user("executive_secretary", tree.makat)
    client.force_login(user)
    return user


def test_appoint_finds_the_person_then_records_the_term(client: Any, secretary: Any, tree: Any) -> None:
    person = PersonFactory(org_unit=tree.makat_p1, last_name="Қасымов")
    PersonFactory(org_unit=tree.inder_p1, last_name="Қасымова")  # another district: not offered
    found = client.get(CREATE_URL, {"q": "қасым"}).content.decode()
    assert f"?person={person.pk}" in found and "Қасымова" not in found
    form = client.get(CREATE_URL, {"person": person.pk})
    assert form.status_code == 200 and 'name="kind"' in form.content.decode()
    response = client.post(
        f"{CREATE_URL}?person={person.pk}",
        {"org_unit": tree.makat_p1.pk, "kind": PositionKind.PRIMARY_SECRETARY, "started_on": "2023-01-10"},
    )
    assert response.status_code == 302
    position = Position.objects.get()
    assert (position.person, position.org_unit, position.ended_on) == (person, tree.makat_p1, None)
    assert AuditEvent.objects.filter(verb="org.position_appointed", target_id=str(position.pk)).exists()


def test_appoint_refuses_an_end_before_the_start(client: Any, secretary: Any, tree: Any) -> None:
    person = PersonFactory(org_unit=tree.makat_p1)
    response = client.post(
        f"{CREATE_URL}?person={person.pk}",
        {
            "org_unit": tree.makat.pk,
            "kind": PositionKind.CHAIRMAN,
            "started_on": "2023-01-10",
            "ended_on": "2022-01-01",
        },
    )
    assert "The end of the term cannot be before its start." in response.content.decode()
    assert not Position.objects.exists()


def test_appointing_a_person_of_another_district_is_404(client: Any, secretary: Any, tree: Any) -> None:
    stranger = PersonFactory(org_unit=tree.inder_p1)
    assert client.get(CREATE_URL, {"person": stranger.pk}).status_code == 404


def test_list_per_unit_and_current_terms(client: Any, secretary: Any, tree: Any) -> None:
    person = PersonFactory(org_unit=tree.makat_p1)
    current = Position.objects.create(
        person=person, org_unit=tree.makat_p1, kind=PositionKind.PRIMARY_SECRETARY, started_on=dt.date(2022, 1, 1)
    )
    past = Position.objects.create(
        person=person,
        org_unit=tree.makat,
        kind=PositionKind.BUREAU_MEMBER,
        started_on=dt.date(2010, 1, 1),
        ended_on=dt.date(2012, 1, 1),
    )
    Position.objects.create(
        person=PersonFactory(org_unit=tree.inder_p1),
        org_unit=tree.inder,
        kind=PositionKind.CHAIRMAN,
        started_on=dt.date(2020, 1, 1),
    )

    def pks(**query: Any) -> set[int]:
        return {p.pk for p in client.get(LIST_URL, query).context["positions"]}

    assert pks() == {current.pk, past.pk}
    assert pks(unit=tree.makat_p1.pk) == {current.pk}
    assert pks(current="true") == {current.pk}
    assert pks(kind=PositionKind.BUREAU_MEMBER) == {past.pk}


def test_end_a_term_from_the_person_page(client: Any, secretary: Any, tree: Any) -> None:
    person = PersonFactory(org_unit=tree.makat_p1)
    position = Position.objects.create(
        person=person, org_unit=tree.makat, kind=PositionKind.CHAIRMAN, started_on=dt.date(2022, 1, 1)
    )
    page = client.get(reverse("org:person-detail", args=[person.pk])).content.decode()
    assert reverse("org:position-end", args=[position.pk]) in page
    client.post(reverse("org:position-end", args=[position.pk]), {"ended_on": "2024-05-05"})
    position.refresh_from_db()
    assert position.ended_on == dt.date(2024, 5, 5)
    assert AuditEvent.objects.filter(verb="org.position_ended", target_id=str(position.pk)).exists()


def test_position_list_scope(client: Any, make_user: Any, tree: Any) -> None:
    """A district user sees only their positions; one without the view action gets 404."""
    position = Position.objects.create(
        person=PersonFactory(org_unit=tree.makat_p1),
        org_unit=tree.makat_p1,
        kind=PositionKind.CHAIRMAN,
        started_on=dt.date(2022, 1, 1),
    )
    client.force_login(make_user("auditor", tree.inder))
    assert list(client.get(LIST_URL).context["positions"]) == []
    client.force_login(make_user("deputy", tree.makat))
    assert client.get(LIST_URL).status_code == 404
    client.force_login(make_user("auditor", tree.makat))
    assert [p.pk for p in client.get(LIST_URL).context["positions"]] == [position.pk]


def test_person_detail_scope_matrix(client: Any, make_user: Any, tree: Any) -> None:
    person = PersonFactory(org_unit=tree.makat_p1)
    scope_matrix(
        client,
        make_user,
        tree,
        url=reverse("org:person-detail", args=[person.pk]),
        role="primary_secretary",
        unit_attr="makat_p1",
        parent_attr="makat",
        sibling_attr="inder_p1",
    )
