"""Journey 8: accessibility smoke — every field has a name, and the keyboard finds the skip link."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import login, t

CONTROLS = "input:not([type=hidden]), select, textarea"
# The accessible name as the browser computes it, for a control Playwright can see.
NAMED = re.compile(r'^- \w+ "[^"]+"')

NAME_IN_MARKUP = """el => {
  const text = s => (s || "").trim();
  if (el.labels && [...el.labels].some(l => text(l.textContent))) return true;
  if (text(el.getAttribute("aria-label")) || text(el.getAttribute("title"))) return true;
  const ids = text(el.getAttribute("aria-labelledby")).split(/\\s+/).filter(Boolean);
  return ids.some(id => document.getElementById(id) && text(document.getElementById(id).textContent));
}"""


def unnamed_controls(page: Any) -> list[str]:
    """Controls without an accessible name: visible ones by the browser's accessibility tree,
    hidden ones (a menu not open yet) by their markup."""
    missing = []
    controls = page.locator(CONTROLS)
    for index in range(controls.count()):
        control = controls.nth(index)
        html = control.evaluate("el => el.outerHTML.slice(0, 120)")
        if control.is_visible():
            snapshot = control.aria_snapshot().splitlines()[0]
            if not NAMED.match(snapshot):
                missing.append(f"{snapshot!r}: {html}")
        elif not control.evaluate(NAME_IN_MARKUP):
            missing.append(f"(hidden) {html}")
    return missing


def first_tab_stop(page: Any) -> Any:
    page.keyboard.press("Tab")
    return page.evaluate(
        "() => { const el = document.activeElement; const box = el.getBoundingClientRect();"
        " return {tag: el.tagName, href: el.getAttribute('href'), text: el.textContent.trim(),"
        " visible: box.width > 1 && box.height > 1, inMain: !!el.closest('main')}; }"
    )


def check_skip_link(page: Any) -> None:
    stop = first_tab_stop(page)
    assert stop["href"] == "#main" and stop["text"] == t(page, "Skip to content"), stop
    assert stop["visible"], "the skip link shows itself when it has the focus"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main", "the skip link moves the focus to the content"


def test_login_page_fields_are_named_and_the_form_is_first_for_the_keyboard(page: Any) -> None:
    page.goto("/accounts/login/")
    assert unnamed_controls(page) == []
    login_field = page.get_by_label(t(page, "E-mail or phone"))
    expect(login_field).to_be_visible()
    expect(page.get_by_label(t(page, "Password"))).to_be_visible()
    # The login page puts the focus in its first field (autofocus): the keyboard starts in the
    # content already, which is what a skip link is for. Without it, Tab must reach the skip link.
    if page.evaluate("!!document.activeElement.closest('main')"):
        expect(login_field).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_label(t(page, "Password"))).to_be_focused()
    else:
        check_skip_link(page)
    # The public home page has no autofocus: Tab reaches the skip link first.
    page.goto("/")
    check_skip_link(page)


def test_member_list_fields_are_named_and_tab_reaches_the_skip_link_first(page: Any) -> None:
    login(page, "regional.admin@amanat.kz")
    page.goto("/manage/org/members/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, "Party members"))
    assert unnamed_controls(page) == []
    for label in ("Name, card or IIN", "Status", "Youth wing", "Joined on or after", "Joined on or before"):
        expect(page.get_by_label(t(page, label), exact=True)).to_be_visible()
    expect(page.get_by_label(t(page, "Unit"), exact=True)).to_be_visible()
    expect(page.get_by_role("table", name=t(page, "Party members"))).to_be_visible()
    check_skip_link(page)
