"""The public site: a citizen sends an appeal without an account, follows it by code and PIN,
rates the answer and may reopen it. Bad input gets a clear message and registers nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from amanat.appeals.choices import AppealStatus, AppealType, Channel, Language, Solved
from amanat.appeals.forms.public import new_form_token
from amanat.appeals.models import Appeal, AppealAttachment, AppealFeedback
from amanat.appeals.services.intake import Intake, appeal_register
from amanat.appeals.services.transitions import appeal_transition
from amanat.appeals.workflow import Transition
from amanat.org.choices import TerritoryKind
from amanat.org.tests.factories import add_territory

pytestmark = pytest.mark.django_db

NEW = reverse("appeals:public-new")
TRACK = reverse("appeals:track")
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VALID_IIN = "900101300017"  # a real birth date and a correct check digit


@pytest.fixture
def settlement(tree: Any) -> Any:
    return add_territory(tree.makat_t, kato="235230100", kind=TerritoryKind.SETTLEMENT, name="Байғұтты")


@pytest.fixture
def fake_pdf(monkeypatch: Any) -> None:
    """The documents' HTML as the "PDF" (WeasyPrint is tested in test_pdf.py): quick, and readable."""
    from amanat.appeals import pdf

    monkeypatch.setattr(
        "amanat.appeals.pdf.coupon_pdf",
        lambda appeal, pin=None: b"%PDF-coupon " + (pin or "").encode() + pdf.coupon_html(appeal, pin=pin).encode(),
    )
    monkeypatch.setattr(
        "amanat.appeals.pdf.answer_letter_pdf",
        lambda answer, public=False: b"%PDF-answer " + pdf.answer_letter_html(answer, public=public).encode(),
    )


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "appeal_type": AppealType.STATEMENT,
        "text": "Третью неделю нет отопления в доме по улице Абая 5.",
        "language": Language.RU,
        "applicant_name": "Серікова Айгүл",
        "applicant_phone": "8 701 123 45 67",
        "applicant_email": "aigul@example.kz",
        "answer_channel": "email",
        "consent": "on",
        "form_token": new_form_token(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def pdf_file(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def form_token_from(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


# --- sending an appeal ---------------------------------------------------------------------------


def test_citizen_sends_an_appeal_with_a_file_and_sees_number_code_and_pin(
    client: Any, tree: Any, cats: Any, settlement: Any, fake_pdf: None
) -> None:
    page = client.get(NEW)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="file"' in html and "multiple" in html
    assert str(AppealType.MANDATE.label) not in html  # voters' mandates only during a campaign

    data = form_data(
        form_token=form_token_from(html),
        category=cats.heating.pk,
        district=tree.makat_t.pk,
        settlement=settlement.pk,
        applicant_iin=VALID_IIN,
        attachments=[pdf_file()],
    )
    response = client.post(NEW, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:public-done")

    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.WEB
    assert appeal.territory == settlement
    assert appeal.category == cats.heating
    assert appeal.applicant_phone == "+77011234567"
    assert appeal.consent_at is not None
    assert appeal.reveal_iin() == VALID_IIN
    assert AppealAttachment.objects.get(appeal=appeal).content_type == "application/pdf"

    done = client.get(response["Location"]).content.decode()
    assert appeal.number in done and appeal.tracking_code in done
    pin = re.search(r'<code class="fs-4">(\d{6})</code>', done).group(1)
    assert appeal.pin_hash and len(pin) == 6
    assert "sent the registration number and tracking code to your e-mail" in done

    coupon = client.get(reverse("appeals:public-coupon", args=[appeal.tracking_code]))
    assert coupon.status_code == 200 and coupon["Content-Type"] == "application/pdf"
    assert coupon.content.startswith(b"%PDF-coupon " + pin.encode())
    assert appeal.number in coupon.content.decode()


def test_the_coupon_is_not_given_to_another_browser(client: Any, tree: Any, fake_pdf: None) -> None:
    client.post(NEW, form_data())
    appeal = Appeal.objects.get()
    from django.test import Client

    stranger = Client().get(reverse("appeals:public-coupon", args=[appeal.tracking_code]))
    assert stranger.status_code == 302 and stranger["Location"].startswith(TRACK)


def test_settlements_of_a_district_are_loaded_for_the_second_select(client: Any, tree: Any, settlement: Any) -> None:
    inder_village = add_territory(tree.inder_t, kato="234030100", kind=TerritoryKind.SETTLEMENT, name="Өрлік")
    html = client.get(reverse("appeals:public-settlements"), {"district": tree.makat_t.pk}).content.decode()
    assert "Байғұтты" in html and "Өрлік" not in html
    # Without JavaScript the form lists every settlement, grouped by district.
    form = client.get(NEW).content.decode()
    assert "Байғұтты" in form and "Өрлік" in form and inder_village.pk


def test_a_settlement_outside_the_chosen_district_is_refused(client: Any, tree: Any, settlement: Any) -> None:
    response = client.post(NEW, form_data(district=tree.inder_t.pk, settlement=settlement.pk))
    assert "This settlement is not in the chosen city or district." in response.content.decode()
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": ""}, "Describe the matter of the appeal."),
        ({"text": "ы" * 100_000}, "The text is too long: at most 20000 characters"),
        ({"applicant_iin": "123456789012"}, "IIN"),
        ({"consent": None}, "Without consent to processing personal data the appeal cannot be sent."),
        ({"applicant_name": ""}, "Enter your name, or send the appeal anonymously."),
        ({"applicant_phone": "12345"}, "Enter a Kazakhstan phone number"),
        ({"appeal_type": AppealType.MANDATE}, "Select a valid choice"),
        ({"is_collective": "on", "signatories": "1"}, "A collective appeal has at least two signatories."),
    ],
    ids=["empty-text", "100k-text", "bad-iin", "no-consent", "no-name", "bad-phone", "mandate", "collective-of-one"],
)
def test_bad_input_gets_a_clear_message_and_registers_nothing(
    client: Any, tree: Any, overrides: dict[str, Any], message: str
) -> None:
    response = client.post(NEW, form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Appeal.objects.count() == 0


def test_an_exe_renamed_pdf_is_refused(client: Any, tree: Any) -> None:
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 500, content_type="application/pdf")
    response = client.post(NEW, form_data(attachments=[exe]))
    assert "The file “report.pdf” is not accepted" in response.content.decode()
    assert Appeal.objects.count() == 0 and AppealAttachment.objects.count() == 0


def test_a_50_mb_file_is_refused_with_a_clear_message(client: Any, tree: Any) -> None:
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (50 * 2**20), content_type="application/pdf")
    response = client.post(NEW, form_data(attachments=[big]))
    assert response.status_code == 200
    assert "The file “big.pdf” is too large: at most 10 MB." in response.content.decode()
    assert Appeal.objects.count() == 0


def test_an_upload_larger_than_all_files_allowed_is_not_even_read(client: Any, tree: Any, settings: Any) -> None:
    settings.APPEAL_ATTACHMENT_MAX_BYTES = 2**20
    settings.APPEAL_ATTACHMENTS_MAX = 2
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 2**20), content_type="application/pdf")
    response = client.post(NEW, form_data(attachments=[big]))
    assert response.status_code == 413
    assert "The files are too large together" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_too_many_files_are_refused(client: Any, tree: Any, settings: Any) -> None:
    settings.APPEAL_ATTACHMENTS_MAX = 2
    response = client.post(NEW, form_data(attachments=[pdf_file("a.pdf"), pdf_file("b.pdf"), pdf_file("c.pdf")]))
    assert "Too many files: attach at most 2." in response.content.decode()
    assert Appeal.objects.count() == 0


