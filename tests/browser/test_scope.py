"""Journey 4: a district's user cannot reach another district's members, even by their address."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import login, page_lang, shot, t

MAKAT_USER = "makat.secretary@amanat.kz"
INDER_USER = "inder.secretary@amanat.kz"  # executive secretary of the Inder district branch
MAKAT = re.compile(r"Ма[қк]ат|Makat")


def a_makat_member(page: Any) -> tuple[str, str]:
    """As the Makat secretary: (address, name) of the first member of their list."""
    login(page, MAKAT_USER)
    page.goto("/manage/org/members/")
    link = page.locator("#results").get_by_role("row").get_by_role("link").first
    name = link.inner_text().strip()
    link.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_role("region", name=t(page, "Membership"))).to_contain_text("(makat-")
    return page.url, name


def test_inder_user_gets_404_for_a_makat_member_and_sees_none_in_the_list(
    new_page: Callable[..., Any],
) -> None:
    url, name = a_makat_member(new_page())

    page = new_page()
    login(page, INDER_USER)
    response = page.goto(url)
    assert response is not None and response.status == 404, f"{url}: {response and response.status}"
    body = page.locator("body").inner_text()
    assert name not in body, "the 404 page must not tell whose page it was"
    assert "makat" not in body.lower()

    # The member list: Inder's units only, and the Makat member is not found by name.
    page.goto("/manage/org/members/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, "Party members"))
    units = page.get_by_label(t(page, "Unit"), exact=True).locator("option").all_inner_texts()
    assert len(units) > 2, units
    assert not [u for u in units if MAKAT.search(u)], units
    box = page.get_by_label(t(page, "Name, card or IIN"))
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true" and "q=" in r.url):
        box.fill(name.split()[0])
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    found = page.locator("#results").get_by_role("row").get_by_role("link").all_inner_texts()
    assert name not in found, found

    # Every member of the whole list (exported as it stands) belongs to an Inder unit.
    page.goto("/manage/org/members/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=t(page, "Export to XLSX")).click()
    with open(download_info.value.path(), "rb") as file:
        rows = list(load_workbook(file, read_only=True).active.iter_rows(values_only=True))
    code = rows[0].index(t(page, "Unit code"))
    codes = {row[code] for row in rows[1:]}
    assert rows[1:] and all(str(c).startswith("inder") for c in codes), codes


def test_the_404_page_speaks_the_users_language_and_leads_back(new_page: Callable[..., Any]) -> None:
    url, _name = a_makat_member(new_page())
    page = new_page()
    login(page, INDER_USER)
    lang = page_lang(page)
    page.goto("/manage/")
    workspace_title = page.title()
    response = page.goto(url)
    assert response is not None and response.status == 404
    shot(page, "404")
    assert page_lang(page) == lang, (
        f"the 404 page is not in the user's language ({lang!r}) but {page_lang(page)!r} "
        f"(is there a 404.html?):\n{page.locator('body').inner_text()}"
    )
    assert page.title() != workspace_title
    way_back = "|".join(re.escape(t(page, label)) for label in ("Overview", "Workspace", "Home"))
    expect(page.get_by_role("link", name=re.compile(way_back)).first).to_be_visible()
