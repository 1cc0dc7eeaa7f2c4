"""/api/v1/programme/: scoping (404 out of scope), reports and verdicts through the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from amanat.programme.choices import ReportState
from amanat.programme.models import IndicatorValue, Report

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programme/"
MID_2025 = dt.datetime(2025, 7, 10, 12, 0, tzinfo=dt.UTC)


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def submit(user: Any, item: Any, **body: Any) -> Any:
    data = {"year": 2025, "quarter": 2, "narrative": "Фундамент залит."} | body
    return api_as(user).post(f"{BASE}items/{item.pk}/reports/", data, format="json")


def test_items_list_is_scoped_and_filtered(prog):
    ids = {row["id"] for row in api_as(prog.deputy).get(f"{BASE}items/").json()["results"]}
    assert {prog.clinic.pk, prog.road.pk} <= ids
    assert prog.direction.pk not in ids  # a regional item, above the Makat deputy's branch

    outsider = api_as(prog.inder_deputy).get(f"{BASE}items/").json()
    assert outsider["results"] == []

    by_body = api_as(prog.control).get(f"{BASE}items/", {"responsible_body": prog.health.pk}).json()["results"]
    assert [row["id"] for row in by_body] == [prog.clinic.pk]
    not_started = api_as(prog.control).get(f"{BASE}items/", {"status": "not_started"}).json()["results"]
    assert {row["id"] for row in not_started} == {prog.direction.pk, prog.clinic.pk, prog.road.pk}
    bad = api_as(prog.control).get(f"{BASE}items/", {"status": "nonsense", "programme": "x"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"status", "programme"}


def test_a_reporter_sees_only_their_bodys_items(prog):
    client = api_as(prog.health_reporter)
    ids = {row["id"] for row in client.get(f"{BASE}items/").json()["results"]}
    assert ids == {prog.clinic.pk}
    assert client.get(f"{BASE}items/{prog.road.pk}/").status_code == 404


def test_item_detail_has_indicators_and_404_out_of_scope(prog):
    IndicatorValue.objects.create(indicator=prog.beds, year=2025, quarter=1, planned=Decimal(10))
    data = api_as(prog.deputy).get(f"{BASE}items/{prog.clinic.pk}/").json()
    assert data["code"] == "1.1"
    assert data["parent"] == prog.direction.pk
    beds = next(row for row in data["indicators"] if row["id"] == prog.beds.pk)
    assert beds["values"][0]["planned"] == "10.0000"
    assert {row["name_ru"] for row in data["indicators"]} == {"Койки", "Ожидание"}

    assert api_as(prog.inder_deputy).get(f"{BASE}items/{prog.clinic.pk}/").status_code == 404
    assert api_as(prog.inder_deputy).get(f"{BASE}items/{prog.clinic.pk}/reports/").status_code == 404
    assert api_as(prog.deputy).get(f"{BASE}items/999999/").status_code == 404
    assert api_as(prog.deputy).get(f"{BASE}items/99999999999/").status_code == 404


def test_programmes_list_is_scoped(prog):
    assert [row["code"] for row in api_as(prog.control).get(f"{BASE}programmes/").json()["results"]] == ["together"]
    assert api_as(prog.inder_deputy).get(f"{BASE}programmes/").json()["results"] == []


def test_anonymous_gets_nothing(prog):
    assert APIClient().get(f"{BASE}items/").status_code in (401, 403)


@time_machine.travel(MID_2025, tick=False)
def test_submit_and_verdict_through_the_api(prog):
    response = submit(prog.health_reporter, prog.clinic, actuals={str(prog.beds.pk): "40"}, money_spent="1500000")
    assert response.status_code == 201, response.content
    report = Report.objects.get(pk=response.json()["id"])
    assert report.state == ReportState.CLAIMED
    assert IndicatorValue.objects.get(indicator=prog.beds, year=2025, quarter=2).actual == Decimal(40)

    listed = api_as(prog.deputy).get(f"{BASE}items/{prog.clinic.pk}/reports/").json()
    assert [row["id"] for row in listed] == [report.pk]

    verdict = api_as(prog.control).post(
        f"{BASE}reports/{report.pk}/verdict/", {"verdict": "confirmed", "version": report.version}, format="json"
    )
    assert verdict.status_code == 200, verdict.content
    assert verdict.json()["state"] == "confirmed"

    # The same (now stale) version again: a conflict, nothing changed.
    again = api_as(prog.control).post(
        f"{BASE}reports/{report.pk}/verdict/",
        {"verdict": "not_confirmed", "comment": "Нет", "version": 1},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert Report.objects.get(pk=report.pk).state == ReportState.CONFIRMED


@time_machine.travel(MID_2025, tick=False)
def test_submit_with_bad_input_answers_field_errors_and_writes_nothing(prog):
    response = submit(prog.health_reporter, prog.clinic, quarter=4, narrative=" ", actuals={str(prog.beds.pk): "-5"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"quarter", "narrative", f"actual_{prog.beds.pk}"} <= set(errors)
    assert not Report.objects.exists()

    shape = submit(prog.health_reporter, prog.clinic, quarter=9, actuals={"beds": "x"}, money_spent="lots")
    assert shape.status_code == 400
    assert {"quarter", "actuals", "money_spent"} <= set(shape.json()["errors"])
    assert not Report.objects.exists()


@time_machine.travel(MID_2025, tick=False)
def test_only_the_bodys_official_may_report(prog):
    assert submit(prog.akimat_reporter, prog.clinic).status_code == 404  # not their body: not seen
    assert submit(prog.deputy, prog.clinic).status_code == 403  # sees it, may not report
    assert not Report.objects.exists()


@time_machine.travel(MID_2025, tick=False)
def test_verdict_needs_a_comment_and_the_right(prog):
    report = Report.objects.get(pk=submit(prog.health_reporter, prog.clinic).json()["id"])
    url = f"{BASE}reports/{report.pk}/verdict/"
    partly = api_as(prog.control).post(url, {"verdict": "partly", "version": report.version}, format="json")
    assert partly.status_code == 400
    assert "comment" in partly.json()["errors"]
    assert api_as(prog.inder_deputy).post(url, {"verdict": "confirmed", "version": 1}, format="json").status_code == 404
    assert (
        api_as(prog.health_reporter).post(url, {"verdict": "confirmed", "version": 1}, format="json").status_code == 403
    )
    assert Report.objects.get(pk=report.pk).state == ReportState.CLAIMED


@time_machine.travel(MID_2025, tick=False)
def test_submit_as_multipart_with_evidence(prog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("act.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = api_as(prog.health_reporter).post(
        f"{BASE}items/{prog.clinic.pk}/reports/",
        {"year": 2025, "quarter": 2, "narrative": "Акт приёмки.", f"actuals.{prog.waiting.pk}": "12", "files": [pdf]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get(pk=response.json()["id"])
    assert [e.original_name for e in report.evidence.all()] == ["act.pdf"]
    assert IndicatorValue.objects.get(indicator=prog.waiting, quarter=2).actual == Decimal(12)

    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    refused = api_as(prog.health_reporter).post(
        f"{BASE}items/{prog.clinic.pk}/reports/",
        {"year": 2025, "quarter": 1, "narrative": "Ещё.", "files": [fake]},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "files" in refused.json()["errors"]
    assert Report.objects.count() == 1
