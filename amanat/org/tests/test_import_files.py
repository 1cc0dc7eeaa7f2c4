"""Member import: reading XLSX/CSV files and checking every row (services, no HTTP)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from amanat.audit.models import AuditEvent
from amanat.org.importing import COLUMN_NAMES, ImportFileError, read_table
from amanat.org.models import Member, MemberImport, Person
from amanat.org.services.people import member_import_confirm, member_import_start
from amanat.org.tests.factories import MemberFactory, PersonFactory, valid_iin

HEADER = list(COLUMN_NAMES)


def row(unit_code: str = "makat-p1", **values: Any) -> dict[str, Any]:
    base = {
        "last_name": "Сейітов",
        "first_name": "Бауыржан",
        "middle_name": "Қайратұлы",
        "iin": valid_iin(dt.date(1990, 6, 1)),
        "birth_date": "",
        "sex": "",
        "phone": "8 701 123 45 67",
        "email": "",
        "unit_code": unit_code,
        "joined_on": "15.04.2021",
        "card_number": "",
        "youth_wing": "0",
    }
    base.update(values)
    return base


def csv_bytes(rows: list[dict[str, Any]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow([r.get(c, "") for c in HEADER])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for r in rows:
        sheet.append([r.get(c, "") for c in HEADER])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "members.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def secretary(make_user: Any, tree: Any) -> Any:
    return make_user("executive_secretary", tree.makat)


def test_good_csv_is_checked_then_committed_whole(secretary: Any, tree: Any) -> None:
    rows = [row(), row(last_name="Жұмабаев", card_number="A-1", youth_wing="1")]
    job = member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(csv_bytes(rows)))
    assert job.status == MemberImport.Status.READY
    assert (job.rows_total, job.rows_valid, job.error_count) == (2, 2, 0)
    assert Member.objects.count() == 0, "nothing is written before the user confirms"

    job = member_import_confirm(actor=secretary, job=job)

    assert job.status == MemberImport.Status.DONE
    members = Member.objects.select_related("person").order_by("search_name")
    assert [m.person.last_name for m in members] == ["Жұмабаев", "Сейітов"]
    assert members[0].card_number == "A-1" and members[0].youth_wing is True
    assert members[1].person.phone == "+77011234567"
    assert members[1].person.birth_date == dt.date(1990, 6, 1), "taken from the IIN"
    assert members[1].person.sex == "M"
    assert members[1].search_name == "сейітов бауыржан қайратұлы"
    events = AuditEvent.objects.filter(verb="org.members_imported")
    assert events.count() == 1, "one audit event for the whole import"
    assert events.get().data == {"count": 2, "file_name": "members.csv"}


def test_second_confirm_changes_nothing(secretary: Any, tree: Any) -> None:
    job = member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(csv_bytes([row()])))
    member_import_confirm(actor=secretary, job=job)
    again = member_import_confirm(actor=secretary, job=job)
    assert again.status == MemberImport.Status.DONE
    assert Member.objects.count() == 1


def test_good_xlsx_is_committed(secretary: Any, tree: Any) -> None:
    born_2003 = valid_iin(dt.date(2003, 2, 3), male=False)
    rows = [row(), row(iin=int(born_2003), last_name="Әлиева", first_name="Айгерім", joined_on=dt.datetime(2022, 1, 5))]
    job = member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(xlsx_bytes(rows), "m.xlsx"))
    assert job.status == MemberImport.Status.READY, job.errors
    member_import_confirm(actor=secretary, job=job)
    aliyeva = Person.objects.get(last_name="Әлиева")
    assert aliyeva.reveal_iin() == born_2003, "the leading zero Excel dropped is restored"
    assert aliyeva.sex == "F"
    assert aliyeva.memberships.get().joined_on == dt.date(2022, 1, 5)


def test_one_bad_row_commits_nothing_and_names_row_and_column(secretary: Any, tree: Any) -> None:
    rows = [row(), row(iin="901123300255"), row()]
    job = member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(csv_bytes(rows)))
    assert job.status == MemberImport.Status.INVALID
    assert job.error_count == 1
    assert job.errors[0]["row"] == 3 and job.errors[0]["column"] == "iin"
    assert "check digit" in job.errors[0]["message"]
    assert "901123300255" not in str(job.errors), "the IIN is shown masked"
    with pytest.raises(Exception, match="checked file without errors"):
        member_import_confirm(actor=secretary, job=job)
    assert Member.objects.count() == 0 and Person.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"iin": "821214240092"}, "iin", "check digit"),
        ({"iin": "901301300258"}, "iin", "real date"),
        ({"iin": "12345"}, "iin", "12 digits"),
        ({"joined_on": "31.02.2020"}, "joined_on", "real date"),
        ({"joined_on": ""}, "joined_on", "Required"),
        ({"last_name": ""}, "last_name", "Required"),
        ({"birth_date": "01.01.1970"}, "birth_date", "does not match"),
        ({"sex": "F"}, "sex", "does not match"),
        ({"phone": "12"}, "phone", "+7"),
        ({"email": "not-an-email"}, "email", "e-mail"),
        ({"youth_wing": "maybe"}, "youth_wing", "1 (yes)"),
        ({"unit_code": "no-such-unit"}, "unit_code", "No org unit"),
        ({"unit_code": "inder-p1"}, "unit_code", "outside your scope"),
        ({"unit_code": "makat"}, "unit_code", "primary organisations only"),
    ],
)
def test_each_bad_value_is_reported_clearly(
    secretary: Any, tree: Any, values: dict[str, Any], column: str, words: str
) -> None:
    job = member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(csv_bytes([row(**values)])))
    assert job.status == MemberImport.Status.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, column)]
    assert words in job.errors[0]["message"]


def test_duplicates_in_database_and_in_file_are_reported(secretary: Any, tree: Any) -> None:
    known = valid_iin()
    person = PersonFactory(org_unit=tree.inder_p1)
    person.set_iin(known)
    person.save()
    MemberFactory(org_unit=tree.makat_p1, card_number="CARD-7")
    repeated = valid_iin()
    rows = [
        row(iin=known),
        row(iin=repeated),
        row(iin=repeated),
        row(card_number="CARD-7"),
        row(card_number="X"),
        row(card_number="X"),
    ]
    job = member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(csv_bytes(rows)))
    problems = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "already in the platform" in problems[(2, "iin")]
    assert "repeated in the file (first at row 3)" in problems[(4, "iin")]
    assert "already taken" in problems[(5, "card_number")]
    assert "repeated in the file (first at row 6)" in problems[(7, "card_number")]
    assert len(problems) == 4


def test_cp1251_csv_with_semicolons_is_read(secretary: Any, tree: Any) -> None:
    data = csv_bytes(
        [row(last_name="Иванов", first_name="Пётр", middle_name="Петрович")], encoding="cp1251", delimiter=";"
    )
    job = member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(data))
    assert job.status == MemberImport.Status.READY, job.errors
    assert job.preview[0]["name"].startswith("Иванов Пётр")


def test_utf8_csv_with_bom_is_read() -> None:
    table = read_table(b"\xef\xbb\xbf" + csv_bytes([row(last_name="Нұрланов")]), "m.csv")
    assert table.rows[0][1]["last_name"] == "Нұрланов"


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"PK\x03\x04 this is not really a zip file", "m.xlsx", "not a valid XLSX"),
        (b"random bytes pretending", "m.xlsx", "not a valid XLSX"),
        (b"\xd0\xcf\x11\xe0 old excel", "m.xls", "(.xls)"),
        (b"", "m.csv", "empty"),
        (b"surname,name\nA,B\n", "m.csv", "missing: last_name, first_name, iin, unit_code, joined_on"),
        (b",".join(c.encode() for c in COLUMN_NAMES) + b"\n", "m.csv", "no rows below the header"),
    ],
)
def test_malformed_file_is_refused_and_nothing_is_stored(
    secretary: Any, tree: Any, data: bytes, name: str, words: str
) -> None:
    with pytest.raises(ImportFileError, match=words.replace("(", r"\(").replace(")", r"\)")):
        member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(data, name))
    assert MemberImport.objects.count() == 0


def test_oversized_and_overlong_files_are_refused(secretary: Any, tree: Any, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(csv_bytes([row(), row(), row()])))
    settings.IMPORT_MAX_MB = 0.0002  # about 200 bytes
    with pytest.raises(ImportFileError, match="larger than"):
        member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(csv_bytes([row()] * 2)))
    assert MemberImport.objects.count() == 0


def test_register_changed_between_preview_and_confirm_commits_nothing(secretary: Any, tree: Any) -> None:
    iin = valid_iin()
    job = member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(csv_bytes([row(), row(iin=iin)])))
    assert job.status == MemberImport.Status.READY
    late = PersonFactory(org_unit=tree.makat_p1)
    late.set_iin(iin)
    late.save()
    job = member_import_confirm(actor=secretary, job=job)
    assert job.status == MemberImport.Status.INVALID
    assert job.errors[0]["row"] == 3
    assert Member.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="org.members_imported").exists()


def test_scope_is_the_chosen_unit_not_the_whole_grant(make_user: Any, tree: Any) -> None:
    regional = make_user("regional_admin", tree.regional)
    job = member_import_start(
        actor=regional, org_unit=tree.makat, upload=upload(csv_bytes([row(unit_code="inder-p1")]))
    )
    assert "outside your scope" in job.errors[0]["message"]


def test_user_without_import_right_cannot_start(make_user: Any, tree: Any) -> None:
    operator = make_user("reception_operator", tree.makat)
    with pytest.raises(PermissionDenied):
        member_import_start(actor=operator, org_unit=tree.makat, upload=upload(csv_bytes([row()])))
    assert MemberImport.objects.count() == 0


def test_large_file_runs_in_background_and_progress_ends_at_done(
    secretary: Any, tree: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_SYNC_MAX_ROWS = 2
    rows = [row(last_name=f"Тест{i:02d}") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        job = member_import_start(actor=secretary, org_unit=tree.makat, upload=upload(csv_bytes(rows)))
    assert job.background
    job.refresh_from_db()
    assert job.status == MemberImport.Status.READY
    assert job.rows_done == job.rows_total == 5
    with django_capture_on_commit_callbacks(execute=True):
        job = member_import_confirm(actor=secretary, job=job)
    assert job.status == MemberImport.Status.COMMITTING, "the page shows progress while the task writes"
    job.refresh_from_db()
    assert job.status == MemberImport.Status.DONE
    assert (job.rows_done, job.rows_total, job.percent) == (5, 5, 100)
    assert not job.file, "the file with IINs is not kept after the import"
    assert Member.objects.count() == 5


def test_bulk_writer_covers_every_required_column() -> None:
    """The import writes people and members with plain INSERT/COPY: a new required field on
    either model must be added to the writer too, or imports would fail."""
    from amanat.org.importing import MEMBER_COLUMNS, PERSON_COLUMNS

    for model, columns in ((Person, PERSON_COLUMNS), (Member, MEMBER_COLUMNS)):
        required = {f.column for f in model._meta.concrete_fields if not f.null and not f.primary_key}
        assert required <= set(columns), f"{model.__name__}: {sorted(required - set(columns))}"
