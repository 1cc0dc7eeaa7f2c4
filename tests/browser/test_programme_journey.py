"""Journey: programme control. A department's official reports the quarter with an actual value →
a deputy of the item's branch goes to the site, does not confirm the report and attaches a photo
→ the item turns "At risk" on the staff pages, in the analysis (the body's ranking row) and on the
public promise tracker, where the verified progress stays where it was.

The data (a state body, its official, a deputy, a small published programme) is made in the
server's own database through `amanat shell`, the same way as amanat/programme/tests/conftest.py
makes it, with dates around today's so the current quarter can be reported.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, Platform, login, shot, t

ACTUAL = "40"  # of the target 100: the report claims 40 %
COMMENT = "Выезд на объект: поликлиника не построена, работы не начаты."
# A 1×1 PNG: the deputy's photo from the site.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

SETUP = """
import datetime as dt, json
from decimal import Decimal
from django.utils import timezone
from amanat.accounts.models import Role, RoleGrant, User
from amanat.org.choices import StateBodyKind
from amanat.org.models import Official, OrgUnit, Person, StateBody
from amanat.programme.choices import ItemKind
from amanat.programme.models import Indicator, Item, Programme
from amanat.programme.services.progress import recompute_all

tag = {tag!r}
password = {password!r}
today = timezone.localdate()
unit = OrgUnit.objects.get(code="makat")
body = StateBody.objects.add_root(instance=StateBody(
    kind=StateBodyKind.DEPARTMENT, name_kk=f"Денсаулық басқармасы {{tag}}", name_ru=f"Управление здравоохранения {{tag}}"))
person = Person.objects.create(last_name=f"Сериков{{tag}}", first_name="Нурлан", middle_name="Ерланович", org_unit=unit)
Official.objects.create(person=person, body=body, title_kk="Басшы", title_ru="Руководитель",
                        started_on=dt.date(2020, 1, 1))
roles = {{r.code: r for r in Role.objects.filter(code__in=["state_reporter", "deputy"])}}
reporter = User.objects.create_user(f"reporter.{{tag}}@example.kz", password, full_name=person.full_name,
                                    language="ru", person=person)
RoleGrant.objects.create(user=reporter, role=roles["state_reporter"], org_unit=unit, valid_from=dt.date(2020, 1, 1))
deputy = User.objects.create_user(f"deputy.{{tag}}@example.kz", password, full_name=f"Депутат {{tag}}", language="ru")
RoleGrant.objects.create(user=deputy, role=roles["deputy"], org_unit=unit, valid_from=dt.date(2020, 1, 1))
programme = Programme.objects.create(
    code=f"journey-{{tag}}", title_kk=f"Бағдарлама {{tag}}", title_ru=f"Программа {{tag}}",
    first_year=today.year - 1, last_year=today.year + 3, org_unit=unit, is_published=True)
direction = Item.objects.add_root({{
    "programme": programme, "kind": ItemKind.DIRECTION, "code": "1", "title_kk": "Денсаулық",
    "title_ru": "Здоровье", "org_unit": unit}})
clinic = Item.objects.add_child(direction, {{
    "programme": programme, "kind": ItemKind.ROADMAP, "code": "1.1", "title_kk": f"Емхана {{tag}}",
    "title_ru": f"Поликлиника {{tag}}", "org_unit": unit, "responsible_body": body,
    "planned_start": today - dt.timedelta(days=20), "planned_end": today + dt.timedelta(days=1000)}})
Indicator.objects.create(item=clinic, name_kk="Төсек", name_ru="Койки", unit="шт.",
                         baseline=Decimal(0), target=Decimal(100))
recompute_all(Item.objects.filter(programme=programme).select_related("programme").order_by("path"), today=today)
print(json.dumps({{"item": clinic.pk, "title": clinic.title_ru, "programme": programme.pk, "body": body.pk,
                  "body_name": body.name_ru, "reporter": reporter.email, "deputy": deputy.email}}))
"""


def make_programme(platform: Platform) -> dict[str, Any]:
    """A state body with its official (a reporter), a deputy of the Makat branch, and a published
    programme whose one road-map item the body answers for; returns their ids and names."""
    tag = uuid.uuid4().hex[:6]
    out = platform.amanat("shell", "-c", SETUP.format(tag=tag, password=DEMO_PASSWORD))
    return json.loads(out.strip().splitlines()[-1])


def field(page: Any, msgid: str) -> Any:
    """A form field by its label, whatever marks follow it ("* (required)")."""
    return page.get_by_label(re.compile(rf"^{re.escape(t(page, msgid))}\s*(\*|\(|$)"))


def status_badge(page: Any) -> Any:
    """The item page's status badge (in the "Status" card)."""
    return page.locator("main .card .badge.fs-6")


