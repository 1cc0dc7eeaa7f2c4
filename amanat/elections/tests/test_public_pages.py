"""Public pages (no login) and the member's "My ballots and duties"."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amanat.elections.choices import CandidateStatus, CommissionRole
from amanat.elections.models import Candidate, CandidateDocument
from amanat.elections.services import nominations as nom
from amanat.elections.tests.factories import (
    add_candidate,
    make_election,
    make_member,
    name_trustees,
    ready_election,
    seat,
    system_user,
    to_nominations,
    to_preparation,
    user_of,
)

pytestmark = pytest.mark.django_db


def test_public_list_hides_drafts_and_cancelled(client: Any, tree: Any) -> None:
    make_election(tree.makat, title_en="Secret draft")
    shown = make_election(tree.makat, title_en="Announced")
    to_nominations(shown)
    cancelled = make_election(tree.makat, title_en="Called off")
    to_nominations(cancelled)
    from amanat.elections.services.elections import cancel

    cancel(actor=system_user(), election=cancelled, reason="x")
    page = client.get(reverse("elections:public-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Announced" in page and "Secret draft" not in page and "Called off" not in page


def test_draft_page_is_404(client: Any, tree: Any) -> None:
    election = make_election(tree.makat)
    assert client.get(reverse("elections:public-detail", args=[election.uuid])).status_code == 404


def test_election_page_shows_candidates_but_no_personal_data(client: Any, tree: Any) -> None:
    election = make_election(tree.makat)
    to_nominations(election)
    shown = add_candidate(election)
    hidden = nom.nominate_by_commission(actor=system_user(), election=election, member=make_member(tree.makat))
    nom.candidate_profile_update(
        actor=user_of(shown.member), candidate=shown, values={"biography_ru": "Инженер", "biography_kk": "Инженер"}
    )
    page = client.get(reverse("elections:public-detail", args=[election.uuid])).content.decode()
    assert str(shown.member.person) in page
    assert str(hidden.member.person) not in page  # not accepted yet
    assert shown.member.person.phone not in page
    response = client.get(reverse("elections:public-candidate", args=[election.uuid, shown.pk]))
    assert "Инженер" in response.content.decode()
    assert client.get(reverse("elections:public-candidate", args=[election.uuid, hidden.pk])).status_code == 404


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_pages_render_in_each_language(client: Any, tree: Any, lang: str) -> None:
    election = make_election(tree.makat)
    to_nominations(election)
    add_candidate(election)
    for url in (reverse("elections:public-list"), reverse("elections:public-detail", args=[election.uuid])):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200
        assert f'lang="{lang}"' in response.content.decode()


def test_frozen_election_page_shows_how_to_verify(client: Any, tree: Any) -> None:
    prepared = ready_election(tree.makat)
    page = client.get(reverse("elections:public-detail", args=[prepared.election.uuid])).content.decode()
    assert prepared.election.manifest_hash in page
    assert "amanat-verify" in page


def test_my_page_requires_login(client: Any) -> None:
    response = client.get(reverse("elections:my"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_page_lists_ballots_nominations_and_duties(client: Any, tree: Any) -> None:
    prepared = ready_election(tree.makat, open=True)
    voter = prepared.voters[-1]
    client.force_login(user_of(voter))
    page = client.get(reverse("elections:my")).content.decode()
    assert prepared.election.title_en in page or prepared.election.title_kk in page
    booth = reverse("elections:booth", args=[prepared.election.uuid])
    assert booth in page
    trustee = prepared.election.trustees.first()
    client.force_login(trustee.user)
    page = client.get(reverse("elections:my")).content.decode()
    assert reverse("elections:trustee", args=[prepared.election.pk]) in page


def test_member_stands_through_the_page_and_answers_a_nomination(client: Any, tree: Any) -> None:
    election = make_election(tree.makat)
    to_nominations(election)
    member = make_member(tree.makat_p1)
    client.force_login(user_of(member))
    page = client.get(reverse("elections:my")).content.decode()
    assert reverse("elections:nominate", args=[election.uuid]) in page
    doc = SimpleUploadedFile("consent.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(
        reverse("elections:nominate", args=[election.uuid]), {"programme_ru": "Дороги", "documents": [doc]}
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get(member=member)
    assert candidate.programme_ru == "Дороги"
    assert CandidateDocument.objects.filter(candidate=candidate).count() == 1
    client.post(reverse("elections:profile", args=[candidate.pk]), {"programme_ru": "Дороги и школы"})
    assert Candidate.objects.get(pk=candidate.pk).programme_ru == "Дороги и школы"
    client.post(reverse("elections:respond", args=[candidate.pk]), {"answer": "withdraw"})
    assert Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.WITHDRAWN


def test_a_proposed_member_accepts_on_their_page(client: Any, tree: Any) -> None:
    election = make_election(tree.makat)
    to_nominations(election)
    member = make_member(tree.makat)
    candidate = nom.nominate_by_commission(actor=system_user(), election=election, member=member)
    client.force_login(user_of(member))
    assert 'value="accept"' in client.get(reverse("elections:my")).content.decode()
    client.post(reverse("elections:respond", args=[candidate.pk]), {"answer": "accept"})
    assert Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.ACCEPTED


def test_someone_elses_nomination_is_404(client: Any, tree: Any) -> None:
    election = make_election(tree.makat)
    to_nominations(election)
    candidate = add_candidate(election, validate=False)
    client.force_login(user_of(make_member(tree.makat)))
    assert client.post(reverse("elections:respond", args=[candidate.pk]), {"answer": "decline"}).status_code == 404
    assert client.get(reverse("elections:profile", args=[candidate.pk])).status_code == 404


def test_primary_secretary_nominates_through_the_page(client: Any, tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    to_nominations(election)
    member = make_member(tree.makat_p1, card_number="P-1")
    client.force_login(make_user("primary_secretary", tree.makat_p1))
    decision = SimpleUploadedFile("decision.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(
        reverse("elections:nominate-member", args=[election.uuid]), {"number": "P-1", "documents": [decision]}
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get(member=member)
    assert candidate.nominated_by == "primary"
    assert candidate.documents.get().file_name == "decision.pdf"


def test_secretary_sees_the_credentials_duty(client: Any, tree: Any) -> None:
    election = make_election(tree.makat)
    make_member(tree.makat)
    user = user_of(make_member(tree.inder))
    seat(election, user, CommissionRole.SECRETARY)
    name_trustees(election, 1)
    to_nominations(election)
    to_preparation(election)
    client.force_login(user)
    page = client.get(reverse("elections:my")).content.decode()
    assert reverse("elections:credentials-upload", args=[election.pk]) in page
