"""Documents: create, versions with kk/ru files, the assignments a decision created, public pages, API."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from amanat.documents.models import Document, DocumentVersion
from amanat.documents.services.documents import document_create, document_update, version_add

PDF = b"%PDF-1.4\n%test\n"
DOCX = b"PK\x03\x04rest-of-a-zip"


@pytest.fixture
def people(tree: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    return SimpleNamespace(
        secretary=make_user("executive_secretary", tree.regional),
        makat_secretary=make_user("executive_secretary", tree.makat),
        inder_secretary=make_user("executive_secretary", tree.inder),
        primary=make_user("primary_secretary", tree.makat_p1),
        deputy=make_user("deputy", tree.makat),
        member=make_user("member", tree.makat_p1),
    )


@pytest.fixture
def decision(tree: SimpleNamespace, people: SimpleNamespace) -> Document:
    return document_create(
        actor=people.makat_secretary, kind="bureau_decision", org_unit=tree.makat, number="7",
        adopted_on=dt.date(2026, 2, 20), title_ru="О выездных встречах", title_kk="Көшпелі кездесулер туралы",
    )  # fmt: skip


def test_versions_keep_the_earlier_ones(decision: Document, people: SimpleNamespace) -> None:
    v1 = version_add(
        actor=people.makat_secretary, document=decision, dated_on=dt.date(2026, 2, 20),
        file_ru=SimpleUploadedFile("reshenie.pdf", PDF), file_kk=SimpleUploadedFile("sheshim.docx", DOCX),
    )  # fmt: skip
    v2 = version_add(
        actor=people.makat_secretary, document=decision, dated_on=dt.date(2026, 2, 25),
        file_ru=SimpleUploadedFile("reshenie2.pdf", PDF), note="Corrected",
    )  # fmt: skip
    assert (v1.number, v2.number) == (1, 2)
    assert list(decision.versions.values_list("number", flat=True)) == [2, 1]


def test_bad_files_are_refused(decision: Document, people: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as caught:
        version_add(
            actor=people.makat_secretary, document=decision, dated_on=dt.date(2026, 2, 20),
            file_ru=SimpleUploadedFile("fake.pdf", b"not a pdf"), file_kk=SimpleUploadedFile("x.docx", b"nope"),
        )  # fmt: skip
    assert {"file_ru", "file_kk"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError):
        version_add(actor=people.makat_secretary, document=decision, dated_on=dt.date(2026, 2, 20))
    assert DocumentVersion.objects.count() == 0


def test_rights(tree: SimpleNamespace, decision: Document, people: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        document_create(actor=people.inder_secretary, kind="other", org_unit=tree.makat, adopted_on=dt.date(2026, 1, 1),
                        title_ru="X")  # fmt: skip
    with pytest.raises(PermissionDenied):
        document_update(actor=people.primary, document=decision, title_ru="Y")
    with pytest.raises(ValidationError):
        document_update(actor=people.makat_secretary, document=decision, title_ru="", title_kk="")


def test_detail_shows_the_assignments_it_created(
    client: Any, tree: SimpleNamespace, decision: Document, people: SimpleNamespace
) -> None:
    from amanat.assignments.services import assignment_issue, execution_accept, execution_report

    a = assignment_issue(
        actor=people.makat_secretary, org_unit=tree.makat, title="Field meetings in every village", text="",
        deadline_days=5, unit_recipients=[tree.makat_p1], user_recipients=[people.deputy], source=decision,
    )  # fmt: skip
    e = a.executions.get(recipient_unit=tree.makat_p1)
    execution_report(actor=people.primary, execution=e, text="Done")
    execution_accept(actor=people.makat_secretary, execution=e)
    client.force_login(people.secretary)
    page = client.get(reverse("documents:detail", args=[decision.pk]))
    assert page.status_code == 200
    [row] = page.context["assignments"]
    assert (row.n_done, row.n_total, row.n_overdue) == (1, 2, 0)
    assert "Field meetings in every village" in page.content.decode()
    client.force_login(people.inder_secretary)
    assert client.get(reverse("documents:detail", args=[decision.pk])).status_code == 404
    client.force_login(people.primary)
    assert client.get(reverse("documents:detail", args=[decision.pk])).status_code == 404  # another branch's document
    client.force_login(people.member)
    assert client.get(reverse("documents:list")).status_code == 404


def test_pages_list_create_and_version(client: Any, tree: SimpleNamespace, people: SimpleNamespace) -> None:
    client.force_login(people.secretary)
    answer = client.post(
        reverse("documents:create"),
        {"kind": "charter", "org_unit": tree.regional.pk, "adopted_on": "2022-03-01", "title_ru": "Устав партии",
         "title_kk": "Партия жарғысы", "is_public": "on"},
    )  # fmt: skip
    assert answer.status_code == 302
    doc = Document.objects.get()
    page = client.post(reverse("documents:create"), {"kind": "charter", "org_unit": tree.regional.pk})
    assert page.status_code == 200 and page.context["form"].errors
    client.post(
        reverse("documents:version-add", args=[doc.pk]),
        {"dated_on": "2022-03-01", "file_ru": SimpleUploadedFile("ustav.pdf", PDF)},
    )
    version = doc.versions.get()
    assert client.get(reverse("documents:version-file", args=[version.pk, "ru"])).status_code == 200
    page = client.get(reverse("documents:list"), {"kind": "charter", "year": "2022", "q": "Устав"})
    assert [d.pk for d in page.context["documents"]] == [doc.pk]
    assert client.get(reverse("documents:list"), {"export": "xlsx"}).status_code == 200


def test_public_pages_show_only_public_documents(client: Any, tree: SimpleNamespace, decision: Document,
                                                 people: SimpleNamespace) -> None:  # fmt: skip
    charter = document_create(
        actor=people.secretary, kind="charter", org_unit=tree.regional, adopted_on=dt.date(2022, 3, 1),
        title_ru="Устав", is_public=True,
    )  # fmt: skip
    version = version_add(actor=people.secretary, document=charter, dated_on=dt.date(2022, 3, 1),
                          file_ru=SimpleUploadedFile("ustav.pdf", PDF))  # fmt: skip
    page = client.get(reverse("documents:public-list"))
    assert [d.pk for d in page.context["documents"]] == [charter.pk]
    assert client.get(reverse("documents:public-detail", args=[charter.pk])).status_code == 200
    assert client.get(reverse("documents:public-detail", args=[decision.pk])).status_code == 404
    assert client.get(reverse("documents:public-file", args=[version.pk, "ru"])).status_code == 200


def test_api(tree: SimpleNamespace, decision: Document, people: SimpleNamespace) -> None:
    api = APIClient()
    api.force_authenticate(people.secretary)
    assert [d["id"] for d in api.get("/api/v1/documents/").json()["results"]] == [decision.pk]
    assert api.get(f"/api/v1/documents/{decision.pk}/").json()["versions"] == []
    answer = api.post("/api/v1/documents/", {"kind": "other", "org_unit": tree.regional.pk}, format="json")
    assert answer.status_code == 400 and "adopted_on" in answer.json()["errors"]
    answer = api.post(
        "/api/v1/documents/",
        {"kind": "other", "org_unit": tree.regional.pk, "adopted_on": "2026-01-05", "title_ru": "Программа"},
        format="json",
    )
    assert answer.status_code == 201
    api.force_authenticate(people.inder_secretary)
    assert api.get(f"/api/v1/documents/{decision.pk}/").status_code == 404
    api.force_authenticate(people.primary)
    assert api.post("/api/v1/documents/", {}, format="json").status_code == 403