def body_row(page: Any, body_name: str) -> Any:
    """The state body's row in the analysis page's ranking of bodies."""
    section = page.locator("section").filter(has=page.get_by_role("heading", name=t(page, "Ranking of state bodies")))
    return section.locator("tbody tr").filter(has_text=body_name)


def at_risk_count(page: Any, row: Any) -> str:
    """The number in a ranking row's "At risk" column."""
    headers = [h.strip() for h in row.locator("xpath=ancestor::table//thead//th").all_inner_texts()]
    column = headers.index(t(page, "At risk"))
    return row.locator("th, td").nth(column).inner_text().strip()


def report_as_official(page: Any, data: dict[str, Any]) -> None:
    login(page, data["reporter"])
    page.goto("/manage/programme/")
    page.get_by_role("link", name=data["title"], exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(data["title"])
    expect(status_badge(page)).to_have_text(t(page, "On track"))

    page.get_by_role("link", name=t(page, "Give a report")).click()
    page.wait_for_load_state()
    # The current quarter is offered first and chosen.
    quarter = field(page, "Quarter")
    assert quarter.input_value() == quarter.locator("option").first.get_attribute("value")
    field(page, "What was done").fill("Начато строительство поликлиники, установлено 40 коек.")
    page.get_by_label(
        re.compile(re.escape(t(page, "%(name)s, %(unit)s: actual value") % {"name": "Койки", "unit": "шт."}))
    ).fill(ACTUAL)
    page.get_by_role("button", name=t(page, "Save")).click()
    page.wait_for_load_state()
    expect(
        page.get_by_text(t(page, "The report was saved. It counts once party control has verified it."))
    ).to_be_visible()
    main = page.locator("main")
    # The claim is on the item; nothing is verified yet.
    expect(main).to_contain_text(f"/ {ACTUAL}")
    expect(page.get_by_role("progressbar", name=t(page, "Progress as reported"))).to_have_attribute(
        "aria-valuenow", ACTUAL
    )
    expect(page.get_by_role("progressbar", name=t(page, "Progress verified"))).to_have_attribute("aria-valuenow", "0")
    shot(page, "programme-1-reported")


def rule_not_confirmed(page: Any, data: dict[str, Any], photo: Path) -> None:
    login(page, data["deputy"])
    page.goto(f"/manage/programme/?q={data['title']}")
    page.get_by_role("link", name=data["title"], exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=t(page, "Verify")).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("установлено 40 коек")
    page.get_by_label(t(page, "Not confirmed")).check()
    field(page, "What was found on the ground").fill(COMMENT)
    field(page, "Evidence of the verification").set_input_files(str(photo))
    page.get_by_role("button", name=t(page, "Save")).click()
    page.wait_for_load_state()
    expect(page.get_by_text(t(page, "The verdict was saved."))).to_be_visible()

    # Back on the item: at risk, the verdict and the photo are on the report, nothing verified.
    expect(status_badge(page)).to_have_text(t(page, "At risk"))
    main = page.locator("main")
    expect(main).to_contain_text(COMMENT)
    expect(page.get_by_role("link", name=photo.name)).to_be_visible()
    expect(page.get_by_role("progressbar", name=t(page, "Progress verified"))).to_have_attribute("aria-valuenow", "0")
    shot(page, "programme-2-not-confirmed")


def test_official_reports_deputy_does_not_confirm_item_turns_at_risk(
    new_page: Any, platform: Platform, tmp_path: Path
) -> None:
    data = make_programme(platform)
    analysis_url = f"/manage/programme/analysis/?programme={data['programme']}"

    deputy = new_page()
    login(deputy, data["deputy"])
    deputy.goto(analysis_url)
    row = body_row(deputy, data["body_name"])
    expect(row).to_have_count(1)
    assert at_risk_count(deputy, row) == "0"

    report_as_official(new_page(), data)

    photo = tmp_path / "site-visit.png"
    photo.write_bytes(PNG)
    rule_not_confirmed(new_page(), data, photo)

    # The analysis now counts the body's item among those at risk.
    deputy.goto(analysis_url)
    row = body_row(deputy, data["body_name"])
    expect(row).to_have_count(1)
    assert at_risk_count(deputy, row) == "1"
    shot(deputy, "programme-3-analysis", full_page=True)

    # The public tracker: the item is at risk, and the verified progress did not move.
    citizen = new_page()
    citizen.goto(f"/programme/?body={data['body']}")
    item_row = citizen.locator("#results tbody tr").filter(
        has=citizen.get_by_role("link", name=data["title"], exact=True)
    )
    expect(item_row).to_have_count(1)
    expect(item_row.locator(".badge")).to_have_text(t(citizen, "At risk"))
    verified = item_row.get_by_role("progressbar", name=t(citizen, "Verified"))
    expect(verified).to_have_attribute("aria-valuenow", "0")
    # Public pages name nobody: the official appears by post only.
    expect(citizen.locator("main")).not_to_contain_text(data["reporter"])
    shot(citizen, "programme-4-tracker")
