"""The public results page and the protocol of the count (PDF)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from amanat.elections.choices import Phase
from amanat.elections.models import Election
from amanat.elections.services.protocol_pdf import protocol_html
from amanat.elections.services.tally import accept_share, compute_tally
from amanat.elections.tests.tally_kit import closed_election, share_of

pytestmark = pytest.mark.django_db


def _published(kit):  # type: ignore[no-untyped-def]
    compute_tally(kit.election)
    for trustee in kit.trustees[: kit.election.threshold]:
        accept_share(kit.election, trustee, share_of(kit, trustee.index), actor=trustee.user)
    kit.election.refresh_from_db()
    assert kit.election.phase == Phase.PUBLISHED
    return kit.election


@pytest.fixture
def published(tree, make_user):  # type: ignore[no-untyped-def]
    votes = [(tree.makat, [1, 0, 0])] * 3 + [(tree.inder, [0, 1, 0])] * 2 + [(tree.city, [0, 0, 1])] * 2
    kit = closed_election(tree.regional, make_user, votes, min_unit_voters=2, census_extra=3, seats=2)
    return _published(kit)


def test_anyone_reads_counts_percentages_seats_and_turnout(client, published, tree):
    response = client.get(reverse("elections:results", args=[published.uuid]))

    assert response.status_code == 200
    text = response.text
    assert "Aigul" in text and "42.86" in text  # 3 of 7
    assert "Bolat" in text and "28.57" in text
    assert "70.00%" in text  # 7 of 10 in the census
    assert "Tied for the last seat" in text  # Bolat and Yerzhan, 2 each, for the second seat
    assert "Won a seat" in text
    assert tree.makat.name in text and tree.inder.name in text
    assert published.manifest_hash in text
    assert published.board.order_by("-seq").first().hash in text
    assert "amanat-verify board.json" in text
    assert reverse("elections:protocol", args=[published.uuid]) in text


def test_small_units_are_pooled_and_the_page_says_why(client, tree, make_user):
    votes = [(tree.makat, [1, 0, 0])] * 3 + [(tree.inder, [0, 1, 0])] + [(tree.city, [0, 0, 1])]
    election = _published(closed_election(tree.regional, make_user, votes, min_unit_voters=2))

    text = client.get(reverse("elections:results", args=[election.uuid])).text

    assert "Other units together" in text
    assert "smaller units are pooled together" in text
    assert tree.inder.name not in text


def test_without_enough_voters_anywhere_there_is_no_unit_table(client, tree, make_user):
    votes = [(tree.makat, [1, 0, 0]), (tree.inder, [0, 1, 0])]
    election = _published(closed_election(tree.regional, make_user, votes))

    text = client.get(reverse("elections:results", args=[election.uuid])).text

    assert "There is no result by unit" in text
    assert "at least 20 ballots" in text


def test_before_publication_the_page_says_it_is_not_published(client, tree, make_user):
    kit = closed_election(tree.regional, make_user, [(tree.makat, [1, 0, 0])])

    response = client.get(reverse("elections:results", args=[kit.election.uuid]))

    assert response.status_code == 200
    assert "The result is not published yet" in response.text
    assert client.get(reverse("elections:protocol", args=[kit.election.uuid])).status_code == 404


def test_a_draft_election_has_no_results_page(client, tree, make_user):
    kit = closed_election(tree.regional, make_user, [(tree.makat, [1, 0, 0])])
    Election.objects.filter(pk=kit.election.pk).update(phase=Phase.DRAFT)

    assert client.get(reverse("elections:results", args=[kit.election.uuid])).status_code == 404


def test_the_protocol_is_a_pdf(client, published):
    response = client.get(reverse("elections:protocol", args=[published.uuid]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_the_protocol_holds_what_an_observer_checks(published):
    html = protocol_html(published, "kk")

    assert "Айгүл" in html and "Ержан" in html  # candidates' names in the reader's language
    assert published.manifest_hash in html
    assert published.census_hash in html
    assert published.board.order_by("-seq").first().hash in html
    assert published.checkpoints.order_by("-seq").first().signature in html
    for trustee in published.trustees.order_by("index")[:3]:
        assert trustee.name in html
    assert ">10<" in html and ">7<" in html  # census, ballots counted


def test_the_protocol_follows_the_readers_language(published):
    assert "Aigul" in protocol_html(published, "en")
    assert "Айгуль" in protocol_html(published, "ru")
