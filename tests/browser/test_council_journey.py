"""Journey: a public council. The council secretary sets up a council through the staff pages,
seats three members, holds a session and marks who was present, puts a recommendation to the
vote, the members present adopt it, it is sent to a state body; the response "rejected" without
reasons is refused with a clear message and changes nothing, then recorded with its reasons; the
public page shows the members (no contacts) and the fate of the recommendation.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import login, shot, t

MEMBERS = (("Серікова", "Айгүл"), ("Иванов", "Пётр"), ("Жақсыбеков", "Нұрлан"))


def test_a_recommendation_is_voted_sent_answered_and_shown_to_the_public(new_page: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    page = new_page()
    login(page, "council@amanat.kz")

    page.goto("/manage/councils/new/")
    page.locator("#id_org_unit").select_option(index=1)
    page.locator("#id_title_kk").fill(f"Қоғамдық кеңес {tag}")
    page.locator("#id_title_ru").fill(f"Общественный совет {tag}")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(tag)
    council_url = page.url

    for last, first in MEMBERS:
        page.get_by_role("link", name=t(page, "Add a member")).click()
        page.locator("#id_last_name").fill(last)
        page.locator("#id_first_name").fill(first)
        page.locator("#id_term_start").fill("2025-01-01")
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(council_url)
    expect(page.locator("main")).to_contain_text("Серікова Айгүл")

    today = dt.datetime.now(ZoneInfo("Asia/Atyrau")).date().isoformat()
    page.get_by_role("link", name=t(page, "New session")).click()
    page.locator("#id_starts_at").fill(f"{today}T12:00")
    page.locator("#id_ends_at").fill(f"{today}T11:00")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(t(page, "The session cannot end before it starts."))
    page.locator("#id_ends_at").fill(f"{today}T14:00")
    page.locator("main form button[type=submit]").click()

    for box in page.locator("input[name=members]").all():
        box.check()
    page.get_by_role("button", name=t(page, "Save the attendance")).click()
    expect(page.locator("main")).to_contain_text(t(page, "The attendance was saved."))

    page.get_by_role("link", name=t(page, "New recommendation")).click()
    page.locator("#id_text").fill(f"Отремонтировать дорогу к поликлинике {tag}")
    page.locator("#id_addressee_body").select_option(index=1)
    page.locator("main form button[type=submit]").click()

    for select in page.locator("select[name^=votes-m]").all()[:2]:
        select.select_option("for")
    page.get_by_role("button", name=t(page, "Record the votes")).click()
    expect(page.locator("main")).to_contain_text(t(page, "The votes were recorded."))
    page.get_by_role("button", name=t(page, "Count the votes and decide")).click()
    page.get_by_role("button", name=t(page, "Mark as sent")).click()
    expect(page.locator("main")).to_contain_text(t(page, "The recommendation was sent; the response deadline is set."))

    page.locator("input[name=respond-kind][value=rejected]").check()
    page.get_by_role("button", name=t(page, "Record the response")).click()
    expect(page.locator("main")).to_contain_text(
        t(page, "Give the reasons the addressee gave for rejecting it (in whole or in part).")
    )
    page.locator("input[name=respond-kind][value=rejected]").check()
    page.locator("#id_respond-reasons").fill("Не предусмотрено бюджетом на этот год")
    page.get_by_role("button", name=t(page, "Record the response")).click()
    expect(page.locator("main")).to_contain_text(t(page, "The response was recorded."))
    shot(page, "council-recommendation")

    page.goto(council_url)
    page.get_by_role("link", name=t(page, "Public page")).click()
    main = page.locator("main")
    expect(main).to_contain_text("Серікова Айгүл")
    expect(main).to_contain_text(f"Отремонтировать дорогу к поликлинике {tag}")
    expect(main).to_contain_text("Не предусмотрено бюджетом на этот год")
    page.locator("#id_status").select_option("sent")
    expect(main).not_to_contain_text(f"Отремонтировать дорогу к поликлинике {tag}")
    shot(page, "council-public", full_page=True)
