"""/api/v1/meetings/: list by unit and month, detail, create with bad input, raised issue -> appeal,
transitions, the iCal feed; scope answers 404."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from icalendar import Calendar
from rest_framework.test import APIClient

from amanat.appeals.models import Appeal
from amanat.meetings.models import Meeting
from conftest import scope_matrix


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _results(response: Any) -> list[dict]:
    data = response.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data


def test_list_by_unit_and_month(meet: Any, tree: Any) -> None:
    client = api(meet.regional)
    url = reverse("api:meetings-list")
    month = meet.day.strftime("%Y-%m")
    ids = {row["id"] for row in _results(client.get(url, {"unit": tree.regional.pk, "month": month}))}
    assert ids == {meet.field.pk, meet.bureau.pk}
    ids = {row["id"] for row in _results(client.get(url, {"unit": tree.makat.pk, "month": month}))}
    assert ids == {meet.field.pk}
    assert _results(client.get(url, {"unit": tree.regional.pk, "month": "2001-01"})) == []
    assert client.get(url, {"month": "20x1"}).status_code == 400
    assert api(meet.inder).get(url, {"unit": tree.makat.pk}).status_code == 404
    assert {r["id"] for r in _results(api(meet.inder).get(url))} == set()


def test_detail_scope_matrix(client: Any, meet: Any, make_user: Any, tree: Any) -> None:
    scope_matrix(
        client, make_user, tree, url=reverse("api:meetings-detail", args=[meet.field.pk]), role="auditor", api=True
    )


def test_create_refuses_an_end_before_the_start_with_field_errors(meet: Any, tree: Any) -> None:
    client = api(meet.secretary)
    before = Meeting.objects.count()
    data = {
        "org_unit": tree.makat.pk, "kind": "field_meeting", "title_kk": "Кездесу",
        "starts_at": f"{meet.day}T15:00:00+05:00", "ends_at": f"{meet.day}T14:00:00+05:00",
    }  # fmt: skip
    response = client.post(reverse("api:meetings-list"), data, format="json")
    assert response.status_code == 400 and "ends_at" in str(response.json())
    assert Meeting.objects.count() == before
    data["ends_at"] = f"{meet.day}T16:00:00+05:00"
    response = client.post(reverse("api:meetings-list"), data, format="json")
    assert response.status_code == 201, response.json()
    data["org_unit"] = tree.inder.pk
    assert client.post(reverse("api:meetings-list"), data, format="json").status_code == 400
    assert api(meet.auditor).post(reverse("api:meetings-list"), data, format="json").status_code == 403


def test_raised_issue_becomes_an_appeal_through_the_api(meet: Any) -> None:
    client = api(meet.operator)
    url = reverse("api:meetings-issues", args=[meet.field.pk])
    response = client.post(url, {"text": "Жол жоқ", "applicant_name": "Асан", "idempotency_key": "a1"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    appeal = Appeal.objects.get(pk=body["appeal"])
    assert body["appeal_number"] == appeal.number and body["channel"] == "field_meeting"
    assert (
        client.post(url, {"text": "Жол жоқ", "applicant_name": "Асан", "idempotency_key": "a1"}, format="json").json()[
            "appeal"
        ]
        == appeal.pk
    )
    response = client.post(url, {"text": "", "applicant_name": "Асан"}, format="json")
    assert response.status_code == 400 and "text" in str(response.json())
    assert Appeal.objects.count() == 1
    detail = client.get(reverse("api:meetings-detail", args=[meet.field.pk])).json()
    assert [i["appeal_number"] for i in detail["issues"]] == [appeal.number]
    assert api(meet.inder).post(url, {"text": "x", "applicant_name": "A"}, format="json").status_code == 404
    assert api(meet.auditor).post(url, {"text": "x", "applicant_name": "A"}, format="json").status_code == 403


def test_transition_through_the_api(meet: Any) -> None:
    client = api(meet.secretary)
    url = reverse("api:meetings-transition", args=[meet.field.pk])
    assert client.post(url, {"transition": "sign"}, format="json").status_code == 400
    assert client.post(url, {"transition": "hold"}, format="json").json()["status"] == "held"


def test_ical_through_the_api(meet: Any, tree: Any) -> None:
    response = api(meet.secretary).get(reverse("api:meetings-ical"), {"unit": tree.makat.pk})
    assert response.status_code == 200
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1
    assert api(meet.inder).get(reverse("api:meetings-ical"), {"unit": tree.makat.pk}).status_code == 404
