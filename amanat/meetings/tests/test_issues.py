"""Raised issues become appeals in one step: number, channel, territory, link, idempotency."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from amanat.appeals.choices import AppealStatus, Channel
from amanat.appeals.models import Appeal
from amanat.meetings.models import RaisedIssue
from amanat.meetings.services import meetings as meeting_services
from amanat.meetings.services.issues import raised_issue_record
from amanat.meetings.tests.conftest import at


def test_three_issues_become_three_numbered_appeals_linked_to_the_meeting(meet: Any, tree: Any) -> None:
    texts = ["Жол жөндеу керек", "Су құбыры жоқ", "Мектепке автобус"]
    issues = [
        raised_issue_record(actor=meet.operator, meeting=meet.field, text=t, applicant_name=f"Тұрғын {i}")
        for i, t in enumerate(texts)
    ]
    appeals = [issue.appeal for issue in issues]
    assert len({a.number for a in appeals}) == 3 and all(a.number for a in appeals)
    assert {a.channel for a in appeals} == {Channel.FIELD_MEETING}
    assert {a.status for a in appeals} == {AppealStatus.REGISTERED}
    assert {a.territory_id for a in appeals} == {meet.field.territory_id}
    assert {a.org_unit_id for a in appeals} == {tree.makat.pk}
    assert [a.text for a in appeals] == texts
    assert list(meet.field.issues.values_list("appeal__number", flat=True)) == [a.number for a in appeals]
    assert Appeal.objects.get(pk=appeals[0].pk).raised_at.meeting == meet.field


def test_a_mobile_reception_gives_its_own_channel_and_a_collective_issue_keeps_its_signatories(
    meet: Any, tree: Any
) -> None:
    reception = meeting_services.meeting_create(
        actor=meet.secretary, org_unit=tree.makat, kind="mobile_reception", title_ru="Мобильная приёмная",
        starts_at=at(meet.day, 9), ends_at=at(meet.day, 13),
    )  # fmt: skip
    issue = raised_issue_record(
        actor=meet.secretary, meeting=reception, text="Нет газа", applicant_name="Жители ул. Абая",
        applicant_phone="+77011234567", is_collective=True, signatories=14,
    )  # fmt: skip
    assert issue.appeal.channel == Channel.MOBILE_RECEPTION
    assert issue.appeal.is_collective and issue.appeal.signatories == 14
    assert issue.appeal.answer_channel == "sms"


def test_an_issue_with_no_text_is_refused_and_nothing_is_registered(meet: Any) -> None:
    before = Appeal.objects.count()
    with pytest.raises(ValidationError) as caught:
        raised_issue_record(actor=meet.operator, meeting=meet.field, text="  ", applicant_name="A")
    assert "text" in caught.value.message_dict
    assert Appeal.objects.count() == before and RaisedIssue.objects.count() == 0


def test_an_issue_without_a_name_is_refused_by_the_appeals_rules(meet: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        raised_issue_record(actor=meet.operator, meeting=meet.field, text="Жол")
    assert "applicant_name" in caught.value.message_dict
    assert RaisedIssue.objects.count() == 0


def test_issues_only_at_field_meetings_and_receptions_and_in_scope(meet: Any) -> None:
    with pytest.raises(PermissionDenied):
        raised_issue_record(actor=meet.regional, meeting=meet.bureau, text="x", applicant_name="A")
    with pytest.raises(PermissionDenied):
        raised_issue_record(actor=meet.inder, meeting=meet.field, text="x", applicant_name="A")
    with pytest.raises(PermissionDenied):
        raised_issue_record(actor=meet.auditor, meeting=meet.field, text="x", applicant_name="A")


def test_a_repeated_submit_registers_one_appeal(meet: Any) -> None:
    first = raised_issue_record(
        actor=meet.operator, meeting=meet.field, text="Жол", applicant_name="A", idempotency_key="k1"
    )
    again = raised_issue_record(
        actor=meet.operator, meeting=meet.field, text="Жол", applicant_name="A", idempotency_key="k1"
    )
    assert first.pk == again.pk and Appeal.objects.count() == 1


def test_a_cancelled_meeting_takes_no_issues(meet: Any) -> None:
    meeting_services.meeting_transition(actor=meet.secretary, meeting=meet.field, transition="cancel", note="Буран")
    with pytest.raises(ValidationError):
        raised_issue_record(actor=meet.operator, meeting=meet.field, text="x", applicant_name="A")


def test_save_and_next_keeps_the_page_and_the_meeting_page_lists_numbers_and_statuses(client: Any, meet: Any) -> None:
    client.force_login(meet.operator)
    url = reverse("meetings:issues", args=[meet.field.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Save and next" in page.content
    for i, text in enumerate(["Жол", "Су", "Жарық"]):
        response = client.post(
            url,
            {
                "text": text,
                "applicant_name": f"T{i}",
                "appeal_type": "statement",
                "language": "kk",
                "key": f"key{i}",
                "next": "",
            },
        )
        assert response.status_code == 302 and response["Location"] == url
    response = client.post(
        url, {"text": "", "applicant_name": "T", "appeal_type": "statement", "language": "kk", "key": "k9"}
    )
    assert response.status_code == 200 and b"Write down the issue" in response.content
    detail = client.get(reverse("meetings:detail", args=[meet.field.pk]))
    numbers = list(Appeal.objects.order_by("pk").values_list("number", flat=True))
    assert len(numbers) == 3
    for number in numbers:
        assert number.encode() in detail.content
    assert b"Registered" in detail.content


def test_issue_page_of_another_district_is_404(client: Any, meet: Any, make_user: Any, tree: Any) -> None:
    client.force_login(make_user("reception_operator", tree.inder))
    assert client.get(reverse("meetings:issues", args=[meet.field.pk])).status_code == 404
