"""Paths no other test walks: a second click on "record the version" (page and API), another
district's deputy uploading a photo or correcting a recommendation, bad recommendation input."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from amanat.audit.models import AuditEvent
from amanat.org.models import Official
from amanat.programme.models import MonitoringVisit, ObjectKind, ProgrammeVersion, Recommendation, VisitStatus
from amanat.programme.services import control
from amanat.programme.services.versions import VERB_ADOPTED

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
def admin(tree: SimpleNamespace, make_user: Any) -> Any:
    return make_user("regional_admin", tree.regional)


@pytest.fixture
def visit(prog: SimpleNamespace, tree: SimpleNamespace) -> MonitoringVisit:
    return control.monitoring_visit_create(
        actor=prog.control, org_unit=tree.makat, object_name="Makat clinic", kind=ObjectKind.CLINIC,
        visited_on=TODAY, status=VisitStatus.DONE, findings="The roof leaks.", members=[prog.deputy],
        items=[prog.clinic],
    )  # fmt: skip


# Versions: a double submit records one version


def test_submitting_the_adopt_form_twice_records_one_version(client: Any, admin: Any, prog: SimpleNamespace) -> None:
    client.force_login(admin)
    url = reverse("programme:version-adopt", args=[prog.programme.pk])
    data = {"adopted_on": "2026-03-01", "basis": "Бюро облыстық филиалы, №4", "note_ru": "Первая редакция"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert list(ProgrammeVersion.objects.filter(programme=prog.programme).values_list("number", flat=True)) == [1]
    prog.programme.refresh_from_db()
    assert prog.programme.version == 1
    assert AuditEvent.objects.filter(verb=VERB_ADOPTED).count() == 1


def test_posting_the_same_version_twice_to_the_api_records_one(admin: Any, prog: SimpleNamespace) -> None:
    url = f"/api/v1/programme/programmes/{prog.programme.pk}/versions/"
    body = {"adopted_on": "2026-03-01", "basis": "Бюро, №4"}
    first = api_as(admin).post(url, body, format="json")
    second = api_as(admin).post(url, body, format="json")
    assert first.status_code == 201
    assert second.status_code in (200, 201) and second.json()["number"] == 1
    assert ProgrammeVersion.objects.filter(programme=prog.programme).count() == 1
    assert AuditEvent.objects.filter(verb=VERB_ADOPTED).count() == 1


# Party control: another district's deputy changes nothing


def test_another_district_cannot_upload_a_photo_or_correct_a_recommendation(
    prog: SimpleNamespace, visit: MonitoringVisit
) -> None:
    rec = control.recommendation_create(
        actor=prog.control, visit=visit, text="Repair the roof", addressee_body=prog.health, issued_on=TODAY
    )
    outsider = api_as(prog.inder_deputy)
    upload = SimpleUploadedFile("roof.png", PNG, content_type="image/png")
    assert outsider.post(f"{BASE}visits/{visit.pk}/photos/", {"file": upload}).status_code == 404
    answer = outsider.patch(f"{BASE}recommendations/{rec.pk}/", {"text": "Nothing to do"}, format="json")
    assert answer.status_code == 404
    assert not visit.photos.exists()
    rec.refresh_from_db()
    assert (rec.text, rec.deadline_days) == ("Repair the roof", control.DEFAULT_DEADLINE_DAYS)


# Party control: bad recommendation input is 400 field by field


def test_bad_recommendation_input_is_400_field_by_field_and_adds_nothing(
    prog: SimpleNamespace, visit: MonitoringVisit
) -> None:
    client = api_as(prog.control)
    url = f"{BASE}visits/{visit.pk}/recommendations/"
    answer = client.post(url, {"addressee_body": 99999999, "issued_on": "soon", "deadline_days": 400}, format="json")
    assert answer.status_code == 400
    assert {"text", "addressee_body", "issued_on", "deadline_days"} <= set(answer.json()["errors"])
    blank = client.post(url, {"text": "  ", "addressee_body": prog.health.pk, "issued_on": "2026-12-01"}, format="json")
    assert blank.status_code == 400 and "text" in blank.json()["errors"]
    other_body = Official.objects.get(body=prog.makat_akimat)
    mismatch = {
        "text": "Repair the roof", "addressee_body": prog.health.pk, "addressee_official": other_body.pk,
        "issued_on": "2026-12-01",
    }  # fmt: skip
    answer = client.post(url, mismatch, format="json")
    assert answer.status_code == 400 and "addressee_official" in answer.json()["errors"]
    assert not Recommendation.objects.exists()
