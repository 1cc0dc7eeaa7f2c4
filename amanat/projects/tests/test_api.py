"""/api/v1/projects/: public reads with free places, the rate-limited sign-up, results and
attendance for the organiser, 400 with field errors for bad input, 404 out of scope."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from amanat.projects.models import EventResult, SignUp
from amanat.projects.services.signups import signup_create
from amanat.projects.tests.conftest import sign, volunteer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/projects/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_anyone_reads_public_projects_and_events_with_free_places(api: APIClient, proj: SimpleNamespace) -> None:
    sign(proj.morning)
    projects = api.get(BASE).json()["results"]
    assert [p["code"] for p in projects] == ["taza-like"]
    assert {k["name"] for k in projects[0]["kpis"]} == {"Жиналған қоқыс", "Ағаш"}
    events = api.get(f"{BASE}events/", {"upcoming": "true"}).json()["results"]
    assert [e["id"] for e in events] == [proj.upcoming.pk]
    assert events[0]["free_places"] == 11
    assert {s["free"] for s in events[0]["shifts"]} == {1, 10}
    assert "Ерікті" not in str(events)
    detail = api.get(f"{BASE}{proj.project.pk}/").json()
    assert detail["events_held"] == 1
    proj.project.is_public = False
    proj.project.save()
    assert api.get(f"{BASE}{proj.project.pk}/").status_code == 404
    assert api.get(f"{BASE}events/{proj.upcoming.pk}/").status_code == 404
    assert api.get(f"{BASE}events/", {"project": "x"}).status_code == 400


def test_signup_through_the_api_and_its_refusals(api: APIClient, proj: SimpleNamespace) -> None:
    body = {"shift": proj.morning.pk, "name": "Api Ерікті", "phone": "+77017001122", "consent": True}
    response = api.post(f"{BASE}signups/", body, format="json")
    assert response.status_code == 201
    assert response.json()["cancel_token"]
    twice = api.post(f"{BASE}signups/", body, format="json")
    assert twice.status_code == 400
    assert twice.json()["errors"] == {"shift": ["You are already signed up for this shift."]}
    api.post(f"{BASE}signups/", body | {"phone": "+77017001133"}, format="json")
    full = api.post(f"{BASE}signups/", body | {"phone": "+77017001144"}, format="json")
    assert full.json()["errors"] == {"shift": ["This shift is full: choose another shift."]}
    no_consent = api.post(f"{BASE}signups/", body | {"shift": proj.afternoon.pk, "consent": False}, format="json")
    assert set(no_consent.json()["errors"]) == {"consent"}
    assert SignUp.objects.count() == 2


def test_signups_are_limited_per_address(api: APIClient, proj: SimpleNamespace) -> None:
    with override_settings(PROJECT_SIGNUPS_PER_HOUR=1):
        body = {"shift": proj.afternoon.pk, "name": "A", "phone": "+77017001122", "consent": True}
        assert api.post(f"{BASE}signups/", body, format="json").status_code == 201
        again = api.post(f"{BASE}signups/", body | {"phone": "+77017001123"}, format="json")
    assert again.status_code == 429
    assert again.json()["code"] == "throttled"


def test_results_and_attendance_for_the_organiser_only(api: APIClient, proj: SimpleNamespace) -> None:
    url = f"{BASE}events/{proj.past.pk}/results/"
    assert api.post(url, {"kpi": proj.tonnes.pk, "value": "1"}, format="json").status_code in (401, 403)
    api.force_authenticate(proj.inder_secretary)
    assert api.post(url, {"kpi": proj.tonnes.pk, "value": "1"}, format="json").status_code == 404
    api.force_authenticate(proj.makat_secretary)
    negative = api.post(url, {"kpi": proj.tonnes.pk, "value": "-2"}, format="json")
    assert negative.status_code == 400
    assert negative.json()["errors"] == {"value": ["A result cannot be negative."]}
    assert not EventResult.objects.exists()
    assert api.post(url, {"kpi": proj.tonnes.pk, "value": "2"}, format="json").status_code == 200
    assert APIClient().get(url).json()[0]["value"] == "2.00"

    signup = signup_create(
        shift_id=proj.past_shift.pk, volunteer=volunteer(1), now=proj.past.starts_at - dt.timedelta(days=1)
    )
    mark = f"{BASE}signups/{signup.pk}/transition/"
    assert api.post(mark, {"status": "attended"}, format="json").status_code == 400
    done = api.post(mark, {"status": "attended", "hours": "1.5"}, format="json")
    assert done.status_code == 200 and done.json()["hours"] == "1.50"
    listing = api.get(f"{BASE}signups/", {"event": proj.past.pk}).json()["results"]
    assert [s["id"] for s in listing] == [signup.pk]
    api.force_authenticate(proj.inder_secretary)
    assert api.post(mark, {"status": "no_show"}, format="json").status_code == 404
    assert api.get(f"{BASE}signups/").json()["results"] == []


def test_the_schema_describes_the_projects_api(api: APIClient, make_user: Any, tree: SimpleNamespace) -> None:
    api.force_authenticate(make_user("system_admin", tree.central))
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/projects/signups/" in response.content
