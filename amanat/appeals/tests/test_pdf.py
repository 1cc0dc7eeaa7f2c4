"""The coupon (талон) and the answer letter: what they say, and that they are real PDFs."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from amanat.appeals import pdf
from amanat.appeals.choices import Language
from amanat.appeals.services.transitions import appeal_transition
from amanat.appeals.workflow import Transition
from amanat.core.models import SiteSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(appeal_factory, staff):
    appeal = appeal_factory(actor=staff.makat_operator, applicant_address="Мақат, Абай к-сі 7", language="kk")
    appeal = appeal_transition(
        appeal=appeal,
        transition=Transition.ANSWER,
        actor=staff.makat_deputy,
        text="Жылу беру қалпына келтірілді.\n\nРахмет.",
        language=Language.KK,
        is_positive=True,
    )
    return appeal.answers.get()


def test_coupon_names_the_number_times_who_accepted_it_the_deadline_and_the_tracking_code(appeal_factory, staff):
    site = SiteSettings.load()
    site.party_name_ru = "AMANAT партия"
    site.save()
    appeal = appeal_factory(actor=staff.makat_operator)
    html = pdf.coupon_html(appeal)
    assert appeal.number in html
    assert appeal.tracking_code in html
    assert "Makat Operator" in html
    assert str(appeal.org_unit.name_ru) in html  # the appeal is in Russian: the unit's Russian name
    assert appeal.deadline.strftime("%d.%m.%Y") in html
    assert appeal.registered_on.strftime("%d.%m.%Y") in html
    assert "AMANAT партия" in html
    assert 'src="data:image/png;base64,' in html  # the QR code of the tracking page
    assert f"?code={appeal.tracking_code}" in html
    assert "PIN" not in html  # only when the public site passes it right after filing


def test_coupon_shows_the_pin_only_when_given(appeal_factory):
    appeal = appeal_factory()
    html = pdf.coupon_html(appeal, pin="123456")
    assert "123456" in html and "PIN" in html
    # Filed on the website or through the API: the coupon says so, in the appeal's language.
    with translation.override(appeal.language):
        assert translation.gettext("Online, without an operator") in html


def test_coupon_pdf_is_a_pdf(appeal_factory, staff, client):
    appeal = appeal_factory(actor=staff.makat_operator)
    content = pdf.coupon_pdf(appeal, pin="654321")
    assert content.startswith(b"%PDF")
    client.force_login(staff.makat_operator)
    response = client.get(reverse("appeals:coupon", args=[appeal.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "coupon-" in response["Content-Disposition"]


def test_coupon_of_an_appeal_out_of_scope_is_404(appeal_factory, staff, client):
    appeal = appeal_factory()
    client.force_login(staff.inder_operator)
    assert client.get(reverse("appeals:coupon", args=[appeal.pk])).status_code == 404


def test_answer_letter_in_the_answers_language_with_the_addressee_for_staff(answered):
    html = pdf.answer_letter_html(answered)
    appeal = answered.appeal
    assert '<html lang="kk">' in html
    assert appeal.number in html
    assert "Жылу беру қалпына келтірілді." in html and "Рахмет." in html
    assert "Серікова Айгүл" in html and "Мақат, Абай к-сі 7" in html
    assert "Makat Deputy" in html
    assert str(appeal.org_unit.name_kk) in html


def test_public_answer_letter_has_no_personal_data(answered):
    html = pdf.answer_letter_html(answered, public=True)
    assert answered.appeal.number in html
    assert "Серікова Айгүл" not in html
    assert "Мақат, Абай к-сі 7" not in html
    assert pdf.answer_letter_pdf(answered, public=True).startswith(b"%PDF")


def test_answer_pdf_view(answered, staff, client, make_user, tree):
    url = reverse("appeals:answer-pdf", args=[answered.appeal.pk, answered.pk])
    client.force_login(staff.makat_operator)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(staff.inder_operator)
    assert client.get(url).status_code == 404


def test_coupon_prints_on_one_sheet_even_with_a_pin(appeal_factory, staff):
    from weasyprint import HTML

    appeal = appeal_factory(actor=staff.makat_operator, language="kk")
    document = HTML(string=pdf.coupon_html(appeal, pin="123456")).render()
    assert len(document.pages) == 1
