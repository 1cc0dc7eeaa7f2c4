"""The participation list: who voted (never how), for members of the election's subtree and
staff who may view elections there; everyone else gets 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from amanat.elections.models import Election
from amanat.elections.services.voting import cast_ballot
from amanat.elections.tests.voting_kit import Kit, voting_election
from amanat.org.tests.factories import MemberFactory


@pytest.fixture
def kit(tree, make_user) -> Kit:
    kit = voting_election(tree, make_user, voters=4, units=("makat_p1", "makat_p1", "inder_p1", "inder_p1"))
    first, third = kit.voters[0], kit.voters[2]
    cast_ballot(kit.election, first.user, kit.ballot(first, [1, 0, 0]))
    cast_ballot(kit.election, first.user, kit.ballot(first, [0, 1, 0]))  # a revote is one voter
    cast_ballot(kit.election, third.user, kit.ballot(third, [0, 0, 1]))
    return kit


def url(kit: Kit) -> str:
    return reverse("elections:participation", args=[kit.election.uuid])


def test_a_member_of_the_subtree_sees_who_voted_and_counts_by_unit(client, kit, tree):
    client.force_login(kit.voters[1].user)  # has not voted themselves
    response = client.get(url(kit))
    assert response.status_code == 200
    voted = [c.voter for c in response.context["page_obj"].object_list]
    assert voted == sorted([kit.voters[0].member, kit.voters[2].member], key=lambda m: (m.search_name, m.pk))
    page = response.content.decode()
    assert kit.voters[0].member.person.full_name in page
    assert kit.voters[1].member.person.full_name not in page
    by_unit = {row["unit"]: (row["census"], row["voted"]) for row in response.context["units"]}
    assert by_unit == {tree.makat: (2, 1), tree.inder: (2, 1)}
    assert (response.context["census_total"], response.context["voted_total"]) == (4, 2)
    assert response.context["percent_total"] == 50.0


def test_the_page_never_shows_how_anyone_voted(client, kit):
    client.force_login(kit.voters[0].user)
    page = client.get(url(kit)).content.decode()
    for ballot in kit.election.ballots.all():
        assert ballot.tracker not in page


def test_staff_who_may_view_elections_see_it(client, kit, make_user, tree):
    client.force_login(make_user("auditor", tree.regional))
    assert client.get(url(kit)).status_code == 200


def test_others_get_404(client, kit, make_user, tree):
    client.force_login(make_user())  # no membership, no role
    assert client.get(url(kit)).status_code == 404
    client.force_login(make_user("auditor", tree.makat))  # a role below the election's unit
    assert client.get(url(kit)).status_code == 404


def test_a_member_anywhere_in_the_subtree_sees_it_and_one_outside_does_not(client, tree, make_user):
    makat = voting_election(tree, make_user, voters=1, spare=0, units=("makat_p1",))
    Election.objects.filter(pk=makat.election.pk).update(unit=tree.makat)
    address = reverse("elections:participation", args=[makat.election.uuid])
    client.force_login(make_user(person=MemberFactory(org_unit=tree.makat_p1).person))
    assert client.get(address).status_code == 200
    client.force_login(make_user(person=MemberFactory(org_unit=tree.inder_p1).person))
    assert client.get(address).status_code == 404


def test_anonymous_is_sent_to_log_in(client, kit):
    response = client.get(url(kit))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_reads_the_same_number_of_queries_however_many_voted(client, tree, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kit = voting_election(tree, make_user, voters=8)
    client.force_login(make_user("auditor", tree.regional))
    address = url(kit)
    cast_ballot(kit.election, kit.voters[0].user, kit.ballot(kit.voters[0], [1, 0, 0]))
    client.get(address)
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    for voter in kit.voters[1:]:
        cast_ballot(kit.election, voter.user, kit.ballot(voter, [0, 1, 0]))
    with CaptureQueriesContext(connection) as many:
        client.get(address)
    assert len(many) == len(few)
