"""The API: the scope matrix, field errors that change nothing, the nominee from a vote, the
outcome, the public reads and the query budget of the lists."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amanat.akim.choices import CampaignStatus, ChosenBy
from amanat.akim.models import AkimCampaign, CampaignOutcome, OtherCandidate
from amanat.akim.services.campaigns import campaign_choose_nominee
from amanat.akim.tests.conftest import add_vote
from amanat.org.tests.factories import add_territory
from conftest import scope_matrix

pytestmark = pytest.mark.django_db
S = CampaignStatus
DAY = dt.timedelta(days=1)


def api(name: str, *args: Any) -> str:
    return reverse(f"api:{name}", args=args)


def test_the_campaign_api_follows_the_scope_matrix(
    client: Any, make_user: Any, tree: Any, akim: SimpleNamespace
) -> None:
    scope_matrix(client, make_user, tree, url=api("akim-campaign", akim.campaign.pk), role="auditor", api=True)


def test_the_list_shows_only_the_callers_district(client: Any, akim: SimpleNamespace, tree: Any) -> None:
    AkimCampaign.objects.create(org_unit=tree.inder, okrug=akim.inder_okrug, election_date=akim.today + 40 * DAY)
    client.force_login(akim.makat_secretary)
    rows = client.get(api("akim-campaigns")).json()["results"]
    assert [r["okrug_name"] for r in rows] == ["Доссор ауылдық округі"]
    client.force_login(akim.secretary)
    assert client.get(api("akim-campaigns") + f"?unit={tree.inder.pk}").json()["count"] == 1
    assert client.get(api("akim-campaigns") + "?status=bogus").status_code == 400


def test_the_list_costs_the_same_queries_for_one_campaign_or_many(
    client: Any, akim: SimpleNamespace, tree: Any
) -> None:
    client.force_login(akim.secretary)
    with CaptureQueriesContext(connection) as one:
        assert client.get(api("akim-campaigns")).status_code == 200
    for n in range(5):
        okrug = add_territory(tree.makat_t, kato=f"23524{n}100", kind="rural_okrug", name=f"Округ {n}")
        AkimCampaign.objects.create(org_unit=tree.makat, okrug=okrug, election_date=akim.today + 50 * DAY)
    with CaptureQueriesContext(connection) as six:
        assert client.get(api("akim-campaigns")).json()["count"] == 6
    assert len(six) == len(one)


def test_bad_input_gets_field_errors_and_changes_nothing(client: Any, akim: SimpleNamespace, tree: Any) -> None:
    client.force_login(akim.makat_secretary)
    body = {"org_unit": tree.makat.pk, "okrug": akim.baichunas.pk, "election_date": "2030-06-01",
            "registration_opens_on": "2030-06-10"}  # fmt: skip
    response = client.post(api("akim-campaigns"), body, content_type="application/json")
    assert response.status_code == 400
    assert "registration_opens_on" in response.json()["errors"]
    response = client.post(api("akim-campaigns"), {"okrug": "x"}, content_type="application/json")
    assert response.status_code == 400 and {"org_unit", "okrug", "election_date"} <= set(response.json()["errors"])
    body = {"org_unit": tree.inder.pk, "okrug": akim.inder_okrug.pk, "election_date": "2030-06-01"}
    assert client.post(api("akim-campaigns"), body, content_type="application/json").status_code == 403
    assert AkimCampaign.objects.count() == 1
    body = {"org_unit": tree.makat.pk, "okrug": akim.baichunas.pk, "election_date": "2030-06-01"}
    response = client.post(api("akim-campaigns"), body, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == S.PLANNING


def test_errors_come_in_the_callers_language(client: Any, akim: SimpleNamespace) -> None:
    client.force_login(akim.makat_secretary)
    response = client.post(api("akim-campaign-transition", akim.campaign.pk), {"to": "result"},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"]["to"] == ["The result comes with the outcome of the election."]


def test_the_nominee_is_taken_from_the_vote_and_the_campaign_runs_to_its_result(
    client: Any, akim: SimpleNamespace, tree: Any
) -> None:
    vote = add_vote(tree.makat, [akim.nurlan, akim.aigerim], [10, 90])
    pk = akim.campaign.pk
    client.force_login(akim.makat_secretary)
    response = client.post(api("akim-campaign-nominee", pk), {"take_winner": True, "election": 10**6},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "election" in response.json()["errors"]
    response = client.post(api("akim-campaign-nominee", pk), {"take_winner": True, "election": vote.pk},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    data = response.json()
    assert data["nominee"] == akim.aigerim.pk and data["chosen_by"] == ChosenBy.INTERNAL_VOTE
    assert data["status"] == S.NOMINEE_CHOSEN
    # Out of scope: the Inder secretary cannot even see it.
    client.force_login(akim.inder_secretary)
    assert client.post(api("akim-campaign-transition", pk), {"to": "withdrawn", "note": "x"},
                       content_type="application/json").status_code == 404  # fmt: skip
    client.force_login(akim.makat_secretary)
    AkimCampaign.objects.filter(pk=pk).update(election_date=akim.today - DAY, registration_opens_on=None,
                                              registration_closes_on=None)  # fmt: skip
    response = client.post(api("akim-campaign-transition", pk),
                           {"to": "registered", "registered_on": (akim.today - 5 * DAY).isoformat()},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == S.REGISTERED
    client.post(api("akim-campaign-transition", pk), {"to": "campaigning"}, content_type="application/json")
    outcome = {"round": 1, "outcome": "won", "votes_for_nominee": 700, "votes_total": 600, "turnout": "61.20",
               "decided_on": akim.today.isoformat(), "source": "ТИК шешімі"}  # fmt: skip
    response = client.post(api("akim-campaign-outcome", pk), outcome, content_type="application/json")
    assert response.status_code == 400 and "votes_for_nominee" in response.json()["errors"]
    assert not CampaignOutcome.objects.exists()
    response = client.post(api("akim-campaign-outcome", pk), outcome | {"votes_for_nominee": 450},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["share"] == 75.0
    detail = client.get(api("akim-campaign", pk)).json()
    assert detail["status"] == S.RESULT
    assert [t["to_status"] for t in detail["transitions"]] == [S.NOMINEE_CHOSEN, S.REGISTERED, S.CAMPAIGNING, S.RESULT]


def test_events_and_candidates_through_the_api(client: Any, akim: SimpleNamespace) -> None:
    pk = akim.campaign.pk
    client.force_login(akim.makat_secretary)
    start = dt.datetime.combine(akim.today + 3 * DAY, dt.time(15), tzinfo=dt.UTC)
    event = {"kind": "meeting", "starts_at": start.isoformat(), "ends_at": (start - DAY).isoformat(), "place": "Клуб"}
    response = client.post(api("akim-campaign-events", pk), event, content_type="application/json")
    assert response.status_code == 400 and "ends_at" in response.json()["errors"]
    event["ends_at"] = (start + dt.timedelta(hours=2)).isoformat()
    response = client.post(api("akim-campaign-events", pk), event, content_type="application/json")
    assert response.status_code == 201
    event_id = response.json()["id"]
    response = client.patch(api("akim-event", event_id), {"attendance": 30}, content_type="application/json")
    assert response.status_code == 400 and "attendance" in response.json()["errors"]
    response = client.post(api("akim-campaign-candidates", pk), {"name": "Бекұлы Ғани", "nominated_by": "party"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "nominator" in response.json()["errors"]
    response = client.post(api("akim-campaign-candidates", pk), {"name": "Бекұлы Ғани", "nominated_by": "self"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    client.force_login(akim.inder_secretary)
    assert client.delete(api("akim-candidate", response.json()["id"])).status_code == 404
    assert client.delete(api("akim-event", event_id)).status_code == 404
    client.force_login(akim.makat_secretary)
    assert client.delete(api("akim-event", event_id)).status_code == 204
    assert OtherCandidate.objects.count() == 1


def test_the_public_api_names_only_announced_nominees(client: Any, akim: SimpleNamespace) -> None:
    assert client.get(api("akim-public-campaigns")).json()["count"] == 0
    assert client.get(api("akim-public-campaign", akim.campaign.pk)).status_code == 404
    campaign_choose_nominee(actor=akim.makat_secretary, campaign=akim.campaign, values={
        "nominee": akim.nurlan, "chosen_by": ChosenBy.DECISION, "decision_on": akim.today, "decision_body": "bureau",
        "nominee_bio_ru": "Агроном"})  # fmt: skip
    rows = client.get(api("akim-public-campaigns")).json()["results"]
    assert [r["nominee_name"] for r in rows] == ["Нұрланов Арман"]
    detail = client.get(api("akim-public-campaign", akim.campaign.pk)).json()
    assert "nominee" not in detail and "card_number" not in str(detail) and detail["candidates_count"] == 1
    assert detail["nominee_bio"] == "Агроном"


def test_wild_ids_and_dates_are_field_errors_never_server_errors(client: Any, akim: SimpleNamespace, tree: Any) -> None:
    client.force_login(akim.makat_secretary)
    body = {"org_unit": 10**30, "okrug": "-1", "election_date": "9999-12-31"}
    response = client.post(api("akim-campaigns"), body, content_type="application/json")
    assert response.status_code == 400 and {"org_unit", "okrug"} <= set(response.json()["errors"])
    body = {"org_unit": tree.makat.pk, "okrug": akim.baichunas.pk, "election_date": "9999-12-31"}
    response = client.post(api("akim-campaigns"), body, content_type="application/json")
    assert response.status_code == 400 and "election_date" in response.json()["errors"]
    event = {"kind": "meeting", "starts_at": "9999-12-31T23:00:00Z", "ends_at": "9999-12-31T23:30:00Z", "place": "Клуб"}
    response = client.post(api("akim-campaign-events", akim.campaign.pk), event, content_type="application/json")
    assert response.status_code == 400 and "starts_at" in response.json()["errors"]
    response = client.post(api("akim-campaign-nominee", akim.campaign.pk),
                           {"chosen_by": "decision", "nominee": akim.nurlan.pk, "decision_on": "0001-01-01",
                            "decision_body": "bureau"}, content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "decision_on" in response.json()["errors"]
    assert AkimCampaign.objects.count() == 1 and not akim.campaign.events.exists()
