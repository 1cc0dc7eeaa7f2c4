"""Journey: a citizen files an appeal on the website → an operator assigns it → a deputy answers
→ the citizen reads the answer and rates it. Once with a Kazakh-speaking citizen, once with a
Russian-speaking one; the staff work in their own languages (the operator in Russian, the deputy
in Kazakh), so both catalogues are walked on the way.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Platform, login, page_lang, shot, t

OPERATOR = "operator@amanat.kz"  # reception operator of the Atyrau city branch
DEPUTY = "deputy@amanat.kz"  # maslikhat deputy on the same branch
CITY = re.compile(r"Атырау")

TEXTS = {
    "kk": (
        "Құрметті депутат! Сәтпаев көшесіндегі 12-үйде үш аптадан бері жылу жоқ, "
        "балалар суықта отыр. Көмектесуіңізді сұраймыз."
    ),
    "ru": ("Уважаемый депутат! В доме 12 по улице Сатпаева третью неделю нет отопления, дети мёрзнут. Просим помочь."),
}
ANSWERS = {
    "kk": "Жылу беру 2 күн ішінде қалпына келтірілді. Тексеру актісі қоса беріледі.",
    "ru": "Отопление восстановлено в течение двух дней. Акт проверки прилагается.",
}


def field(page: Any, msgid: str) -> Any:
    """A form field by its label, whatever marks follow it ("* (required)")."""
    return page.get_by_label(re.compile(rf"^{re.escape(t(page, msgid))}\s*(\*|\(|$)"))


def deputy_name(platform: Platform) -> str:
    out = platform.amanat(
        "shell",
        "-c",
        f"from amanat.accounts.models import User; print(User.objects.get(email='{DEPUTY}').full_name)",
    )
    return out.strip().splitlines()[-1]


def file_appeal(page: Any, lang: str) -> tuple[str, str, str]:
    """The citizen fills the public form; returns (registration number, tracking code, PIN)."""
    page.goto("/")
    assert page_lang(page) == lang
    page.get_by_role("link", name=t(page, "Send an appeal")).first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(page, "Send an appeal"))

    district = field(page, "City or district")
    city = next(label for label in district.locator("option").all_inner_texts() if CITY.search(label))
    district.select_option(label=city)
    field(page, "Text of the appeal").fill(TEXTS[lang])
    field(page, "Full name").fill("Серікова Айгүл" if lang == "kk" else "Петрова Анна")
    field(page, "Phone").fill("+77011234567")
    field(page, "E-mail").fill(f"citizen.{lang}@example.kz")
    field(page, "I agree to the processing of my personal data to consider this appeal").check()
    page.get_by_role("button", name=t(page, "Send the appeal")).click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", level=1)).to_contain_text(t(page, "Your appeal has been sent"))
    receipt = page.locator("dl.appeal-receipt")
    number = receipt.locator("dd").first.inner_text().strip()
    assert re.fullmatch(r"\S+-\d{4}-\d{6}", number), number
    code, pin = (c.strip() for c in receipt.locator("code").all_inner_texts())
    assert re.fullmatch(r"\d{6}", pin)
    shot(page, f"appeal-{lang}-1-sent")
    return number, code, pin


def open_appeal(page: Any, number: str) -> None:
    """From the inbox, find the appeal by its number and open it."""
    page.goto(f"/manage/appeals/?q={number}")
    page.get_by_role("link", name=number, exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)


def assign_to_deputy(page: Any, number: str, executor: str) -> None:
    login(page, OPERATOR)
    open_appeal(page, number)
    page.get_by_role("link", name=t(page, "Assign an executor")).click()
    field(page, "Executor").select_option(label=executor)
    page.get_by_role("button", name=t(page, "Assign an executor")).click()
    page.wait_for_load_state()
    expect(page.get_by_text(t(page, "The executor has been assigned."))).to_be_visible()
    expect(page.locator("main")).to_contain_text(executor)


def answer_as_deputy(page: Any, number: str, lang: str) -> None:
    login(page, DEPUTY)
    modules = page.get_by_role("navigation", name=t(page, "Modules"))
    modules.get_by_role("link", name=t(page, "My appeals"), exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=number, exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=t(page, "Answer the applicant")).click()
    page.wait_for_load_state()
    field(page, "Answer").fill(ANSWERS[lang])
    field(page, "Language of the answer").select_option(lang)
    field(page, "Yes, in the applicant's favour").check()
    page.get_by_role("button", name=t(page, "Answer the applicant")).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(ANSWERS[lang])
    shot(page, f"appeal-{lang}-2-answered")


def rate_as_citizen(page: Any, code: str, pin: str, lang: str) -> None:
    page.goto("/appeals/track/")
    field(page, "Tracking code").fill(code)
    field(page, "PIN").fill(pin)
    page.get_by_role("button", name=t(page, "Show the appeal")).click()
    page.wait_for_load_state()
    main = page.locator("main")
    expect(main).to_contain_text(ANSWERS[lang])
    # The tracking page shows the answer, never the applicant's own data.
    expect(main).not_to_contain_text("+77011234567")
    expect(main).not_to_contain_text(f"citizen.{lang}@example.kz")

    rating = page.get_by_role("group", name=re.compile(re.escape(t(page, "Your rating of the answer"))))
    rating.get_by_label("5").check()
    field(page, "Fully solved").check()
    page.get_by_role("button", name=t(page, "Send the rating")).click()
    page.wait_for_load_state()
    expect(main).to_contain_text(re.compile(r"5\D+5"))
    expect(page.get_by_role("button", name=t(page, "Send the rating"))).to_have_count(0)
    shot(page, f"appeal-{lang}-3-rated")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_citizen_files_operator_assigns_deputy_answers_citizen_rates(
    new_page: Any, platform: Platform, lang: str
) -> None:
    citizen = new_page(locale={"kk": "kk-KZ", "ru": "ru-RU"}[lang])
    number, code, pin = file_appeal(citizen, lang)

    executor = deputy_name(platform)
    assign_to_deputy(new_page(), number, executor)
    answer_as_deputy(new_page(), number, lang)
    rate_as_citizen(citizen, code, pin, lang)

    # The operator sees the whole story on the appeal page: answered, then closed by the rating.
    staff = new_page()
    login(staff, OPERATOR)
    open_appeal(staff, number)
    expect(staff.locator("main")).to_contain_text(t(staff, "Closed"))
