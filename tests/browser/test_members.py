"""Journey 2: the regional executive secretary finds a member, sees the full IIN, exports a list."""

from __future__ import annotations

import re
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import found_count, login, shot, t

SECRETARY = "secretary@amanat.kz"  # executive secretary of the Atyrau regional branch
MAKAT = re.compile(r"Ма[қк]ат|Makat")
EM = "\u2003"  # the unit filter indents units by their depth with em spaces


def open_members(page: Any) -> None:
    """Open Members from the workspace's menu."""
    modules = page.get_by_role("navigation", name=t(page, "Modules"))
    modules.get_by_role("link", name=t(page, "Members"), exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, "Party members"))


def htmx_done(page: Any) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def choose_district(page: Any, pattern: re.Pattern[str]) -> str:
    """Pick a district branch (two steps under the region) in the unit filter; returns its label."""
    unit = page.get_by_label(t(page, "Unit"), exact=True)
    options = unit.locator("option")
    for label in options.all_inner_texts():
        depth = len(label) - len(label.lstrip(EM))
        if depth == 2 and pattern.search(label):
            with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
                unit.select_option(label=label)
            htmx_done(page)
            return label.strip()
    raise AssertionError(f"no district matching {pattern.pattern} in the unit filter: {options.all_inner_texts()}")


def search(page: Any, text: str) -> None:
    box = page.get_by_label(t(page, "Name, card or IIN"))
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true" and "q=" in r.url):
        box.fill(text)
    htmx_done(page)


def result_rows(page: Any) -> Any:
    return page.locator("#results").get_by_role("row").filter(has=page.get_by_role("link"))


def test_secretary_finds_a_member_and_sees_the_full_iin(page: Any) -> None:
    login(page, SECRETARY)
    # The workspace counts what is in the secretary's scope.
    counts = {}
    for label in ("Org units", "Active members", "Sitting deputies", "State bodies"):
        card = page.locator(".summary-card").filter(has=page.get_by_role("link", name=t(page, label), exact=True))
        expect(card).to_have_count(1)
        counts[label] = int(re.sub(r"\D", "", card.locator(".summary-count").inner_text()))
    assert counts["Active members"] > 1000, counts
    assert counts["Org units"] > 50, counts

    open_members(page)
    everyone = found_count(page)
    assert everyone >= counts["Active members"]

    district = choose_district(page, MAKAT)
    in_district = found_count(page)
    assert 0 < in_district < everyone
    first = result_rows(page).first.get_by_role("link").inner_text()
    surname = first.split()[0]
    search(page, surname)
    expect(result_rows(page).first).to_be_visible()
    names = [n.strip() for n in result_rows(page).get_by_role("link").all_inner_texts()]
    assert names and all(n.startswith(surname) for n in names), names
    assert found_count(page) < in_district
    assert "unit=" in page.url and "q=" in page.url, "the filters are in the address, to share or go back to"

    # Open the member.
    result_rows(page).get_by_role("link", name=first, exact=True).first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(first)
    membership = page.get_by_role("region", name=t(page, "Membership"))
    expect(membership).to_contain_text(re.compile(r"\(makat-"))
    person = page.get_by_role("region", name=t(page, "Person"), exact=True)
    expect(person.get_by_label(t(page, "IIN, masked"))).to_have_text(re.compile(r"^•+\d{4}$"))
    expect(person.get_by_text(re.compile(r"^\d{12}$"))).to_have_count(0)
    with page.expect_response(lambda r: "/iin/" in r.url):
        person.get_by_role("button", name=t(page, "Show full IIN")).click()
    full = person.get_by_text(re.compile(r"^\d{12}$"))
    expect(full).to_be_visible()
    expect(person).to_contain_text(t(page, "This view has been recorded."))
    assert page.url.endswith("/"), "the IIN was shown in place (htmx), without leaving the page"
    shot(page, "member", full_page=True)

    # Back to the list: the same filtered list, in the workspace's layout.
    modules, heading = t(page, "Modules"), t(page, "Party members")
    page.go_back()
    page.wait_for_load_state()
    assert page.get_by_role("navigation", name=modules).count() == 1, (
        "Back after filtering shows the bare htmx fragment of the list, without the page around it "
        f"(the browser re-used the cached partial response for {page.url}):\n{page.content()[:400]}"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_label(t(page, "Name, card or IIN"))).to_have_value(surname)
    expect(page.get_by_label(t(page, "Unit"), exact=True).locator("option:checked")).to_contain_text(district)
    expect(result_rows(page).get_by_role("link", name=first, exact=True).first).to_be_visible()


def test_secretary_exports_the_filtered_list_to_xlsx(page: Any) -> None:
    login(page, SECRETARY)
    open_members(page)
    choose_district(page, MAKAT)
    shown = found_count(page)
    surname = result_rows(page).first.get_by_role("link").inner_text().split()[0]
    search(page, surname)
    shown = found_count(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=t(page, "Export to XLSX")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as file:
        sheet = load_workbook(file, read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    header, data = list(rows[0]), rows[1:]
    for column in ("Last name", "First name", "IIN", "Primary organisation", "Unit code", "Joined on", "Status"):
        assert t(page, column) in header, f"{t(page, column)!r} ({column}) missing from the header {header}"
    last_name = header.index(t(page, "Last name"))
    code = header.index(t(page, "Unit code"))
    iin = header.index(t(page, "IIN"))
    assert len(data) == shown, (
        f"the export has {len(data)} rows but the page shows {shown} for the chosen filters: the "
        "Export link keeps the address of the page as first loaded, not the filters chosen since"
    )
    assert all(str(row[code]).startswith("makat") for row in data), {row[code] for row in data}
    assert all(str(row[last_name]).startswith(surname) for row in data), {row[last_name] for row in data}
    assert all(re.fullmatch(r"•+\d{4}", str(row[iin])) for row in data if row[iin]), "IINs are exported masked"
