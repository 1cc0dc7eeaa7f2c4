"""Staff pages: scope (another district's secretary gets 404), the council card, forms that show
the services' refusals, the recommendation's steps, the overview and the XLSX export."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from amanat.councils.choices import RecommendationStatus as S
from amanat.councils.choices import VoteChoice
from amanat.councils.models import CouncilSession, Recommendation, Vote
from amanat.councils.services import recommendations as rs
from amanat.councils.tests.conftest import TODAY
from conftest import scope_matrix

pytestmark = pytest.mark.django_db


def test_scope_of_the_council_card(client: Any, make_user: Any, tree: Any, cc: SimpleNamespace) -> None:
    scope_matrix(
        client, make_user, tree, url=reverse("councils:detail", args=[cc.council.pk]), role="council_secretary"
    )


def test_another_districts_secretary_gets_404_everywhere(
    client: Any, make_user: Any, tree: Any, cc: SimpleNamespace, draft: Any
) -> None:
    client.force_login(make_user("council_secretary", tree.inder))
    for url in (
        reverse("councils:detail", args=[cc.council.pk]),
        reverse("councils:session-detail", args=[cc.session.pk]),
        reverse("councils:recommendation-detail", args=[draft.pk]),
        reverse("councils:member-end", args=[cc.members[0].pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("councils:recommendation-step", args=[draft.pk, "decide"]))
    assert response.status_code == 404
    listing = client.get(reverse("councils:list")).content.decode()
    assert "Makat Public Council" not in listing


def test_a_deputy_sees_but_has_no_forms(
    client: Any, make_user: Any, tree: Any, cc: SimpleNamespace, draft: Any
) -> None:
    client.force_login(make_user("deputy", tree.makat))
    page = client.get(reverse("councils:recommendation-detail", args=[draft.pk])).content.decode()
    assert "Record the votes" not in page
    assert client.post(reverse("councils:recommendation-step", args=[draft.pk, "decide"])).status_code == 404
    assert client.get(reverse("councils:member-add", args=[cc.council.pk])).status_code == 404


def test_council_list_and_export(client: Any, cc: SimpleNamespace) -> None:
    client.force_login(cc.secretary)
    page = client.get(reverse("councils:list")).content.decode()
    assert "Makat Public Council" in page
    export = client.get(reverse("councils:list"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_create_a_council_through_the_form(client: Any, cc: SimpleNamespace, tree: Any) -> None:
    client.force_login(cc.secretary)
    response = client.post(
        reverse("councils:create"),
        {"org_unit": tree.makat.pk, "title_kk": "Жастар кеңесі", "title_ru": "Молодёжный совет", "is_public": "on"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Молодёжный совет" in page or "Жастар кеңесі" in page


def test_a_session_ending_before_it_starts_shows_the_message(client: Any, cc: SimpleNamespace) -> None:
    client.force_login(cc.secretary)
    response = client.post(
        reverse("councils:session-create", args=[cc.council.pk]),
        {"starts_at": "2026-02-10T15:00", "ends_at": "2026-02-10T14:00", "place": "Hall"},
    )
    assert response.status_code == 200
    assert "The session cannot end before it starts." in response.content.decode()
    assert CouncilSession.objects.count() == 1


def test_vote_decide_send_respond_through_the_pages(client: Any, cc: SimpleNamespace, draft: Any) -> None:
    client.force_login(cc.secretary)
    step = lambda name: reverse("councils:recommendation-step", args=[draft.pk, name])  # noqa: E731
    page = client.get(reverse("councils:recommendation-detail", args=[draft.pk])).content.decode()
    assert "Record the votes" in page and "Бекова" not in page
    votes = {f"votes-m{m.pk}": VoteChoice.FOR for m in cc.members[:3]}
    assert client.post(step("votes"), votes).status_code == 302
    again = client.post(step("votes"), {f"votes-m{cc.members[3].pk}": VoteChoice.AGAINST})
    assert again.status_code == 302
    assert Vote.objects.filter(recommendation=draft).count() == 4
    assert client.post(step("decide"), {}).status_code == 302
    assert client.post(step("send"), {"send-sent_on": TODAY.isoformat()}).status_code == 302
    refused = client.post(step("respond"), {"respond-kind": "rejected", "respond-received_on": TODAY.isoformat()})
    assert refused.status_code == 200
    assert "Give the reasons" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.SENT
    done = client.post(step("respond"), {"respond-kind": "rejected", "respond-reasons": "No budget",
                                         "respond-received_on": TODAY.isoformat()})  # fmt: skip
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.ANSWERED and draft.response_reasons == "No budget"


def test_a_vote_by_a_member_whose_term_ended_is_refused_on_the_page(
    client: Any, cc: SimpleNamespace, draft: Any
) -> None:
    from amanat.councils.services import councils as cs

    client.force_login(cc.secretary)
    page_url = reverse("councils:recommendation-detail", args=[draft.pk])
    client.get(page_url)  # the form lists the members present
    cs.member_end_term(actor=cc.secretary, member=cc.members[4], ended_on=TODAY - dt.timedelta(days=1))
    response = client.post(
        reverse("councils:recommendation-step", args=[draft.pk, "votes"]),
        {f"votes-m{cc.members[4].pk}": VoteChoice.FOR, f"votes-m{cc.members[0].pk}": VoteChoice.FOR},
    )
    assert response.status_code == 200
    assert "cannot vote" in response.content.decode()
    assert not Vote.objects.exists()


def test_overview_puts_the_overdue_first_and_exports(client: Any, cc: SimpleNamespace, draft: Any, frozen: Any) -> None:
    rs.votes_record(actor=cc.secretary, recommendation=draft, votes=dict.fromkeys(cc.members, VoteChoice.FOR))
    rs.recommendation_decide(actor=cc.secretary, recommendation=draft)
    rs.recommendation_send(actor=cc.secretary, recommendation=draft)
    rs.recommendation_draft(actor=cc.secretary, session=cc.session, text="Another draft", addressee_body=cc.akimat)
    frozen.move_to(dt.datetime.combine(draft.response_deadline + dt.timedelta(days=3), dt.time(10)).astimezone())
    client.force_login(cc.secretary)
    url = reverse("councils:recommendation-list")
    page = client.get(url).content.decode()
    assert page.index("Repair the road") < page.index("Another draft")
    overdue = client.get(url, {"overdue": "true"}).content.decode()
    assert "Repair the road" in overdue and "Another draft" not in overdue
    export = client.get(url, {"overdue": "true", "export": "xlsx"})
    assert export.status_code == 200
    assert Recommendation.objects.count() == 2


def test_member_add_and_end_term_pages(client: Any, cc: SimpleNamespace) -> None:
    client.force_login(cc.secretary)
    response = client.post(
        reverse("councils:member-add", args=[cc.council.pk]),
        {"last_name": "Нұров", "first_name": "Ерлан", "kind": "citizen", "role": "member", "term_start": "2026-01-01"},
    )
    assert response.status_code == 302
    member = cc.council.members.get(last_name="Нұров")
    response = client.post(reverse("councils:member-end", args=[member.pk]), {"ended_on": "2025-01-01"})
    assert response.status_code == 200 and "cannot end before it starts" in response.content.decode()
    response = client.post(reverse("councils:member-end", args=[member.pk]), {"ended_on": "2026-02-01", "reason": "x"})
    assert response.status_code == 302


def test_attendance_page(client: Any, cc: SimpleNamespace) -> None:
    client.force_login(cc.secretary)
    url = reverse("councils:session-attendance", args=[cc.session.pk])
    response = client.post(url, {"members": [cc.members[0].pk, cc.former.pk], "guests": 2})
    assert response.status_code == 200
    assert cc.session.attendees.count() == 5
    response = client.post(url, {"members": [m.pk for m in cc.members[:4]], "guests": 2})
    assert response.status_code == 302
    assert cc.session.attendees.count() == 4


def test_list_pages_keep_their_query_budget(
    client: Any, cc: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    for n in range(15):
        rec = rs.recommendation_draft(actor=cc.secretary, session=cc.session, text=f"Rec {n}", addressee_body=cc.akimat)
        if n % 2:
            rs.votes_record(actor=cc.secretary, recommendation=rec, votes=dict.fromkeys(cc.members, VoteChoice.FOR))
            rs.recommendation_decide(actor=cc.secretary, recommendation=rec)
    client.force_login(cc.secretary)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("councils:recommendation-list")).status_code == 200
    client.logout()
    with django_assert_max_num_queries(12):
        page = client.get(reverse("councils:public-detail", args=[cc.council.pk])).content.decode()
    assert page.count("Rec ") == 7
