"""Journey 7: the regional user walks the structure — units, a maslikhat and its faction, state bodies.

These pages were finished last; the checks lean on structure (roles, regions, links) and on the
platform's own catalogues rather than on exact wording.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import login, page_lang, shot, t

REGIONAL = "regional.admin@amanat.kz"
MAKAT = re.compile(r"Ма[қк]ат|Makat")
MAKAT_IN = {"kk": "Мақат", "ru": "Макат", "en": "Makat"}


def menu_link(page: Any, label: str) -> Any:
    return page.get_by_role("navigation", name=t(page, "Modules")).get_by_role("link", name=t(page, label), exact=True)


def htmx_search(page: Any, label: str, text: str) -> None:
    box = page.get_by_label(t(page, label))
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        box.fill(text)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def test_regional_user_walks_units_maslikhats_and_state_bodies(page: Any) -> None:
    login(page, REGIONAL)

    # The unit tree, then the Makat district branch and its primary organisations.
    menu_link(page, "Org units").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, "Party structure"))
    results = page.locator("#results")
    districts = results.get_by_role("link").filter(has_text=MAKAT)
    assert districts.count() >= 2, "the tree shows the Makat district branch and its primaries"
    # The branch is the Makat link whose own line (not a line below it) says "District branch".
    lines = results.locator("summary, li > span")
    branch = lines.filter(has=page.get_by_text(t(page, "District branch"), exact=True))
    makat_branch = branch.filter(has=page.get_by_role("link", name=MAKAT)).get_by_role("link")
    expect(makat_branch).to_have_count(1)
    name = makat_branch.inner_text().strip()
    makat_branch.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_role("main")).to_contain_text("makat")
    children = page.get_by_role("region", name=t(page, "Units under this one"))
    primaries = children.get_by_role("listitem")
    assert primaries.count() >= 3, primaries.all_inner_texts()
    expect(primaries.first).to_contain_text(t(page, "Primary party organisation"))
    expect(children.get_by_role("link").filter(has_text=MAKAT).first).to_be_visible()
    shot(page, "unit", full_page=True)

    # A primary organisation opens with the district branch in its breadcrumb.
    children.get_by_role("link").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("navigation", name=t(page, "Breadcrumb"))).to_contain_text(name)
    page.go_back()
    page.wait_for_load_state()

    # The district's maslikhat: the party faction and its leader.
    maslikhats = page.get_by_role("region", name=t(page, "Maslikhats"))
    maslikhats.get_by_role("link").filter(has_text=MAKAT).first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(MAKAT)
    faction = page.get_by_role("region", name=t(page, "Party faction"))
    expect(faction).to_contain_text(t(page, "Faction leader"))
    leader_line = faction.get_by_role("listitem").filter(has_text=t(page, "Faction leader")).first
    leader = leader_line.locator("strong").inner_text().strip()
    assert len(leader.split()) >= 2, leader
    deputies = page.get_by_role("region", name=re.compile(re.escape(t(page, "Deputies"))))
    leader_row = deputies.get_by_role("row").filter(has_text=leader)
    expect(leader_row.first).to_contain_text(t(page, "Faction leader"))
    assert deputies.get_by_role("row").count() > 5

    # State bodies: the regional akimat with its head, then the Makat district akimat.
    menu_link(page, "State bodies and officials").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, "State bodies"))
    regional_akimat = page.locator("#results").get_by_role("row").filter(has_text=t(page, "Regional akimat")).first
    regional_akimat.get_by_role("link").click()
    page.wait_for_load_state()
    head_of_body(page)
    expect(page.get_by_role("region", name=t(page, "Bodies under this one")).get_by_role("link")).not_to_have_count(0)

    page.goto("/manage/org/state-bodies/")
    htmx_search(page, "Name, short name or BIN", MAKAT_IN[page_lang(page)])
    district_akimat = page.locator("#results").get_by_role("row").filter(has_text=t(page, "District akimat")).first
    expect(district_akimat).to_contain_text(MAKAT)
    district_akimat.get_by_role("link").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(MAKAT)
    head_of_body(page)
    shot(page, "state-body", full_page=True)


def head_of_body(page: Any) -> None:
    """The body's page names its head among the current officials."""
    current = page.get_by_role("region", name=t(page, "Current officials"))
    head = current.get_by_role("row").filter(has_text=t(page, "head"))
    expect(head).to_have_count(1)
    cells = head.get_by_role("cell")
    person = cells.nth(0).inner_text().replace(t(page, "head"), "").strip()
    assert len(person.split()) >= 2, f"the head's full name: {person!r}"
    assert cells.nth(1).inner_text().strip(), "the head's post is shown"


def test_back_after_filtering_a_structure_list_shows_the_whole_page(page: Any) -> None:
    """The shared list view answers htmx with a fragment: Back must not show that fragment alone."""
    login(page, REGIONAL)
    page.goto("/manage/org/state-bodies/")
    heading = t(page, "State bodies")
    htmx_search(page, "Name, short name or BIN", "Ма")
    assert "q=" in page.url
    page.locator("#results").get_by_role("row").get_by_role("link").first.click()
    page.wait_for_load_state()
    page.go_back()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name=heading).count() == 1, (
        f"Back after filtering shows the bare htmx fragment of the list for {page.url}:\n{page.content()[:300]}"
    )
