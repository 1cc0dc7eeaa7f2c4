"""Journey: party projects with volunteers. On a phone, a young volunteer finds an event on the
public site and signs up for a shift; signing up again is refused with a clear message; a second
volunteer takes the last place and the shift shows as full. The organiser confirms a volunteer's
attendance and hours for an event held yesterday and enters its result; the public project page
then shows the hours and the result — and no volunteer's name anywhere.

The data (a public project with an indicator, an upcoming event with a two-place shift, and a
past event with one sign-up) is made in the server's own database through `amanat shell`.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Platform, login, shot, t

SETUP = """
import datetime as dt, json
from decimal import Decimal
from django.utils import timezone
from amanat.accounts.models import User
from amanat.org.models import OrgUnit
from amanat.projects.models import Event, Project, ProjectKPI, Shift
from amanat.projects.services.signups import Volunteer, signup_create

tag = {tag!r}
now = timezone.now().replace(second=0, microsecond=0)
unit = OrgUnit.objects.get(code="makat")
project = Project.objects.create(code=f"journey-{{tag}}", title_kk=f"Таза аула {{tag}}", title_ru=f"Чистый двор {{tag}}",
                                 org_unit=unit, is_public=True)
kpi = ProjectKPI.objects.create(project=project, name_kk="Қоқыс", name_ru="Мусор", measure_kk="т", measure_ru="т",
                                yearly_target=Decimal(10))
soon = now + dt.timedelta(days=3)
event = Event.objects.create(project=project, org_unit=unit, title_kk=f"Сенбілік {{tag}}", title_ru=f"Субботник {{tag}}",
                             kind="cleanup", starts_at=soon, ends_at=soon + dt.timedelta(hours=3), address="Саябақ")
Shift.objects.create(event=event, starts_at=soon, ends_at=soon + dt.timedelta(hours=2), capacity=2)
held = now - dt.timedelta(days=1)
past = Event.objects.create(project=project, org_unit=unit, title_kk=f"Өткен {{tag}}", title_ru=f"Прошедший {{tag}}",
                            kind="cleanup", starts_at=held, ends_at=held + dt.timedelta(hours=3))
past_shift = Shift.objects.create(event=past, starts_at=held, ends_at=held + dt.timedelta(hours=3), capacity=5)
signup_create(shift_id=past_shift.pk, volunteer=Volunteer(name=f"Ерікті Өткенов {{tag}}", phone="+77015550999",
              consent=True), now=held - dt.timedelta(days=1))
print(json.dumps({{"event": event.pk, "past": past.pk, "code": project.code, "title_ru": project.title_ru}}))
"""

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def setup(platform: Platform) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:6]
    out = platform.amanat("shell", "-c", SETUP.format(tag=tag))
    return json.loads(out.strip().splitlines()[-1]) | {"tag": tag}


def sign_up(page: Any, event: int, *, name: str, phone: str) -> None:
    page.goto(f"/projects/events/{event}/")
    page.get_by_label(t(page, "Your name")).fill(name)
    page.get_by_label(t(page, "Phone")).fill(phone)
    page.get_by_label(t(page, "Year of birth")).fill("2006")
    page.get_by_label(t(page, "I agree to the processing of my personal data to take part in the event")).check()
    page.get_by_role("button", name=t(page, "Sign up"), exact=True).click()
    page.wait_for_load_state()


def test_volunteers_sign_up_the_shift_fills_and_the_organiser_confirms_hours(new_page: Any, platform: Platform) -> None:
    data = setup(platform)
    young = new_page(**PHONE)
    sign_up(young, data["event"], name=f"Жансая Ерікті {data['tag']}", phone="+7 701 123 45 67")
    expect(young.get_by_role("heading", level=1)).to_have_text(t(young, "You are signed up"))
    shot(young, "proj-1-signed-up")

    # The same phone again: refused, with the reason on the page; nothing is added.
    sign_up(young, data["event"], name=f"Жансая Ерікті {data['tag']}", phone="87011234567")
    expect(young.get_by_role("alert").first).to_contain_text(t(young, "You are already signed up for this shift."))

    second = new_page(**PHONE)
    sign_up(second, data["event"], name=f"Мирас Ерікті {data['tag']}", phone="+7 702 765 43 21")
    expect(second.get_by_role("heading", level=1)).to_have_text(t(second, "You are signed up"))
    second.goto(f"/projects/events/{data['event']}/")
    expect(second.locator("main")).to_contain_text(t(second, "There are no free places on this event."))
    shot(second, "proj-2-full")

    # The organiser confirms yesterday's volunteer and the result.
    staff = new_page()
    login(staff, "secretary@amanat.kz")
    staff.goto(f"/manage/projects/events/{data['past']}/")
    row = staff.locator("tr", has_text=f"Ерікті Өткенов {data['tag']}")
    row.locator("select[name=status]").select_option("attended")
    row.locator("input[name=hours]").fill("2.5")
    row.get_by_role("button", name=t(staff, "Save")).click()
    staff.wait_for_load_state()
    expect(staff.locator("tr", has_text=f"Ерікті Өткенов {data['tag']}")).to_contain_text(t(staff, "Attended"))
    staff.get_by_role("link", name=t(staff, "Enter results")).click()
    staff.get_by_label(re.compile("т$")).fill("-1")
    staff.get_by_role("button", name=t(staff, "Save")).click()
    expect(staff.locator("main")).to_contain_text(t(staff, "A result cannot be negative."))
    staff.get_by_label(re.compile("т$")).fill("1.5")
    staff.get_by_role("button", name=t(staff, "Save")).click()
    staff.wait_for_load_state()
    expect(staff.locator("main")).to_contain_text(t(staff, "The results were saved."))
    shot(staff, "proj-3-confirmed")

    citizen = new_page()
    citizen.goto(f"/projects/{data['code']}/")
    main = citizen.locator("main")
    expect(main).to_contain_text(re.compile(r"2[.,]5"))  # the hours, in the page's number format
    expect(main).to_contain_text(re.compile(r"1[.,]5"))  # the result
    text = main.inner_text()
    for name in ("Өткенов", "Жансая", "Мирас", "+7701"):
        assert name not in text
    shot(citizen, "proj-4-public", full_page=True)
