"""/api/v1/programme/control/: party control work through the API — scope (404 outside it),
rights (403 without programme.verify), bad input (400 field by field, nothing changed)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from amanat.audit.models import AuditEvent
from amanat.programme.models import (
    ControlPost,
    MonitoringVisit,
    ObjectKind,
    PostCheck,
    Recommendation,
    RecommendationStatus,
    VisitPhoto,
    VisitStatus,
)
from amanat.programme.services import control

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programme/control/"
TODAY = dt.date(2026, 12, 1)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Asia/Atyrau")), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def visit(prog: SimpleNamespace, tree: SimpleNamespace) -> MonitoringVisit:
    return control.monitoring_visit_create(
        actor=prog.control,
        org_unit=tree.makat,
        object_name="Makat clinic",
        kind=ObjectKind.CLINIC,
        visited_on=TODAY,
        status=VisitStatus.DONE,
        findings="The roof leaks.",
        members=[prog.deputy],
        items=[prog.clinic],
    )


def _recommend(prog: SimpleNamespace, visit: MonitoringVisit, **extra: Any) -> Recommendation:
    values = {"text": "Repair the roof", "addressee_body": prog.health, "issued_on": TODAY} | extra
    return control.recommendation_create(actor=prog.control, visit=visit, **values)


@pytest.fixture
def post(prog: SimpleNamespace, tree: SimpleNamespace) -> ControlPost:
    return control.control_post_create(
        actor=prog.control, org_unit=tree.makat, object_name="Clinic site", opened_on=dt.date(2026, 6, 1)
    )


# Visits


def test_a_visit_is_recorded_with_its_items_and_read_back(prog: SimpleNamespace, tree: SimpleNamespace) -> None:
    body = {
        "org_unit": tree.makat.pk, "object_name": "School No. 3", "kind": "school", "visited_on": "2026-11-30",
        "status": "done", "findings": "Cracks in the walls.", "items": [prog.clinic.pk, prog.road.pk],
        "members": [prog.deputy.pk],
    }  # fmt: skip
    created = api_as(prog.deputy).post(f"{BASE}visits/", body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert set(data["items"]) == {prog.clinic.pk, prog.road.pk}
    assert data["members"] == [prog.deputy.pk] and data["photos"] == []
    visit = MonitoringVisit.objects.get()
    assert AuditEvent.objects.filter(verb="programme.visit_created", target_id=str(visit.pk)).exists()

    read = api_as(prog.control).get(f"{BASE}visits/{visit.pk}/").json()
    assert read["object_name"] == "School No. 3" and read["kind_display"] == "School"
    listed = api_as(prog.deputy).get(f"{BASE}visits/", {"status": "done"}).json()["results"]
    assert [row["id"] for row in listed] == [visit.pk]
    assert api_as(prog.deputy).get(f"{BASE}visits/", {"status": "planned"}).json()["results"] == []


def test_a_visit_of_another_district_answers_404(prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    outsider = api_as(prog.inder_deputy)
    assert outsider.get(f"{BASE}visits/").json()["results"] == []
    for url in (
        f"{BASE}visits/{visit.pk}/",
        f"{BASE}visits/{visit.pk}/photos/",
        f"{BASE}visits/{visit.pk}/recommendations/",
    ):
        assert outsider.get(url).status_code == 404, url
    changed = outsider.patch(f"{BASE}visits/{visit.pk}/", {"findings": "Nothing wrong"}, format="json")
    assert changed.status_code == 404
    assert outsider.post(f"{BASE}visits/{visit.pk}/recommendations/", {}, format="json").status_code == 404
    assert api_as(prog.deputy).get(f"{BASE}visits/99999999999/").status_code == 404
    visit.refresh_from_db()
    assert visit.findings == "The roof leaks."


def test_a_visit_cannot_be_filed_in_another_district(prog: SimpleNamespace, tree: SimpleNamespace) -> None:
    body = {"org_unit": tree.makat.pk, "object_name": "Road", "visited_on": "2026-11-30", "items": [prog.clinic.pk]}
    answer = api_as(prog.inder_deputy).post(f"{BASE}visits/", body, format="json")
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"org_unit", "items"}
    assert not MonitoringVisit.objects.exists()


def test_bad_visit_input_is_refused_field_by_field(prog: SimpleNamespace, tree: SimpleNamespace) -> None:
    client = api_as(prog.control)
    answer = client.post(f"{BASE}visits/", {"kind": "castle", "visited_on": "yesterday"}, format="json")
    assert answer.status_code == 400
    assert {"org_unit", "object_name", "kind", "visited_on"} <= set(answer.json()["errors"])
    future = {"org_unit": tree.makat.pk, "object_name": "School", "visited_on": "2026-12-20", "status": "done"}
    answer = client.post(f"{BASE}visits/", future, format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"]["visited_on"] == ["A visit in the future cannot be marked done."]
    assert not MonitoringVisit.objects.exists()


def test_patch_changes_only_what_is_sent(prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    client = api_as(prog.deputy)
    answer = client.patch(f"{BASE}visits/{visit.pk}/", {"findings": "Roof repaired."}, format="json")
    assert answer.status_code == 200
    assert answer.json()["items"] == [prog.clinic.pk]  # not sent: kept
    answer = client.patch(f"{BASE}visits/{visit.pk}/", {"items": [prog.road.pk]}, format="json")
    assert answer.json()["items"] == [prog.road.pk] and answer.json()["findings"] == "Roof repaired."
    refused = client.patch(f"{BASE}visits/{visit.pk}/", {"visited_on": "2026-12-25"}, format="json")
    assert refused.status_code == 400 and "visited_on" in refused.json()["errors"]
    visit.refresh_from_db()
    assert visit.visited_on == TODAY


def test_an_auditor_reads_but_may_not_write(
    prog: SimpleNamespace, visit: MonitoringVisit, make_user: Any, tree: SimpleNamespace
) -> None:
    auditor = api_as(make_user("auditor", tree.regional))
    assert auditor.get(f"{BASE}visits/{visit.pk}/").status_code == 200
    assert auditor.patch(f"{BASE}visits/{visit.pk}/", {"findings": "x"}, format="json").status_code == 403
    body = {"text": "Fix it", "addressee_body": prog.health.pk, "issued_on": "2026-12-01"}
    assert auditor.post(f"{BASE}visits/{visit.pk}/recommendations/", body, format="json").status_code == 403
    new = {"org_unit": tree.makat.pk, "object_name": "Road", "visited_on": "2026-11-30"}
    assert auditor.post(f"{BASE}visits/", new, format="json").status_code == 403
    assert not Recommendation.objects.exists() and MonitoringVisit.objects.count() == 1
    assert APIClient().get(f"{BASE}visits/").status_code in (401, 403)


def test_the_visit_list_costs_the_same_for_one_or_many(prog: SimpleNamespace, tree: SimpleNamespace) -> None:
    def make(n: int) -> None:
        for i in range(n):
            visit = control.monitoring_visit_create(
                actor=prog.control, org_unit=tree.makat, object_name=f"Object {i}", visited_on=TODAY,
                members=[prog.deputy], items=[prog.clinic],
            )  # fmt: skip
            control.visit_photo_add(
                actor=prog.control, visit=visit, upload=SimpleUploadedFile("a.png", PNG, content_type="image/png")
            )

    client = api_as(prog.control)
    make(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"{BASE}visits/").status_code == 200
    make(5)
    with CaptureQueriesContext(connection) as six:
        assert len(client.get(f"{BASE}visits/").json()["results"]) == 6
    assert len(six) == len(one)


# Photos


def test_photos_are_uploaded_listed_and_downloaded_in_scope(prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    client = api_as(prog.deputy)
    url = f"{BASE}visits/{visit.pk}/photos/"
    wrong = client.post(url, {"file": SimpleUploadedFile("roof.png", b"GIF89a....", content_type="image/png")})
    assert wrong.status_code == 400 and "file" in wrong.json()["errors"]
    script = client.post(url, {"file": SimpleUploadedFile("roof.exe", PNG, content_type="image/png")})
    assert script.status_code == 400
    assert not visit.photos.exists()

    added = client.post(url, {"file": SimpleUploadedFile("roof.png", PNG, content_type="image/png")})
    assert added.status_code == 201
    photo = added.json()
    assert photo["original_name"] == "roof.png" and photo["content_type"] == "image/png"
    listed = client.get(url).json()
    assert [row["id"] for row in listed] == [photo["id"]]
    assert client.get(f"{BASE}visits/{visit.pk}/").json()["photos"][0]["download_url"] == photo["download_url"]
    download = client.get(photo["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG

    outsider = api_as(prog.inder_deputy)
    assert outsider.get(photo["download_url"]).status_code == 404
    assert outsider.delete(f"{BASE}photos/{photo['id']}/").status_code == 404
    assert visit.photos.count() == 1


def test_a_removed_photo_leaves_the_api_and_stays_on_record(prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    photo = control.visit_photo_add(
        actor=prog.control, visit=visit, upload=SimpleUploadedFile("roof.png", PNG, content_type="image/png")
    )
    client = api_as(prog.deputy)
    answer = client.delete(f"{BASE}photos/{photo.pk}/")
    assert answer.status_code == 204
    assert not visit.photos.exists()
    assert client.get(f"{BASE}photos/{photo.pk}/").status_code == 404
    assert client.get(f"{BASE}visits/{visit.pk}/photos/").json() == []
    assert VisitPhoto.all_objects.get(pk=photo.pk).deleted_at is not None
    assert photo.file.storage.exists(photo.file.name)
    assert AuditEvent.objects.filter(verb="programme.visit_photo_deleted", target_id=str(visit.pk)).exists()


# Recommendations


def test_a_recommendation_is_issued_with_a_working_day_deadline(prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    client = api_as(prog.deputy)
    body = {"text": "Fix the roof", "addressee_body": prog.health.pk, "issued_on": "2026-12-11", "deadline_days": 3}
    answer = client.post(f"{BASE}visits/{visit.pk}/recommendations/", body, format="json")
    assert answer.status_code == 201
    assert answer.json()["deadline"] == "2026-12-17"  # past the weekend and Independence Day
    body.pop("deadline_days")
    default = client.post(f"{BASE}visits/{visit.pk}/recommendations/", body, format="json")
    assert default.json()["deadline_days"] == control.DEFAULT_DEADLINE_DAYS


@pytest.mark.parametrize("days", [0, -3])
def test_a_term_of_no_working_days_is_refused(prog: SimpleNamespace, visit: MonitoringVisit, days: int) -> None:
    body = {"text": "Fix the roof", "addressee_body": prog.health.pk, "issued_on": "2026-12-01", "deadline_days": days}
    answer = api_as(prog.control).post(f"{BASE}visits/{visit.pk}/recommendations/", body, format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"]["deadline_days"] == ["The term must be at least one working day."]
    assert not Recommendation.objects.exists()


def test_recommendations_are_filtered_by_status_overdue_and_addressee(
    prog: SimpleNamespace, visit: MonitoringVisit
) -> None:
    fresh = _recommend(prog, visit, text="Fresh", deadline_days=30)
    late = _recommend(prog, visit, text="Late", issued_on=dt.date(2026, 11, 2), deadline_days=5)
    stale = _recommend(prog, visit, text="Stale", issued_on=dt.date(2026, 10, 1), deadline_days=5)
    Recommendation.objects.filter(pk=stale.pk).update(status=RecommendationStatus.OVERDUE)
    other = _recommend(prog, visit, text="Road", addressee_body=prog.makat_akimat)
    client = api_as(prog.deputy)

    def ids(**params: Any) -> set[int]:
        answer = client.get(f"{BASE}recommendations/", params)
        assert answer.status_code == 200, answer.json()
        return {row["id"] for row in answer.json()["results"]}

    assert ids() == {fresh.pk, late.pk, stale.pk, other.pk}
    assert ids(overdue="true") == {late.pk, stale.pk}  # the sweep has not run for "Late" yet
    assert ids(overdue="false") == {fresh.pk, other.pk}
    assert ids(status="overdue") == {stale.pk}
    assert ids(addressee=prog.makat_akimat.pk) == {other.pk}
    bad = client.get(f"{BASE}recommendations/", {"status": "lost", "overdue": "maybe", "addressee": "x"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"status", "overdue", "addressee"}
    assert api_as(prog.inder_deputy).get(f"{BASE}recommendations/").json()["results"] == []


def test_an_open_recommendation_is_corrected_and_a_closed_one_is_not(
    prog: SimpleNamespace, visit: MonitoringVisit
) -> None:
    rec = _recommend(prog, visit)
    client = api_as(prog.deputy)
    url = f"{BASE}recommendations/{rec.pk}/"
    answer = client.patch(url, {"deadline_days": 3, "issued_on": "2026-11-26"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["deadline"] == "2026-12-01" and answer.json()["text"] == "Repair the roof"

    closed = client.post(f"{url}close/", {"outcome": "done", "response": "The roof is repaired."}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    refused = client.patch(url, {"text": "Something else"}, format="json")
    assert refused.status_code == 400
    assert "A closed recommendation cannot be changed." in str(refused.json()["errors"])
    again = client.post(f"{url}close/", {"outcome": "rejected", "response": "No"}, format="json")
    assert again.status_code == 400
    rec.refresh_from_db()
    assert (rec.text, rec.status, rec.response) == ("Repair the roof", "done", "The roof is repaired.")


def test_closing_needs_a_response_and_stays_in_scope(prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    rec = _recommend(prog, visit)
    url = f"{BASE}recommendations/{rec.pk}/close/"
    empty = api_as(prog.control).post(url, {"outcome": "done", "response": " "}, format="json")
    assert empty.status_code == 400 and "response" in empty.json()["errors"]
    wrong = api_as(prog.control).post(url, {"outcome": "open", "response": "x"}, format="json")
    assert wrong.status_code == 400 and "outcome" in wrong.json()["errors"]
    outsider = api_as(prog.inder_deputy)
    assert outsider.post(url, {"outcome": "done", "response": "Done"}, format="json").status_code == 404
    assert outsider.get(f"{BASE}recommendations/{rec.pk}/").status_code == 404
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.OPEN


# Posts and checks


def test_a_post_is_opened_and_checked(prog: SimpleNamespace, tree: SimpleNamespace) -> None:
    client = api_as(prog.deputy)
    body = {
        "org_unit": tree.makat.pk,
        "object_name": "Clinic site",
        "opened_on": "2026-06-01",
        "items": [prog.clinic.pk],
    }
    created = client.post(f"{BASE}posts/", body, format="json")
    assert created.status_code == 201, created.json()
    post_id = created.json()["id"]
    assert created.json()["items"] == [prog.clinic.pk] and created.json()["checks"] == []

    check = {"checked_on": "2026-11-30", "quality": "ok", "spending": "ok", "safety": "ok", "wage_arrears": "issue"}
    refused = client.post(f"{BASE}posts/{post_id}/checks/", check, format="json")
    assert refused.status_code == 400 and "wage_arrears_note" in refused.json()["errors"]
    assert not PostCheck.objects.exists()
    added = client.post(
        f"{BASE}posts/{post_id}/checks/", check | {"wage_arrears_note": "Two months unpaid"}, format="json"
    )
    assert added.status_code == 201 and added.json()["has_issues"] is True

    detail = client.get(f"{BASE}posts/{post_id}/").json()
    assert [c["wage_arrears_note"] for c in detail["checks"]] == ["Two months unpaid"]
    listed = client.get(f"{BASE}posts/").json()["results"]
    assert listed[0]["check_count"] == 1 and listed[0]["last_checked_on"] == "2026-11-30"
    assert [c["id"] for c in client.get(f"{BASE}posts/{post_id}/checks/").json()] == [added.json()["id"]]


def test_posts_of_another_district_answer_404(prog: SimpleNamespace, post: ControlPost) -> None:
    outsider = api_as(prog.inder_deputy)
    assert outsider.get(f"{BASE}posts/").json()["results"] == []
    assert outsider.get(f"{BASE}posts/{post.pk}/").status_code == 404
    assert outsider.get(f"{BASE}posts/{post.pk}/checks/").status_code == 404
    check = {"checked_on": "2026-11-30", "quality": "ok", "spending": "ok", "safety": "ok", "wage_arrears": "ok"}
    assert outsider.post(f"{BASE}posts/{post.pk}/checks/", check, format="json").status_code == 404
    assert outsider.patch(f"{BASE}posts/{post.pk}/", {"closed_on": "2026-11-30"}, format="json").status_code == 404
    assert not PostCheck.objects.exists()


def test_bad_post_input_changes_nothing(prog: SimpleNamespace, post: ControlPost) -> None:
    client = api_as(prog.control)
    answer = client.patch(f"{BASE}posts/{post.pk}/", {"closed_on": "2026-05-01"}, format="json")
    assert answer.status_code == 400 and "closed_on" in answer.json()["errors"]
    early = {"checked_on": "2026-05-01", "quality": "ok", "spending": "ok", "safety": "ok", "wage_arrears": "ok"}
    answer = client.post(f"{BASE}posts/{post.pk}/checks/", early, format="json")
    assert answer.status_code == 400 and "checked_on" in answer.json()["errors"]
    post.refresh_from_db()
    assert post.closed_on is None and not post.checks.exists()
    closed = client.patch(f"{BASE}posts/{post.pk}/", {"closed_on": "2026-11-30"}, format="json")
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2026-11-30"
