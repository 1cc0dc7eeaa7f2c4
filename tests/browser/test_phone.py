"""Journey 6: the workspace on a phone (360×740): the menu folds away, lists fit the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import login, shot, t

PHONE = {"width": 360, "height": 740}
PAGES = (
    "/manage/",
    "/manage/org/members/",
    "/manage/org/members/import/",
    "/manage/org/people/",
    "/manage/org/positions/",
    "/manage/org/units/",
    "/manage/org/maslikhats/",
    "/manage/org/state-bodies/",
    "/accounts/profile/",
)


def horizontal_overflow(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]


def test_workspace_on_a_phone(new_page: Callable[..., Any]) -> None:
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, "regional.admin@amanat.kz")
    menu = page.get_by_role("navigation", name=t(page, "Modules"))
    members = menu.get_by_role("link", name=t(page, "Members"), exact=True)
    expect(members).to_be_hidden()
    toggler = page.get_by_role("button", name=t(page, "Open the menu"))
    expect(toggler).to_be_visible()
    toggler.click()
    expect(members).to_be_visible()
    for label in ("Overview", "Org units", "People", "Positions", "Deputies", "Profile"):
        expect(menu.get_by_role("link", name=t(page, label), exact=True)).to_be_visible()
    shot(page, "phone-menu")
    members.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, "Party members"))
    expect(members).to_be_hidden()  # the menu folded away again
    expect(page.locator("#results").get_by_role("row").nth(1)).to_be_visible()
    assert horizontal_overflow(page) <= 0, f"the member list scrolls sideways by {horizontal_overflow(page)}px"
    shot(page, "phone-members")

    wide = {}
    for path in PAGES:
        page.goto(path)
        if horizontal_overflow(page) > 0:
            wide[path] = horizontal_overflow(page)
    assert not wide, f"pages that scroll sideways on a 360px phone (px too wide): {wide}"


def test_public_site_on_a_phone(new_page: Callable[..., Any]) -> None:
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/")
    nav = page.get_by_role("navigation", name=t(page, "Main navigation"))
    receptions = nav.get_by_role("link", name=t(page, "Public receptions"), exact=True)
    expect(receptions).to_be_hidden()
    nav.get_by_role("button", name=t(page, "Menu")).click()
    expect(receptions).to_be_visible()
    assert horizontal_overflow(page) <= 0
    receptions.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, "Public receptions"))
    assert horizontal_overflow(page) <= 0
