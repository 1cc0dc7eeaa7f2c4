"""Journey: a field meeting → three raised issues entered on a phone → three appeals.

The Inder executive secretary plans a field meeting in a village through the staff form (a wide
screen), then, at the meeting, on a phone-sized screen, enters the issues residents raise one by
one with "Save and next": a single person with a phone, a collective one with its signatories,
one more. Each is registered at once as an appeal: the meeting's page lists the three appeal
numbers with their status, and each is found in the appeals inbox with the channel "Field
meeting".
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, shot, t

SECRETARY = "inder.secretary@amanat.kz"
TITLE = "Встреча с жителями села (журнал)"
ISSUES = [
    ("Нет уличного освещения на улице Абая.", "Асан Касымов", "+77011234567", None),
    ("Ауызсу құбыры ескірген, жазда су тоқтайды.", "Ауыл тұрғындары", "", "27"),
    ("Автобус в райцентр ходит раз в неделю.", "Марат Жумабаев", "", None),
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def plan_meeting(page: Any) -> str:
    login(page, SECRETARY)
    page.goto("/manage/meetings/new/")
    main = page.locator("main")
    day = timezone.localdate()
    main.get_by_label(t(page, "Party branch")).select_option(index=1)
    main.get_by_label(t(page, "Kind")).select_option("field_meeting")
    main.get_by_label(t(page, "Title (ru)")).fill(TITLE)
    main.get_by_label(t(page, "Starts at")).fill(f"{day}T09:00")
    main.get_by_label(t(page, "Ends at")).fill(f"{day}T08:00")  # a mistake first: it ends before it starts
    main.get_by_label(t(page, "Address")).fill("Ауылдық клуб")
    main.get_by_role("button", name=t(page, "Save")).click()
    expect(page.locator("main")).to_contain_text(t(page, "The meeting cannot end before it starts."))
    main.get_by_label(t(page, "Ends at")).fill(f"{day}T11:00")
    main.get_by_role("button", name=t(page, "Save")).click()
    expect(page.locator("h1")).to_have_text(TITLE)
    match = re.search(r"/manage/meetings/(\d+)/", page.url)
    assert match, page.url
    return match.group(1)


def enter_issues_on_a_phone(page: Any, meeting_id: str) -> list[str]:
    login(page, SECRETARY)
    page.goto(f"/manage/meetings/{meeting_id}/")
    page.get_by_role("link", name=t(page, "Enter raised issues")).click()
    main = page.locator("main")
    numbers: list[str] = []
    # A save with no text is refused and nothing is registered.
    main.get_by_role("button", name=t(page, "Save and next")).click()
    expect(page.locator("main")).to_contain_text(t(page, "Write down the issue the person raised."))
    for text, name, phone, signatories in ISSUES:
        main.get_by_label(t(page, "Issue")).fill(text)
        main.get_by_label(t(page, "Who raised it (name)")).fill(name)
        if phone:
            main.get_by_label(t(page, "Phone (optional)")).fill(phone)
        if signatories:
            main.get_by_label(t(page, "Collective (several people)")).check()
            main.get_by_label(t(page, "Number of signatories")).fill(signatories)
        main.get_by_role("button", name=t(page, "Save and next")).click()
        saved = page.locator(".alert-success").last
        expect(saved).to_be_visible()
        number = re.search(r"\S+-\d{4}-\d{6}", saved.inner_text())
        assert number, saved.inner_text()
        numbers.append(number.group(0))
        expect(main.get_by_label(t(page, "Issue"))).to_have_value("")  # the page is ready for the next one
    shot(page, "field-meeting-issues-phone", full_page=True)
    # The form fits the phone's width: no sideways scrolling in the village hall.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    return numbers


def test_field_meeting_three_issues_become_three_appeals(new_page: Any) -> None:
    meeting_id = plan_meeting(new_page())
    phone = new_page(**PHONE)
    numbers = enter_issues_on_a_phone(phone, meeting_id)
    assert len(set(numbers)) == 3

    desk = new_page()
    login(desk, SECRETARY)
    desk.goto(f"/manage/meetings/{meeting_id}/")
    issues = desk.locator("#issues")
    for number in numbers:
        expect(issues.get_by_role("link", name=number)).to_be_visible()
    expect(issues.locator("tbody tr")).to_have_count(3)
    shot(desk, "field-meeting-card", full_page=True)
    for number in numbers:
        desk.goto(f"/manage/appeals/?q={number}")
        expect(desk.locator("main")).to_contain_text(number)
        expect(desk.locator("main")).to_contain_text(t(desk, "Field meeting"))
