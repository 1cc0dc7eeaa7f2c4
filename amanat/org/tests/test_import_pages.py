"""Member import through the pages: upload, preview, progress, confirm, template download."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from amanat.org.importing import COLUMN_NAMES
from amanat.org.models import Member, MemberImport
from amanat.org.tests.test_import_files import csv_bytes, row, xlsx_bytes

IMPORT_URL = reverse("org:member-import")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def secretary(client: Any, make_user: Any, tree: Any) -> Any:
    user = make_user("primary_secretary", tree.makat_p1)
    client.force_login(user)
    return user


def _upload(client: Any, tree: Any, data: bytes, name: str) -> Any:
    file = io.BytesIO(data)
    file.name = name
    return client.post(IMPORT_URL, {"org_unit": tree.makat_p1.pk, "file": file})


def test_import_page_documents_columns_and_offers_the_template(client: Any, secretary: Any) -> None:
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    for column in COLUMN_NAMES:
        assert f"<code>{column}</code>" in page.content.decode()
    template = client.get(reverse("org:member-import-template"))
    assert template.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(template.streaming_content if template.streaming else [template.content]))
    )
    assert [c.value for c in sheet.worksheets[0][1]] == list(COLUMN_NAMES)


def test_good_csv_upload_shows_preview_then_confirm_imports_all(client: Any, secretary: Any, tree: Any) -> None:
    response = _upload(client, tree, csv_bytes([row(last_name="Бекова", first_name="Сая"), row()]), "m.csv")
    job = MemberImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("org:member-import-detail", args=[job.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "Бекова Сая" in preview
    assert "Import 2 members" in preview
    assert Member.objects.count() == 0

    confirmed = client.post(response["Location"])
    assert confirmed.status_code == 302
    assert Member.objects.count() == 2
    done = client.get(response["Location"]).content.decode()
    assert "2 members imported." in done


def test_good_xlsx_upload_imports(client: Any, secretary: Any, tree: Any) -> None:
    _upload(client, tree, xlsx_bytes([row(), row(), row()]), "members.xlsx")
    job = MemberImport.objects.get()
    assert job.status == MemberImport.Status.READY
    client.post(reverse("org:member-import-detail", args=[job.pk]))
    assert Member.objects.filter(org_unit=tree.makat_p1).count() == 3


def test_bad_row_is_shown_by_row_and_column_and_cannot_be_confirmed(client: Any, secretary: Any, tree: Any) -> None:
    _upload(client, tree, csv_bytes([row(), row(joined_on="30.02.2021")]), "m.csv")
    job = MemberImport.objects.get()
    url = reverse("org:member-import-detail", args=[job.pk])
    page = client.get(url).content.decode()
    assert "<td>3</td><td><code>joined_on</code></td>" in page
    assert "Not a real date" in page
    assert "nothing has been imported" in page
    client.post(url)
    assert Member.objects.count() == 0


def test_many_errors_are_paginated(client: Any, secretary: Any, tree: Any) -> None:
    _upload(client, tree, csv_bytes([row(iin="1") for _ in range(60)]), "m.csv")
    url = reverse("org:member-import-detail", args=[MemberImport.objects.get().pk])
    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    assert "<td>51</td>" in first and "<td>52</td>" not in first
    assert "<td>52</td>" in second and "<td>61</td>" in second


def test_garbage_xlsx_gets_a_clear_message_and_nothing_is_stored(client: Any, secretary: Any, tree: Any) -> None:
    response = _upload(client, tree, b"this is not a spreadsheet at all", "members.xlsx")
    assert response.status_code == 400
    assert "This is not a valid XLSX file" in response.content.decode()
    assert MemberImport.objects.count() == 0


def test_oversized_file_gets_a_clear_message(client: Any, secretary: Any, tree: Any, settings: Any) -> None:
    settings.IMPORT_MAX_MB = 0.0002
    response = _upload(client, tree, csv_bytes([row()] * 5), "members.csv")
    assert response.status_code == 400
    assert "The file is larger than" in response.content.decode()
    assert MemberImport.objects.count() == 0


def test_wrong_extension_is_refused(client: Any, secretary: Any, tree: Any) -> None:
    response = _upload(client, tree, b"%PDF-1.4", "members.pdf")
    assert "Upload an .xlsx or .csv file." in response.content.decode()
    assert MemberImport.objects.count() == 0


def test_progress_polls_while_running_and_refreshes_when_done(
    client: Any, secretary: Any, tree: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_SYNC_MAX_ROWS = 1
    _upload(client, tree, csv_bytes([row(), row(), row()]), "big.csv")  # the task waits for the commit
    job = MemberImport.objects.get()
    url = reverse("org:member-import-detail", args=[job.pk])
    assert job.background and job.status == MemberImport.Status.PENDING
    poll = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in poll.content.decode()
    assert "<html" not in poll.content.decode(), "only the progress partial"
    page = client.get(url).content.decode()
    assert 'role="progressbar"' in page and 'http-equiv="refresh"' in page, "works without JavaScript too"

    from amanat.org.services.people import member_import_validate

    member_import_validate(import_id=job.pk)
    finished = client.get(url, headers={"HX-Request": "true"})
    assert finished.status_code == 200 and finished["HX-Refresh"] == "true"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    job.refresh_from_db()
    assert job.status == MemberImport.Status.DONE and job.rows_done == job.rows_total == 3
    assert Member.objects.count() == 3


def test_import_of_another_district_is_404(client: Any, make_user: Any, tree: Any) -> None:
    makat = make_user("primary_secretary", tree.makat_p1)
    client.force_login(makat)
    _upload(client, tree, csv_bytes([row()]), "m.csv")
    job = MemberImport.objects.get()
    client.force_login(make_user("primary_secretary", tree.inder_p1))
    url = reverse("org:member-import-detail", args=[job.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Member.objects.count() == 0


def test_user_without_import_right_gets_404(client: Any, make_user: Any, tree: Any) -> None:
    client.force_login(make_user("reception_operator", tree.makat))
    assert client.get(IMPORT_URL).status_code == 404
    assert client.get(reverse("org:member-import-template")).status_code == 404


def test_unit_outside_scope_cannot_be_chosen(client: Any, secretary: Any, tree: Any) -> None:
    file = io.BytesIO(csv_bytes([row(unit_code="inder-p1")]))
    file.name = "m.csv"
    response = client.post(IMPORT_URL, {"org_unit": tree.inder_p1.pk, "file": file})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert MemberImport.objects.count() == 0
