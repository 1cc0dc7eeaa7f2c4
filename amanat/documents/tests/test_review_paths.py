"""Paths no other test walks: another district's secretary writing to a Makat document, and bad
or out-of-scope input on the create endpoint."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from amanat.audit.models import AuditEvent
from amanat.documents.models import Document, DocumentVersion
from amanat.documents.services.documents import document_create, version_add

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def people(tree: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    return SimpleNamespace(
        makat_secretary=make_user("executive_secretary", tree.makat),
        inder_secretary=make_user("executive_secretary", tree.inder),
    )


@pytest.fixture
def decision(tree: SimpleNamespace, people: SimpleNamespace) -> Document:
    return document_create(
        actor=people.makat_secretary, kind="bureau_decision", org_unit=tree.makat, number="7",
        adopted_on=dt.date(2026, 2, 20), title_ru="О выездных встречах",
    )  # fmt: skip


def test_another_districts_secretary_cannot_edit_or_version_a_document(
    client: Any, tree: SimpleNamespace, people: SimpleNamespace, decision: Document
) -> None:
    version = version_add(
        actor=people.makat_secretary, document=decision, dated_on=dt.date(2026, 2, 20),
        file_ru=SimpleUploadedFile("reshenie.pdf", PDF),
    )  # fmt: skip
    audits = AuditEvent.objects.filter(verb__startswith="documents.").count()
    client.force_login(people.inder_secretary)
    edit = client.post(
        reverse("documents:edit", args=[decision.pk]),
        {"kind": "other", "org_unit": tree.inder.pk, "adopted_on": "2026-02-21", "title_ru": "Чужой"},
    )
    assert edit.status_code == 404
    added = client.post(
        reverse("documents:version-add", args=[decision.pk]),
        {"dated_on": "2026-03-01", "file_ru": SimpleUploadedFile("other.pdf", PDF)},
    )
    assert added.status_code == 404
    assert client.get(reverse("documents:version-file", args=[version.pk, "ru"])).status_code == 404
    decision.refresh_from_db()
    assert (decision.title_ru, decision.org_unit_id, decision.kind) == (
        "О выездных встречах",
        tree.makat.pk,
        "bureau_decision",
    )
    assert DocumentVersion.objects.filter(document=decision).count() == 1
    assert AuditEvent.objects.filter(verb__startswith="documents.").count() == audits


def test_api_refuses_a_document_for_another_district_and_bad_fields(
    tree: SimpleNamespace, people: SimpleNamespace
) -> None:
    api = APIClient()
    api.force_authenticate(people.inder_secretary)
    body = {"kind": "other", "org_unit": tree.makat.pk, "adopted_on": "2026-01-05", "title_ru": "Чужой"}
    answer = api.post("/api/v1/documents/", body, format="json")
    assert answer.status_code == 400 and "org_unit" in answer.json()["errors"]
    answer = api.post(
        "/api/v1/documents/",
        {"kind": "poem", "org_unit": "x", "adopted_on": "yesterday", "is_public": "maybe"},
        format="json",
    )
    assert answer.status_code == 400
    assert {"kind", "org_unit", "adopted_on", "is_public"} <= set(answer.json()["errors"])
    answer = api.post(
        "/api/v1/documents/",
        {"kind": "other", "org_unit": tree.inder.pk, "adopted_on": "2026-01-05", "title_ru": " ", "title_kk": ""},
        format="json",
    )
    assert answer.status_code == 400 and "title_ru" in answer.json()["errors"]
    assert not Document.objects.exists()


def test_a_second_click_on_new_document_or_new_version_records_one(
    client: Any, tree: SimpleNamespace, people: SimpleNamespace
) -> None:
    client.force_login(people.makat_secretary)
    form = {"kind": "bureau_decision", "org_unit": tree.makat.pk, "number": "8", "adopted_on": "2026-03-02",
            "title_ru": "О приёме граждан"}  # fmt: skip
    first = client.post(reverse("documents:create"), form)
    second = client.post(reverse("documents:create"), form)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    document = Document.objects.get(number="8")
    assert AuditEvent.objects.filter(verb="documents.created", target_id=str(document.pk)).count() == 1

    def upload() -> dict[str, Any]:
        return {"dated_on": "2026-03-02", "file_ru": SimpleUploadedFile("decision.pdf", PDF)}

    client.post(reverse("documents:version-add", args=[document.pk]), upload())
    client.post(reverse("documents:version-add", args=[document.pk]), upload())
    assert document.versions.count() == 1
    later = {"dated_on": "2026-04-01", "file_ru": SimpleUploadedFile("decision-2.pdf", PDF + b"%amended\n")}
    client.post(reverse("documents:version-add", args=[document.pk]), later)
    assert list(document.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
