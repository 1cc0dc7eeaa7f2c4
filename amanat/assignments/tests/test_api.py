"""The API: list in scope, issue (400 field errors), my executions, report, accept/return, extensions."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from rest_framework.test import APIClient

from amanat.assignments.choices import ExecutionStatus
from amanat.assignments.models import Assignment
from amanat.assignments.tests.conftest import execution_of

BASE = "/api/v1/assignments/"


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_list_and_detail_in_scope(org: SimpleNamespace, issued: Assignment) -> None:
    data = api_as(org.makat_secretary).get(BASE).json()
    assert [row["id"] for row in data["results"]] == [issued.pk]
    assert data["results"][0]["recipients"] == 4
    assert api_as(org.inder_secretary).get(BASE).json()["results"] == []
    assert api_as(org.inder_secretary).get(f"{BASE}{issued.pk}/").status_code == 404
    assert api_as(org.region_secretary).get(f"{BASE}{issued.pk}/executions/").json()["count"] == 4
    assert api_as(org.p1_secretary).get(f"{BASE}{issued.pk}/").status_code == 404


def test_issue_and_bad_input(org: SimpleNamespace) -> None:
    client = api_as(org.makat_secretary)
    answer = client.post(BASE, {"org_unit": org.tree.makat.pk, "title": "T", "deadline_days": 3}, format="json")
    assert answer.status_code == 400 and "unit_recipients" in answer.json()["errors"]
    answer = client.post(
        BASE,
        {
            "org_unit": org.tree.makat.pk,
            "title": "T",
            "deadline": "2026-03-01",
            "unit_recipients": [org.tree.makat_p1.pk],
        },
        format="json",
    )
    assert answer.status_code == 400 and "deadline" in answer.json()["errors"]
    assert Assignment.objects.count() == 0
    answer = client.post(
        BASE,
        {"org_unit": org.tree.makat.pk, "title": "T", "deadline_days": 3,
         "unit_recipients": [org.tree.makat_p1.pk, org.makat_p2.pk], "user_recipients": [org.deputy.pk]},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 201 and answer.json()["recipients"] == 3
    assert api_as(org.p1_secretary).post(BASE, {"title": "x"}, format="json").status_code == 403


def test_execution_steps(org: SimpleNamespace, issued: Assignment) -> None:
    p1 = execution_of(issued, unit=org.tree.makat_p1)
    mine = api_as(org.p1_secretary).get(f"{BASE}mine/").json()
    assert [row["id"] for row in mine["results"]] == [p1.pk]
    url = f"{BASE}executions/{p1.pk}/"
    assert api_as(org.p2_secretary).post(f"{url}report/", {"text": "x"}).status_code == 404
    assert api_as(org.makat_secretary).post(f"{url}report/", {"text": "x"}).status_code == 403
    assert api_as(org.p1_secretary).post(f"{url}report/", {"text": ""}).status_code == 400
    answer = api_as(org.p1_secretary).post(f"{url}report/", {"text": "Done"})
    assert answer.status_code == 200 and answer.json()["status"] == ExecutionStatus.REPORTED
    assert api_as(org.p1_secretary).post(f"{url}accept/").status_code == 403
    assert api_as(org.inder_secretary).post(f"{url}accept/").status_code == 404
    p1.refresh_from_db()
    assert p1.status == ExecutionStatus.REPORTED
    assert api_as(org.makat_secretary).post(f"{url}return/", {"reason": ""}).status_code == 400
    answer = api_as(org.makat_secretary).post(f"{url}return/", {"reason": "More detail"})
    assert answer.json()["status"] == ExecutionStatus.RETURNED
    api_as(org.p1_secretary).post(f"{url}report/", {"text": "More detail here"})
    assert api_as(org.makat_secretary).post(f"{url}accept/").json()["status"] == ExecutionStatus.ACCEPTED


def test_extension_through_the_api(org: SimpleNamespace, issued: Assignment) -> None:
    p2 = execution_of(issued, unit=org.makat_p2)
    new = (issued.deadline + dt.timedelta(days=4)).isoformat()
    answer = api_as(org.p2_secretary).post(
        f"{BASE}executions/{p2.pk}/extension/", {"new_deadline": new, "reason": "Floods"}, format="json"
    )
    assert answer.status_code == 201
    ext = answer.json()["id"]
    assert api_as(org.p2_secretary).post(f"{BASE}extensions/{ext}/decide/", {"approve": True}).status_code == 404
    answer = api_as(org.makat_secretary).post(f"{BASE}extensions/{ext}/decide/", {"approve": True}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "approved"
    p2.refresh_from_db()
    assert p2.deadline.isoformat() == new


def test_remove_through_the_api(org: SimpleNamespace, issued: Assignment) -> None:
    assert api_as(org.makat_secretary).post(f"{BASE}{issued.pk}/remove/", {"reason": ""}).status_code == 400
    assert api_as(org.makat_secretary).post(f"{BASE}{issued.pk}/remove/", {"reason": "Done"}).status_code == 200
    issued.refresh_from_db()
    assert not issued.on_control
