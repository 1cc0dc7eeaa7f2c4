"""The appeal page: who sees it, what they see, the IIN, attachments, the timeline."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amanat.appeals.services.intake import attachment_add
from amanat.appeals.services.transitions import appeal_assign, appeal_transition
from amanat.appeals.workflow import Transition
from amanat.audit.models import AuditEvent
from conftest import scope_matrix

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n%test\n"
IIN = "871008401427"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def detail(appeal: Any) -> str:
    return reverse("appeals:detail", args=[appeal.pk])


def test_scope_matrix(client, make_user, tree, appeal_factory):
    appeal = appeal_factory(org_unit=tree.makat)
    scope_matrix(client, make_user, tree, url=detail(appeal), role="reception_operator")


def test_executor_sees_the_appeal_given_to_them(client, staff, appeal_factory, tree, make_user):
    deputy = make_user("deputy", tree.inder_p1, full_name="Primary Deputy")
    appeal = appeal_factory(org_unit=tree.inder_p1)
    appeal_assign(appeal=appeal, executor=deputy, actor=staff.inder_operator)
    client.force_login(deputy)
    page = client.get(detail(appeal)).content.decode()
    assert appeal.number in page and "Primary Deputy" in page


def test_page_shows_header_text_deadline_and_actions(client, staff, appeal_factory, cats):
    appeal = appeal_factory(actor=staff.makat_operator, category=cats.heating, subject="Нет отопления")
    client.force_login(staff.makat_operator)
    page = client.get(detail(appeal)).content.decode()
    assert appeal.number in page
    assert "Registered" in page and "Statement" in page and "Personal visit" in page
    assert "Heating" in page and "Нет отопления" in page
    assert "Абая 5" in page
    assert appeal.deadline.strftime("%d.%m.%Y") in page and "working days left" in page
    assert "accepted by Makat Operator" in page
    for step in ("take", "forward", "answer", "pause", "merge", "dismiss"):
        assert reverse("appeals:transition", args=[appeal.pk, step]) in page
    # An operator may not approve extensions: no extend button (and extend is not open from "registered").
    assert reverse("appeals:transition", args=[appeal.pk, "extend"]) not in page
    assert reverse("appeals:assign", args=[appeal.pk]) in page
    assert reverse("appeals:coupon", args=[appeal.pk]) in page


def test_applicant_data_is_hidden_without_view_applicant(client, staff, appeal_factory):
    appeal = appeal_factory(applicant_iin=IIN, applicant_address="Абай к-сі 7")
    client.force_login(staff.control)  # party control: may view, not the applicant
    page = client.get(detail(appeal)).content.decode()
    assert appeal.number in page
    for secret in ("Серікова Айгүл", "+77011234567", "aigul@example.kz", "Абай к-сі 7", IIN[-4:]):
        assert secret not in page
    client.force_login(staff.makat_operator)
    page = client.get(detail(appeal)).content.decode()
    assert "Серікова Айгүл" in page and "+77011234567" in page
    assert IIN not in page and IIN[-4:] in page  # masked
    assert reverse("appeals:reveal-iin", args=[appeal.pk]) not in page  # operators cannot reveal


def test_iin_reveal_is_audited_and_needs_view_iin(client, staff, appeal_factory):
    appeal = appeal_factory(applicant_iin=IIN)
    url = reverse("appeals:reveal-iin", args=[appeal.pk])
    client.force_login(staff.makat_operator)
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    client.force_login(staff.makat_secretary)
    assert url in client.get(detail(appeal)).content.decode()
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and IIN in response.content.decode()
    event = AuditEvent.objects.get(verb="appeal.iin_revealed")
    assert event.actor == staff.makat_secretary and event.target_id == str(appeal.pk)
    # Without htmx the whole page comes back with the number.
    page = client.post(url).content.decode()
    assert IIN in page and "This view has been recorded." in page
    assert AuditEvent.objects.filter(verb="appeal.iin_revealed").count() == 2
    client.force_login(staff.inder_operator)
    assert client.post(url).status_code == 404


def test_attachment_download_checks_the_scope(client, staff, appeal_factory):
    appeal = appeal_factory()
    other = appeal_factory()
    attachment = attachment_add(
        appeal=appeal, upload=SimpleUploadedFile("act.pdf", PDF_BYTES), actor=staff.makat_operator
    )
    url = reverse("appeals:attachment", args=[appeal.pk, attachment.pk])
    client.force_login(staff.makat_operator)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment") and "act.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert client.get(reverse("appeals:attachment", args=[other.pk, attachment.pk])).status_code == 404
    client.force_login(staff.inder_operator)
    assert client.get(url).status_code == 404


def test_timeline_renders_steps_humanly(client, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    appeal = appeal_assign(appeal=appeal, executor=staff.makat_deputy, actor=staff.makat_operator)
    appeal = appeal_transition(
        appeal=appeal, transition=Transition.PAUSE, actor=staff.makat_deputy, reason="Ждём справку"
    )
    client.force_login(staff.makat_operator)
    page = client.get(detail(appeal)).content.decode()
    assert "Executor assigned" in page and "Makat Deputy" in page
    assert "Pause: awaiting the applicant" in page and "Ждём справку" in page
    assert "working days left when work resumes" in page or "working day left when work resumes" in page


def test_history_only_for_those_who_read_the_audit_log(client, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    client.force_login(staff.makat_operator)
    assert 'id="audit-history-title"' not in client.get(detail(appeal)).content.decode()
    client.force_login(staff.auditor)
    page = client.get(detail(appeal)).content.decode()
    assert 'id="audit-history-title"' in page and "Appeal registered" in page


def test_linked_appeals_both_ways(client, staff, appeal_factory, tree):
    from amanat.appeals.services.transitions import appeal_link

    first = appeal_factory()
    second = appeal_factory()
    hidden = appeal_factory(org_unit=tree.inder)
    appeal_link(appeal=second, other=first, kind="repeat", actor=staff.makat_operator)
    appeal_link(appeal=first, other=hidden, kind="related", actor=staff.regional_secretary)
    client.force_login(staff.makat_operator)
    page = client.get(detail(first)).content.decode()
    assert f'href="{detail(second)}"' in page and "Repeated appeal" in page
    assert hidden.number in page and f'href="{detail(hidden)}"' not in page  # shown, not a link
