"""Journey 1: a visitor on the public site — the branch, its receptions, three languages."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import page_lang, shot, t, tr

MAKAT = re.compile(r"Ма[қк]ат|Makat")


def switch_language(page: Any, lang: str) -> None:
    """Choose a language in the header's switch, as a visitor does (it sends itself)."""
    switch = page.get_by_role("combobox", name=t(page, "Language"))
    with page.expect_navigation():
        switch.select_option(lang)
    page.wait_for_load_state()


def test_visitor_sees_the_branch_and_its_receptions_in_three_languages(page: Any) -> None:
    page.goto("/")
    # The browser asks for Russian: the site answers in Russian.
    assert page_lang(page) == "ru"
    branch = page.get_by_role("heading", level=1)
    expect(branch).to_contain_text("Атырау")
    expect(page).to_have_title(re.compile("Атырау"))

    receptions = page.get_by_role("region", name=t(page, "Public receptions"))
    expect(receptions).to_be_visible()
    areas = receptions.get_by_role("listitem")
    assert areas.count() >= 3, "the home page lists the receptions by city and district"
    makat = areas.filter(has_text=MAKAT)
    expect(makat).to_have_count(1)
    makat_receptions = int(makat.inner_text().split()[-1])
    assert makat_receptions >= 1

    seen: dict[str, tuple[str, str]] = {}
    for lang in ("kk", "ru", "en"):
        switch_language(page, lang)
        assert page_lang(page) == lang, f"after choosing {lang} the page says lang={page_lang(page)!r}"
        nav_link = tr(lang, "Public receptions")
        heading = tr(lang, "Who we are")
        nav = page.get_by_role("navigation", name=tr(lang, "Main navigation"))
        expect(nav.get_by_role("link", name=nav_link, exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.get_by_role("link", name=tr(lang, "Staff login"))).to_be_visible()
        seen[lang] = (nav_link, heading)
    assert len({v[0] for v in seen.values()}) == 3, f"the menu reads the same in two languages: {seen}"
    assert len({v[1] for v in seen.values()}) == 3, f"a heading reads the same in two languages: {seen}"

    # Back to Russian; the choice sticks while the visitor walks on.
    switch_language(page, "ru")
    nav = page.get_by_role("navigation", name=t(page, "Main navigation"))
    nav.get_by_role("link", name=t(page, "Public receptions"), exact=True).click()
    page.wait_for_load_state()
    assert page_lang(page) == "ru"
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, "Public receptions"))
    cards = page.get_by_role("article")
    total = cards.count()
    assert total > makat_receptions

    district = page.get_by_label(t(page, "City or district"))
    makat_option = district.locator("option").filter(has_text=MAKAT)
    with page.expect_navigation():
        district.select_option(makat_option.get_attribute("value"))
    page.wait_for_load_state()
    assert "district=" in page.url
    expect(cards).to_have_count(makat_receptions)
    sections = page.locator("main section").filter(has=page.get_by_role("article"))
    expect(sections).to_have_count(1)
    expect(sections.get_by_role("heading", level=2)).to_have_text(MAKAT)
    expect(page.get_by_role("link", name=t(page, "Show all"))).to_be_visible()
    shot(page, "receptions", full_page=True)

    page.get_by_role("link", name=t(page, "Show all")).click()
    page.wait_for_load_state()
    expect(cards).to_have_count(total)
