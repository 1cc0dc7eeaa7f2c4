"""Journey: assignments. A district bureau adopts a decision (a document) → issues from it an
assignment to all primary organisations of the district → two primaries report (their secretaries
log in) → the third runs late and `amanat sweep` escalates it → the issuer's control view shows who
has done it, who has not, the share done and the escalation; the issuer accepts a report, and the
decision's page shows how its assignment went.

The district, its three primaries and their secretaries are made in the server's own database
through `amanat shell` (a fresh tag, so the journey does not depend on the demo's Makat data).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, Platform, login, shot, t

SETUP = """
import datetime as dt, json
from amanat.accounts.models import Role, RoleGrant, User
from amanat.org.models import OrgUnit

tag = {tag!r}
password = {password!r}
regional = OrgUnit.objects.get(code="atyrau")
district = OrgUnit.objects.add_child(regional, {{"code": f"jd-{{tag}}", "kind": "district",
    "name_kk": f"Журнал ауданы {{tag}}", "name_ru": f"Журнальный район {{tag}}", "name_en": f"Journey district {{tag}}"}})
roles = {{r.code: r for r in Role.objects.filter(code__in=["executive_secretary", "primary_secretary"])}}
issuer = User.objects.create_user(f"issuer.{{tag}}@example.kz", password, full_name=f"Хатшы {{tag}}", language="ru")
RoleGrant.objects.create(user=issuer, role=roles["executive_secretary"], org_unit=district, valid_from=dt.date(2020, 1, 1))
out = {{"issuer": issuer.email, "district": district.pk, "district_name": district.name_ru, "primaries": []}}
for n in (1, 2, 3):
    unit = OrgUnit.objects.add_child(district, {{"code": f"jd-{{tag}}-p{{n}}", "kind": "primary",
        "name_kk": f"ППО {{tag}} №{{n}}", "name_ru": f"ППО {{tag}} №{{n}}", "name_en": f"Primary {{tag}} {{n}}"}})
    secretary = User.objects.create_user(f"p{{n}}.{{tag}}@example.kz", password, full_name=f"Секретарь {{n}} {{tag}}",
                                         language="ru")
    RoleGrant.objects.create(user=secretary, role=roles["primary_secretary"], org_unit=unit,
                             valid_from=dt.date(2020, 1, 1))
    out["primaries"].append({{"unit": unit.name_ru, "pk": unit.pk, "login": secretary.email}})
print(json.dumps(out))
"""

LATE = """
from django.utils import timezone
import datetime as dt
from amanat.assignments.models import Execution
from amanat.core.calendar import is_working_day
day, left = timezone.localdate(), 4
while left:
    day -= dt.timedelta(days=1)
    left -= is_working_day(day)
print(Execution.objects.filter(recipient_unit_id={unit}, status__in=["issued", "in_progress"]).update(deadline=day))
"""


def make_district(platform: Platform) -> dict[str, Any]:
    out = platform.amanat("shell", "-c", SETUP.format(tag=uuid.uuid4().hex[:6], password=DEMO_PASSWORD))
    return json.loads(out.strip().splitlines()[-1])


def test_bureau_decision_to_primaries_two_report_one_late_and_escalated(new_page: Any, platform: Platform) -> None:
    data = make_district(platform)
    issuer = new_page()
    login(issuer, data["issuer"])

    # The bureau's decision, recorded as a document of the district branch.
    issuer.goto("/manage/documents/new/")
    issuer.locator("#id_kind").select_option("bureau_decision")
    issuer.locator("#id_org_unit").select_option(str(data["district"]))
    issuer.locator("#id_number").fill("7")
    issuer.locator("#id_adopted_on").fill("2026-01-15")
    title = f"О выездных встречах {data['district_name']}"
    issuer.locator("#id_title_ru").fill(title)
    issuer.get_by_role("button", name=t(issuer, "Save")).click()
    expect(issuer.locator("h1")).to_contain_text(title)

    # From the decision: an assignment to all primaries of the district, in 5 working days.
    issuer.get_by_role("link", name=t(issuer, "Issue an assignment")).click()
    expect(issuer.locator("#id_title")).to_have_value(f"№ 7 {title}")
    issuer.locator("#id_issuer_post").fill("Бюро")
    issuer.locator("#id_text").fill("Провести выездные встречи с населением во всех сёлах.")
    issuer.locator("#id_deadline_days").fill("5")
    issuer.locator("#id_primaries_under").select_option(str(data["district"]))
    issuer.get_by_role("button", name=t(issuer, "Issue")).click()
    expect(issuer.locator("#summary [data-count=done]")).to_have_text("0 / 3")
    for primary in data["primaries"]:
        expect(issuer.locator("#results")).to_contain_text(primary["unit"])
    control_url = issuer.url

    # Two primaries report, each through their own "My assignments".
    for n, primary in enumerate(data["primaries"][:2], start=1):
        page = new_page()
        login(page, primary["login"])
        page.goto("/manage/assignments/mine/")
        page.get_by_role("link", name=f"№ 7 {title}").click()
        page.locator("#id_text").fill(f"Проведено {n + 1} встречи, вопросы внесены в приёмную.")
        page.get_by_role("button", name=t(page, "Send the report")).click()
        expect(page.locator("#execution-status")).to_have_text(t(page, "Reported"))
        if n == 1:
            shot(page, "assignment-report")
        # Nobody but the issuer's side accepts: the recipient is not shown the button.
        expect(page.get_by_role("button", name=t(page, "Accept"))).to_have_count(0)

    # The third runs late; the sweep escalates it.
    third = data["primaries"][2]
    assert platform.amanat("shell", "-c", LATE.format(unit=third["pk"])).strip().endswith("1")
    swept = platform.amanat("sweep", "--job", "assignments.deadlines")
    assert "assignments.deadlines" in swept

    issuer.goto(control_url)
    expect(issuer.locator("#summary [data-count=reported]")).to_have_text("2")
    expect(issuer.locator("#summary [data-count=overdue]")).to_have_text("1")
    expect(issuer.locator("#summary [data-count=escalated]")).to_have_text("1")
    late_row = issuer.locator(f"tr[data-recipient='{third['unit']}']")
    expect(late_row).to_contain_text(t(issuer, "late"))
    shot(issuer, "assignment-control-view", full_page=True)

    # Quick acceptance from the list; the share done moves.
    first_row = issuer.locator(f"tr[data-recipient='{data['primaries'][0]['unit']}']")
    first_row.get_by_role("button", name=t(issuer, "Accept")).click()
    expect(issuer.locator("#summary [data-count=done]")).to_have_text("1 / 3")

    # Only the overdue ones.
    issuer.locator("#id_state").select_option("overdue")
    expect(issuer.locator("#results tbody tr")).to_have_count(1)
    expect(issuer.locator("#results")).to_contain_text(third["unit"])

    # The decision shows the assignment it created and how it went.
    issuer.goto("/manage/documents/")
    issuer.get_by_role("link", name=f"№ 7 {title}").first.click()
    expect(issuer.locator("#document-assignments")).to_contain_text("1 / 3")
