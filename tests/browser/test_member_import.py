"""Journey 3: a primary organisation's secretary imports members from a CSV file."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect

from amanat.core.iin import make_iin
from amanat.demo.logins import LOGINS
from tests.browser.conftest import found_count, login, shot, t

SECRETARY = "makat.secretary@amanat.kz"
UNIT_CODE = next(login.unit for login in LOGINS if login.email == SECRETARY)
# The demo's IINs use serials 0000-4999 (and --members 5000-9999 on other dates): a block of its
# own keeps these newcomers from colliding with anyone already known.
SERIAL_BLOCK = 9990


def valid_iin(born: dt.date, *, male: bool) -> str:
    for serial in range(SERIAL_BLOCK, SERIAL_BLOCK + 10):
        iin = make_iin(born, male=male, serial=serial)
        if iin:
            return iin
    raise AssertionError("unreachable: one serial of ten always has a check digit")


def wrong_check_digit(iin: str) -> str:
    return iin[:11] + str((int(iin[11]) + 1) % 10)


NEWCOMERS = [
    ("Тестбаев", "Арман", valid_iin(dt.date(1990, 5, 17), male=True)),
    ("Тестбаева", "Айгерим", valid_iin(dt.date(1994, 7, 19), male=False)),
    ("Тестбаев", "Бауыржан", valid_iin(dt.date(2001, 6, 18), male=True)),
]


def write_csv(path: Path, header: list[str], people: list[tuple[str, str, str]]) -> Path:
    values = {"unit_code": UNIT_CODE, "joined_on": "01.02.2024", "youth_wing": "0"}
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(header)
        for last, first, iin in people:
            row = {**values, "last_name": last, "first_name": first, "iin": iin}
            writer.writerow([row.get(column, "") for column in header])
    return path


def member_count(page: Any) -> int:
    page.goto("/manage/org/members/")
    return found_count(page)


def upload(page: Any, path: Path) -> None:
    page.goto("/manage/org/members/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, "Import members from a file"))
    unit = page.get_by_label(t(page, "Import into"))
    expect(unit.locator("option:checked")).not_to_have_text("---------")  # the only unit is chosen
    page.get_by_label(t(page, "File (XLSX or CSV)")).set_input_files(path)
    page.get_by_role("button", name=t(page, "Upload and check")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(path.name)


def test_primary_secretary_imports_members_all_or_nothing(page: Any, tmp_path: Path) -> None:
    login(page, SECRETARY)
    before = member_count(page)

    # The template tells the columns.
    page.goto("/manage/org/members/import/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=t(page, "Download the template (XLSX)")).click()
    with open(download_info.value.path(), "rb") as file:
        header = [str(c) for c in next(load_workbook(file, read_only=True).active.iter_rows(values_only=True))]
    for column in ("last_name", "first_name", "iin", "unit_code", "joined_on"):
        assert column in header, header

    # One row has a wrong check digit: the preview says which, and nothing is written.
    bad = list(NEWCOMERS)
    bad[1] = (bad[1][0], bad[1][1], wrong_check_digit(bad[1][2]))
    upload(page, write_csv(tmp_path / "members-bad.csv", header, bad))
    expect(page.get_by_role("alert")).to_contain_text(
        t(page, "The file has errors: nothing has been imported. Correct the rows below and upload the file again.")
    )
    errors = page.get_by_role("table", name=t(page, "Errors by row and column"))
    expect(errors.get_by_role("row")).to_have_count(2)  # the header and one error
    error = errors.get_by_role("row").nth(1)
    cells = error.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("3")  # the header is row 1: the second person is row 3
    expect(cells.nth(1)).to_have_text("iin")
    expect(cells.nth(3)).to_have_text(t(page, "This IIN has a wrong check digit: please check every digit."))
    expect(page.get_by_role("button", name=re.compile(r"\d"))).to_have_count(0)  # no "Import N members"
    shot(page, "import-errors", full_page=True)
    assert member_count(page) == before, "a file with an error must import nothing"

    # The corrected file: preview, confirm, and the members are there.
    upload(page, write_csv(tmp_path / "members.csv", header, NEWCOMERS))
    n = len(NEWCOMERS)
    preview = page.get_by_role("table", name=t(page, "First rows to be created"))
    expect(preview.get_by_role("row")).to_have_count(n + 1)
    for last, first, _iin in NEWCOMERS:
        expect(preview).to_contain_text(f"{last} {first}")
    expect(preview).not_to_contain_text(NEWCOMERS[0][2])  # IINs are masked in the preview
    preview_url = page.url
    assert member_count(page) == before, "nothing is written before the confirmation"
    page.goto(preview_url)
    confirm = t(page, "Import %(n)s member", "Import %(n)s members", n) % {"n": n}
    page.get_by_role("button", name=confirm).click()
    page.wait_for_load_state()
    done = t(page, "%(n)s member imported.", "%(n)s members imported.", n) % {"n": n}
    expect(page.get_by_role("status")).to_contain_text(done)
    page.get_by_role("link", name=t(page, "See the members")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, "Party members"))
    assert found_count(page) == before + n

    box = page.get_by_label(t(page, "Name, card or IIN"))
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true" and "q=" in r.url):
        box.fill("Тестбаев")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    names = page.locator("#results").get_by_role("row").get_by_role("link").all_inner_texts()
    assert sorted(names) == sorted(f"{last} {first}" for last, first, _iin in NEWCOMERS), names
    assert found_count(page) == n

    # The same file again: everyone in it is now a duplicate, and the preview says so.
    upload(page, write_csv(tmp_path / "members-again.csv", header, NEWCOMERS))
    errors = page.get_by_role("table", name=t(page, "Errors by row and column"))
    expect(errors.get_by_role("row")).to_have_count(n + 1)
    assert member_count(page) == before + n