def test_an_anonymous_appeal_needs_no_name_and_is_flagged(client: Any, tree: Any) -> None:
    response = client.post(
        NEW,
        form_data(is_anonymous="on", reports_threat="on", applicant_name="", applicant_phone="", applicant_email=""),
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.is_anonymous and appeal.reports_threat and appeal.applicant_name == ""


def test_the_honeypot_pretends_success_and_registers_nothing(client: Any, tree: Any) -> None:
    response = client.post(NEW, form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "Your appeal has been sent" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_too_many_appeals_from_one_address_get_429_and_register_nothing(client: Any, tree: Any, settings: Any) -> None:
    settings.APPEAL_PUBLIC_PER_HOUR = 2
    for _ in range(2):
        assert client.post(NEW, form_data()).status_code == 302
    response = client.post(NEW, form_data())
    assert response.status_code == 429
    assert "Too many appeals have been sent from your address" in response.content.decode()
    assert "Третью неделю нет отопления" in response.content.decode()  # the text is not lost
    assert Appeal.objects.count() == 2


def test_the_same_form_sent_twice_registers_one_appeal_and_shows_the_first_result(client: Any, tree: Any) -> None:
    data = form_data()
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("appeals:public-done")
    appeal = Appeal.objects.get()
    done = client.get(reverse("appeals:public-done")).content.decode()
    assert appeal.number in done


def test_a_repeat_from_another_browser_after_the_cache_was_lost_still_registers_once(client: Any, tree: Any) -> None:
    from django.core.cache import cache
    from django.test import Client

    data = form_data()
    client.post(NEW, data)
    cache.clear()  # e.g. another server process with its own memory
    response = Client().post(NEW, data)
    assert response.status_code == 302
    assert Appeal.objects.count() == 1


def test_a_forged_form_token_is_refused(client: Any, tree: Any) -> None:
    response = client.post(NEW, form_data(form_token="forged"))
    assert "The form is out of date" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_the_form_language_defaults_to_the_page_language(client: Any, tree: Any) -> None:
    client.cookies["amanat_language"] = "kk"
    html = client.get(NEW, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert re.search(r'<option value="kk" selected>', html)


# --- tracking ------------------------------------------------------------------------------------


def register(tree: Any, **fields: Any) -> tuple[Appeal, str]:
    intake = Intake(
        appeal_type=AppealType.STATEMENT,
        channel=Channel.WEB,
        text="Нет отопления.",
        applicant_name="Серікова Айгүл",
        applicant_phone="+77011234567",
        applicant_email="aigul@example.kz",
        applicant_address="Атырау, ул. Абая 5",
        applicant_iin=VALID_IIN,
        consent=True,
        **{"org_unit": tree.makat, **fields},
    )
    registered = appeal_register(actor=None, intake=intake, public=True)
    return registered.appeal, registered.pin


def answered(appeal: Appeal, staff: Any, text: str = "Отопление восстановлено 12 марта.") -> Appeal:
    return appeal_transition(
        appeal=appeal,
        transition=Transition.ANSWER,
        actor=staff.makat_deputy,
        text=text,
        language=Language.RU,
        is_positive=True,
    )


def prove(client: Any, appeal: Appeal, pin: str) -> Any:
    return client.post(TRACK, {"code": appeal.tracking_code, "pin": pin})


def test_the_right_pin_shows_status_and_no_personal_data(client: Any, tree: Any, staff: Any) -> None:
    appeal, pin = register(tree)
    answered(appeal, staff)
    response = prove(client, appeal, pin)
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert appeal.number in html
    assert str(AppealStatus.ANSWERED.label) in html
    assert "Отопление восстановлено 12 марта." in html
    assert str(Transition.ANSWER.label) in html  # the public timeline
    for private in ("Серікова", "+77011234567", "aigul@example.kz", VALID_IIN, "Абая 5", "Makat Deputy"):
        assert private not in html
    assert str(tree.makat.name) in html  # the unit's name is public


def test_the_tracking_page_shows_the_deadline_and_working_days_left(client: Any, tree: Any) -> None:
    appeal, pin = register(tree)
    html = client.get(prove(client, appeal, pin)["Location"]).content.decode()
    assert "working days" in html or "working day" in html
    assert appeal.deadline.strftime("%Y") in html


def test_the_code_and_pin_never_travel_in_the_address(client: Any, tree: Any) -> None:
    appeal, pin = register(tree)
    location = prove(client, appeal, pin)["Location"]
    assert pin not in location
    assert client.get(TRACK, {"code": appeal.tracking_code, "pin": pin}).status_code == 200  # GET shows the form only
    html = client.get(TRACK).content.decode()
    assert 'method="post"' in html


def test_a_wrong_pin_gets_a_clear_message(client: Any, tree: Any) -> None:
    appeal, pin = register(tree)
    wrong = "000000" if pin != "000000" else "111111"
    response = prove(client, appeal, wrong)
    assert response.status_code == 200
    assert "The tracking code or the PIN is wrong." in response.content.decode()
    # …and without the PIN the status page sends back to the form.
    status = client.get(reverse("appeals:track-detail", args=[appeal.tracking_code]))
    assert status.status_code == 302 and status["Location"].startswith(TRACK)


def test_many_wrong_pins_answer_429_even_with_the_right_pin(client: Any, tree: Any, settings: Any) -> None:
    settings.APPEAL_PIN_ATTEMPTS = 3
    appeal, pin = register(tree)
    wrong = "000000" if pin != "000000" else "111111"
    for _ in range(3):
        assert prove(client, appeal, wrong).status_code == 200
    response = prove(client, appeal, pin)
    assert response.status_code == 429
    assert re.search(r"Too many attempts with a wrong PIN. Try again in \d+ minutes.", response.content.decode())
    assert not client.session.get("appeal_access")


def test_the_lockout_ends_after_its_window(client: Any, tree: Any, settings: Any) -> None:
    settings.APPEAL_PIN_ATTEMPTS = 2
    appeal, pin = register(tree)
    wrong = "000000" if pin != "000000" else "111111"
    for _ in range(2):
        prove(client, appeal, wrong)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert prove(client, appeal, pin).status_code == 302


def test_wrong_pins_from_one_address_across_codes_are_slowed_down(client: Any, tree: Any, settings: Any) -> None:
    settings.APPEAL_PIN_ATTEMPTS = 2
    appeal, pin = register(tree)
    for n in range(8):  # the address allows four times the per-code limit
        client.post(TRACK, {"code": f"NOSUCHCOD{n}", "pin": "123456"})
    assert prove(client, appeal, pin).status_code == 429


# --- rating and reopening ------------------------------------------------------------------------


def test_the_citizen_rates_the_answer_once(client: Any, tree: Any, staff: Any) -> None:
    appeal, pin = register(tree)
    answered(appeal, staff)
    detail = prove(client, appeal, pin)["Location"]
    assert "Rate the answer" in client.get(detail).content.decode()
    rate = reverse("appeals:public-rate", args=[appeal.tracking_code])
    response = client.post(rate, {"rating": "5", "solved": Solved.FULLY, "comment": "Спасибо"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED
    page = client.get(detail).content.decode()
    assert "Thank you: your rating has been recorded." in page and "Rate the answer" not in page

    again = client.post(rate, {"rating": "1", "solved": Solved.NOT})
    assert "This answer has already been rated." in again.content.decode()
    assert AppealFeedback.objects.get().rating == 5


def test_a_rating_needs_stars_and_a_verdict(client: Any, tree: Any, staff: Any) -> None:
    appeal, pin = register(tree)
    answered(appeal, staff)
    prove(client, appeal, pin)
    response = client.post(reverse("appeals:public-rate", args=[appeal.tracking_code]), {"rating": "9"})
    html = response.content.decode()
    assert "Select a valid choice" in html and "Say whether the problem was solved." in html
    assert AppealFeedback.objects.count() == 0


def test_rating_without_the_pin_is_sent_to_the_tracking_form(client: Any, tree: Any, staff: Any) -> None:
    appeal, _pin = register(tree)
    answered(appeal, staff)
    response = client.post(
        reverse("appeals:public-rate", args=[appeal.tracking_code]), {"rating": "1", "solved": Solved.NOT}
    )
    assert response.status_code == 302 and response["Location"].startswith(TRACK)
    assert AppealFeedback.objects.count() == 0


def test_the_citizen_reopens_within_the_window(client: Any, tree: Any, staff: Any) -> None:
    appeal, pin = register(tree)
    answered(appeal, staff)
    prove(client, appeal, pin)
    response = client.post(
        reverse("appeals:public-reopen", args=[appeal.tracking_code]), {"reason": "Отопления так и нет."}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_WORK and appeal.needs_review


def test_reopening_after_the_window_is_refused(client: Any, tree: Any, staff: Any) -> None:
    appeal, pin = register(tree)
    answered(appeal, staff)
    with time_machine.travel(timezone.now() + dt.timedelta(days=120)):
        prove(client, appeal, pin)
        page = client.get(reverse("appeals:track-detail", args=[appeal.tracking_code])).content.decode()
        assert "Reopen the appeal" not in page
        response = client.post(
            reverse("appeals:public-reopen", args=[appeal.tracking_code]), {"reason": "Отопления так и нет."}
        )
        assert "can no longer be reopened" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED


def test_a_reopen_needs_a_reason(client: Any, tree: Any, staff: Any) -> None:
    appeal, pin = register(tree)
    answered(appeal, staff)
    prove(client, appeal, pin)
    response = client.post(reverse("appeals:public-reopen", args=[appeal.tracking_code]), {"reason": ""})
    assert "Say why the answer did not solve the problem." in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED


def test_the_answer_letter_pdf_is_given_after_the_pin(client: Any, tree: Any, staff: Any, fake_pdf: None) -> None:
    appeal, pin = register(tree)
    answered(appeal, staff)
    answer = appeal.answers.get()
    url = reverse("appeals:public-answer-pdf", args=[appeal.tracking_code, answer.pk])
    assert client.get(url).status_code == 302
    prove(client, appeal, pin)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-answer")
    letter = response.content.decode()
    assert answer.text in letter
    # The public copy of the letter carries no personal data of the applicant.
    assert appeal.applicant_name not in letter and appeal.applicant_phone not in letter
    other, _ = register(tree)
    assert client.get(reverse("appeals:public-answer-pdf", args=[other.tracking_code, answer.pk])).status_code == 302


def test_public_links_are_on_the_home_page(client: Any, tree: Any) -> None:
    html = client.get("/").content.decode()
    for name in ("appeals:public-new", "appeals:track", "appeals:public-stats"):
        assert reverse(name) in html
