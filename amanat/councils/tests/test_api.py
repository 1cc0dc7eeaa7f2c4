"""The API: lists and details in scope, create, votes, decide, send, response; 404 outside the
scope, 403 for readers, 400 with field errors (and nothing changed) for bad input."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from amanat.councils.choices import RecommendationStatus as S
from amanat.councils.models import Council, CouncilSession, Recommendation, Vote
from amanat.councils.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
API = "/api/v1/councils/"


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_anonymous_gets_401(cc: SimpleNamespace) -> None:
    assert APIClient().get(API).status_code == 401


def test_lists_and_details_in_scope(cc: SimpleNamespace, draft: Any, make_user: Any, tree: Any) -> None:
    api = api_as(make_user("auditor", tree.regional))
    body = api.get(API).json()
    assert [c["id"] for c in body["results"]] == [cc.council.pk]
    assert api.get(f"{API}{cc.council.pk}/").json()["title_en"] == "Makat Public Council"
    members = api.get(f"{API}{cc.council.pk}/members/").json()
    assert len(members) == 6 and "phone" not in members[0] and "email" not in members[0]
    assert api.get(f"{API}{cc.council.pk}/sessions/").json()[0]["guests"] == 3
    assert api.get(f"{API}recommendations/{draft.pk}/").json()["status"] == S.DRAFT
    other = api_as(make_user("council_secretary", tree.inder))
    assert other.get(f"{API}{cc.council.pk}/").status_code == 404
    assert other.get(f"{API}recommendations/{draft.pk}/").status_code == 404
    assert other.get(f"{API}recommendations/").json()["results"] == []
    assert other.post(f"{API}recommendations/{draft.pk}/decide/").status_code == 404


def test_a_reader_may_not_write(cc: SimpleNamespace, draft: Any, make_user: Any, tree: Any) -> None:
    api = api_as(make_user("deputy", tree.makat))
    response = api.post(
        f"{API}recommendations/{draft.pk}/votes/",
        {"votes": [{"member": cc.members[0].pk, "choice": "for"}]},
        format="json",
    )
    assert response.status_code == 403
    assert (
        api.post(API, {"org_unit": tree.makat.pk, "title_kk": "a", "title_ru": "b"}, format="json").status_code == 403
    )


def test_create_a_council_and_bad_input(cc: SimpleNamespace, tree: Any) -> None:
    api = api_as(cc.secretary)
    response = api.post(API, {"org_unit": tree.makat.pk, "title_kk": "", "title_ru": ""}, format="json")
    assert response.status_code == 400
    assert {"title_kk", "title_ru"} <= set(response.json()["errors"])
    response = api.post(API, {"org_unit": tree.inder.pk, "title_kk": "a", "title_ru": "b"}, format="json")
    assert response.status_code == 400  # a branch out of scope is not a choice
    assert Council.objects.count() == 1
    response = api.post(API, {"org_unit": tree.makat.pk, "title_kk": "Кеңес", "title_ru": "Совет"}, format="json")
    assert response.status_code == 201


def test_the_whole_vote_through_the_api(cc: SimpleNamespace, draft: Any) -> None:
    api = api_as(cc.secretary)
    url = f"{API}recommendations/{draft.pk}/"
    votes = [{"member": m.pk, "choice": "for"} for m in cc.members[:3]]
    assert api.post(f"{url}votes/", {"votes": votes}, format="json").status_code == 200
    twice = api.post(f"{url}votes/", {"votes": [{"member": cc.members[0].pk, "choice": "against"}]}, format="json")
    assert twice.status_code == 400 and "votes" in twice.json()["errors"]
    decided = api.post(f"{url}decide/").json()
    assert decided["status"] == S.ADOPTED and decided["votes_for"] == 3 and decided["present"] == 5
    sent = api.post(f"{url}send/", {"sent_on": TODAY.isoformat()}, format="json").json()
    assert sent["response_deadline"] == "2026-02-16"
    refused = api.post(f"{url}response/", {"kind": "rejected"}, format="json")
    assert refused.status_code == 400 and "reasons" in refused.json()["errors"]
    assert Recommendation.objects.get(pk=draft.pk).status == S.SENT
    answered = api.post(f"{url}response/", {"kind": "rejected", "reasons": "No budget"}, format="json").json()
    assert answered["status"] == S.ANSWERED and answered["response_reasons"] == "No budget"
    assert api.post(f"{url}implementation/", {"done": False}, format="json").status_code == 400
    assert api.post(f"{url}implementation/", {"done": False, "note": "Nothing done"}, format="json").status_code == 200
    final = api.post(f"{url}assessment/", {"assessment": "not_satisfied", "note": "Ignored"}, format="json").json()
    assert final["status"] == S.ASSESSED and final["implemented"] is False


def test_a_member_whose_term_ended_cannot_vote_through_the_api(cc: SimpleNamespace, draft: Any) -> None:
    api = api_as(cc.secretary)
    response = api.post(
        f"{API}recommendations/{draft.pk}/votes/",
        {"votes": [{"member": cc.members[0].pk, "choice": "for"}, {"member": cc.former.pk, "choice": "for"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "cannot vote" in " ".join(response.json()["errors"]["votes"])
    assert not Vote.objects.exists()


def test_a_session_ending_before_it_starts_is_400(cc: SimpleNamespace) -> None:
    api = api_as(cc.secretary)
    response = api.post(
        f"{API}{cc.council.pk}/sessions/",
        {"starts_at": "2026-02-10T15:00:00+05:00", "ends_at": "2026-02-10T14:00:00+05:00"},
        format="json",
    )
    assert response.status_code == 400 and "ends_at" in response.json()["errors"]
    assert CouncilSession.objects.count() == 1


def test_draft_members_attendance_and_filters(cc: SimpleNamespace) -> None:
    api = api_as(cc.secretary)
    member = api.post(
        f"{API}{cc.council.pk}/members/", {"last_name": "Нұров", "first_name": "Ерлан", "term_start": "2026-01-01"},
        format="json",
    )  # fmt: skip
    assert member.status_code == 201
    attendance = api.post(
        f"{API}sessions/{cc.session.pk}/attendance/", {"members": [member.json()["id"], cc.former.pk]}, format="json"
    )
    assert attendance.status_code == 400
    made = api.post(
        f"{API}sessions/{cc.session.pk}/recommendations/", {"text": "Open a library", "addressee_body": cc.akimat.pk},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["response_days"] == 15
    listed = api.get(f"{API}recommendations/", {"status": "draft", "addressee": cc.akimat.pk}).json()
    assert len(listed["results"]) == 1
    assert api.get(f"{API}recommendations/", {"overdue": "true"}).json()["results"] == []
    assert api.get(f"{API}recommendations/", {"status": "nonsense"}).status_code == 400
    ended = api.post(f"{API}members/{member.json()['id']}/end-term/", {"ended_on": "2025-01-01"}, format="json")
    assert ended.status_code == 400


def test_list_query_count_does_not_grow(cc: SimpleNamespace, django_assert_max_num_queries: Any) -> None:
    from amanat.councils.services import recommendations as rs

    for n in range(12):
        rs.recommendation_draft(actor=cc.secretary, session=cc.session, text=f"Rec {n}", addressee_body=cc.akimat)
    api = api_as(cc.secretary)
    with django_assert_max_num_queries(8):
        assert len(api.get(f"{API}recommendations/").json()["results"]) == 12
