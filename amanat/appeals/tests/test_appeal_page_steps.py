"""Every step on the appeal page through the client: forms, service refusals, conflicts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from amanat.appeals.choices import AppealStatus, AttachmentKind, Solved
from amanat.appeals.models import Appeal
from amanat.appeals.services.deadlines import clock_of
from amanat.appeals.services.feedback import appeal_rate
from amanat.appeals.services.transitions import appeal_transition
from amanat.appeals.workflow import Transition
from amanat.org.choices import StateBodyKind
from amanat.org.models import StateBody

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def step(appeal: Appeal, name: str) -> str:
    return reverse("appeals:transition", args=[appeal.pk, name])


def post(client: Any, appeal: Appeal, name: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    appeal.refresh_from_db()
    return client.post(step(appeal, name), {"version": appeal.version, **(data or {})}, **kw)


def move(appeal: Appeal, actor: Any, *transitions: str, **details: Any) -> Appeal:
    for name in transitions:
        appeal = appeal_transition(appeal=appeal, transition=name, actor=actor, reason="test", **details)
    return appeal


@pytest.fixture
def body(db: Any) -> StateBody:
    return StateBody.objects.add_root(
        {
            "kind": StateBodyKind.DISTRICT_AKIMAT,
            "name_kk": "Мақат ауданының әкімдігі",
            "name_ru": "Акимат Макатского района",
        }
    )


def test_take(client, staff, appeal_factory):
    appeal = appeal_factory()
    client.force_login(staff.makat_operator)
    assert client.get(step(appeal, "take")).status_code == 200
    response = post(client, appeal, "take", {"reason": "Беру в работу"}, follow=True)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_WORK
    assert "Done: Take into work." in response.content.decode()
    event = appeal.events.get(kind="take")
    assert event.actor == staff.makat_operator and event.reason == "Беру в работу"


def test_forward_and_the_body_answer_with_its_letter(client, staff, appeal_factory, body):
    appeal = appeal_factory()
    client.force_login(staff.makat_operator)
    response = post(client, appeal, "forward", {"forward_number": "12-3/45"})
    assert "This field is required." in response.content.decode()  # no state body chosen
    today = timezone.localdate().isoformat()
    response = post(
        client, appeal, "forward", {"state_body": body.pk, "forward_number": "12-3/45", "forward_date": today}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED
    assert appeal.state_body == body and appeal.forward_number == "12-3/45"

    letter = SimpleUploadedFile("akimat.pdf", PDF_BYTES, content_type="application/pdf")
    response = post(
        client,
        appeal,
        "body_answered",
        {"body_answer_date": today, "body_answer_number": "ж-77", "summary": "Ремонт в мае", "file": letter},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_WORK and appeal.body_answer_number == "ж-77"
    assert appeal.attachments.get().kind == AttachmentKind.BODY_ANSWER
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert str(body) in page and "Ремонт в мае" in page and "12-3/45" in page


def test_a_wrong_file_with_the_body_answer_changes_nothing(client, staff, appeal_factory, body):
    appeal = move(appeal_factory(), staff.makat_operator, Transition.FORWARD, state_body=body)
    client.force_login(staff.makat_operator)
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = post(client, appeal, "body_answered", {"body_answer_date": timezone.localdate(), "file": bad})
    assert "is not accepted" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED and not appeal.attachments.exists()


def test_pause_needs_a_reason_then_resume(client, staff, appeal_factory):
    appeal = appeal_factory()
    client.force_login(staff.makat_operator)
    response = post(client, appeal, "pause", {"reason": ""})
    assert "Give the reason for this step." in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REGISTERED
    assert post(client, appeal, "pause", {"reason": "Нужна справка"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PAUSED
    assert post(client, appeal, "resume").status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_WORK


def test_extend_only_for_approvers_and_never_beyond_the_maximum(client, staff, appeal_factory):
    appeal = move(appeal_factory(), staff.makat_operator, Transition.TAKE)
    client.force_login(staff.makat_operator)
    assert client.get(step(appeal, "extend")).status_code == 404
    client.force_login(staff.makat_secretary)
    latest = clock_of(appeal).latest_extension
    response = post(client, appeal, "extend", {"extended_to": latest + dt.timedelta(days=1), "reason": "Сложный"})
    assert "An extension may not go beyond" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.extension_count == 0
    response = post(client, appeal, "extend", {"extended_to": latest, "reason": "Нужна экспертиза"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.extension_count == 1 and appeal.deadline == latest


def test_answer_refused_when_unfavourable_without_a_hearing(client, staff, appeal_factory):
    appeal = appeal_factory(language="kk")
    client.force_login(staff.makat_operator)
    form = client.get(step(appeal, "answer")).content.decode()
    assert re.search(r'<option value="kk" selected>', form)  # defaults to the appeal's language
    response = post(client, appeal, "answer", {"text": "Отказано.", "language": "ru", "resolved": "no"})
    assert "Before an unfavourable answer the applicant must be heard." in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REGISTERED and not appeal.answers.exists()
    letter = SimpleUploadedFile("answer.pdf", PDF_BYTES, content_type="application/pdf")
    response = post(
        client,
        appeal,
        "answer",
        {"text": "Отказано по закону.", "language": "ru", "resolved": "no", "hearing_held": "on", "file": letter},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED and appeal.hearing_held
    answer = appeal.answers.get()
    assert answer.is_positive is False and answer.language == "ru"
    assert appeal.attachments.get().kind == AttachmentKind.WORK
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert reverse("appeals:answer-pdf", args=[appeal.pk, answer.pk]) in page


def test_answer_close_reopen(client, staff, appeal_factory):
    appeal = appeal_factory()
    client.force_login(staff.makat_operator)
    post(client, appeal, "answer", {"text": "Отопление дали.", "language": "ru", "resolved": "yes"})
    assert post(client, appeal, "close").status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED
    assert "Give the reason" in post(client, appeal, "reopen", {"reason": ""}).content.decode()
    assert post(client, appeal, "reopen", {"reason": "Снова холодно"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_WORK and appeal.reopen_count == 1


def test_dismiss_with_a_legal_ground_and_withdraw(client, staff, appeal_factory):
    first, second = appeal_factory(), appeal_factory()
    client.force_login(staff.makat_operator)
    response = post(client, first, "dismiss", {"ground": "anonymous", "reason": "Аноним"})
    assert "The appeal is not anonymous." in response.content.decode()
    assert post(client, first, "dismiss", {"ground": "no_matter", "reason": "Непонятно"}).status_code == 302
    first.refresh_from_db()
    assert first.status == AppealStatus.DISMISSED and first.dismissal_ground == "no_matter"
    assert post(client, second, "withdraw", {"reason": "Заявитель отозвал"}).status_code == 302
    second.refresh_from_db()
    assert second.status == AppealStatus.WITHDRAWN


def test_merge_into_an_earlier_appeal_the_user_may_see(client, staff, appeal_factory, tree):
    earlier = appeal_factory()
    theirs = appeal_factory(org_unit=tree.inder)
    later = appeal_factory()
    client.force_login(staff.makat_operator)
    response = post(client, later, "merge", {"into": theirs.number, "reason": "Повтор"})
    assert "No appeal with this number that you may see." in response.content.decode()
    response = post(client, earlier, "merge", {"into": later.number, "reason": "Повтор"})
    assert "Merge into the earlier appeal" in response.content.decode()
    short = earlier.number.split("-", 1)[1]  # without the region prefix
    assert post(client, later, "merge", {"into": short, "reason": "Повтор"}).status_code == 302
    later.refresh_from_db()
    assert later.status == AppealStatus.MERGED and later.duplicate_of == earlier


def test_a_transition_not_allowed_from_the_status_gets_a_clear_message(client, staff, appeal_factory):
    appeal = move(appeal_factory(), staff.makat_operator, Transition.TAKE)
    client.force_login(staff.makat_operator)
    page = client.get(step(appeal, "take")).content.decode()
    assert "is not possible while the appeal is" in page
    response = post(client, appeal, "take")
    assert response.status_code == 200
    assert "“Take into work” is not possible while the appeal is “In work”." in response.content.decode()
    response = post(client, appeal, "close")
    assert "is not possible while the appeal is" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_WORK


def test_unknown_step_and_out_of_scope_are_404(client, staff, appeal_factory):
    appeal = appeal_factory()
    client.force_login(staff.makat_operator)
    assert client.get(step(appeal, "explode")).status_code == 404
    client.force_login(staff.inder_operator)
    assert client.get(step(appeal, "take")).status_code == 404
    assert post(client, appeal, "take").status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REGISTERED
    client.force_login(staff.auditor)  # sees the appeal, may not act
    assert client.get(step(appeal, "take")).status_code == 404
    assert client.get(reverse("appeals:assign", args=[appeal.pk])).status_code == 404


def test_two_operators_at_once_the_second_is_told_and_keeps_what_they_typed(
    client, staff, appeal_factory, make_user, tree
):
    appeal = appeal_factory()
    version = appeal.version
    other = make_user("reception_operator", tree.makat, full_name="Second Operator")
    client.force_login(staff.makat_operator)
    first = client.post(step(appeal, "pause"), {"version": version, "reason": "Ждём документы"})
    assert first.status_code == 302
    client.force_login(other)
    response = client.post(
        step(appeal, "answer"),
        {"version": version, "text": "Мой длинный ответ заявителю", "language": "ru", "resolved": "yes"},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else has just changed this appeal." in html
    assert "Мой длинный ответ заявителю" in html
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PAUSED and not appeal.answers.exists()
    assert f'name="version" value="{appeal.version}"' in html  # sending again acts on what they now see


def test_assign_page(client, staff, appeal_factory):
    appeal = appeal_factory()
    url = reverse("appeals:assign", args=[appeal.pk])
    client.force_login(staff.makat_operator)
    page = client.get(url).content.decode()
    assert "Makat Deputy" in page and "Inder Deputy" not in page
    response = client.post(url, {"version": appeal.version, "executor": staff.inder_deputy.pk})
    assert "Select a valid choice" in response.content.decode()
    response = client.post(url, {"version": appeal.version, "executor": staff.makat_deputy.pk})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.executor == staff.makat_deputy
    stale = client.post(url, {"version": appeal.version - 1, "executor": staff.makat_secretary.pk})
    assert stale.status_code == 409
    client.force_login(staff.makat_deputy)  # deputies work, they do not assign
    assert client.get(url).status_code == 404


def test_link_page(client, staff, appeal_factory):
    first, second = appeal_factory(), appeal_factory()
    url = reverse("appeals:link", args=[second.pk])
    client.force_login(staff.makat_operator)
    response = client.post(url, {"version": second.version, "other": second.number, "kind": "repeat"})
    assert "cannot be linked to itself" in response.content.decode()
    response = client.post(url, {"version": second.version, "other": first.number, "kind": "repeat"})
    assert response.status_code == 302
    assert second.links_out.get().to_appeal == first
    client.force_login(staff.makat_deputy)
    assert client.get(url).status_code == 404


def test_control_review_reopens_a_low_rated_answer(client, staff, appeal_factory):
    appeal = appeal_factory()
    appeal = appeal_transition(
        appeal=appeal,
        transition=Transition.ANSWER,
        actor=staff.makat_operator,
        text="Ответ",
        language="ru",
        is_positive=True,
    )
    url = reverse("appeals:review", args=[appeal.pk])
    client.force_login(staff.control)
    page = client.get(url).content.decode()
    assert "This appeal is not waiting for a review." in page
    appeal_rate(appeal=appeal, rating=1, solved=Solved.NOT)
    appeal.refresh_from_db()
    assert appeal.needs_review
    assert url in client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    response = client.post(url, {"version": appeal.version, "conclusion": "", "decision": "reopen"})
    assert "Write the conclusion of the review." in response.content.decode()
    response = client.post(url, {"version": appeal.version, "conclusion": "Ответ формальный", "decision": "reopen"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_WORK and not appeal.needs_review
    client.force_login(staff.makat_operator)
    assert client.get(url).status_code == 404
