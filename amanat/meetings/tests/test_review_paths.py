"""Paths no other test walks on /api/v1/meetings/<id>/transition/: a second click on the same
step, another district's secretary, an unknown step."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework.test import APIClient

from amanat.audit.models import AuditEvent
from amanat.meetings.models import Meeting


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _audits(meeting: Meeting) -> int:
    return AuditEvent.objects.filter(target_id=str(meeting.pk), verb__startswith="meetings.").count()


def test_holding_a_meeting_twice_changes_it_once(meet: Any) -> None:
    url = reverse("api:meetings-transition", args=[meet.field.pk])
    before = _audits(meet.field)
    first = api(meet.secretary).post(url, {"transition": "hold"}, format="json")
    assert first.status_code == 200 and first.json()["status"] == "held"
    second = api(meet.secretary).post(url, {"transition": "hold"}, format="json")
    assert second.status_code == 400
    meet.field.refresh_from_db()
    assert meet.field.status == "held"
    assert _audits(meet.field) == before + 1


def test_another_districts_secretary_cannot_move_a_meeting(meet: Any) -> None:
    url = reverse("api:meetings-transition", args=[meet.field.pk])
    status = meet.field.status
    before = _audits(meet.field)
    assert api(meet.inder).post(url, {"transition": "hold"}, format="json").status_code == 404
    assert api(meet.inder).post(url, {"transition": "cancel"}, format="json").status_code == 404
    meet.field.refresh_from_db()
    assert meet.field.status == status
    assert _audits(meet.field) == before


def test_an_unknown_step_is_400_with_a_field_error(meet: Any) -> None:
    url = reverse("api:meetings-transition", args=[meet.field.pk])
    status = meet.field.status
    for body in ({"transition": "fly"}, {}, {"transition": ""}):
        answer = api(meet.secretary).post(url, body, format="json")
        assert answer.status_code == 400, body
        assert "transition" in answer.json()["errors"], answer.json()
    meet.field.refresh_from_db()
    assert meet.field.status == status


def test_a_second_click_on_new_meeting_plans_one(meet: Any, tree: Any) -> None:
    from amanat.meetings.choices import MeetingKind
    from amanat.meetings.models import Meeting
    from amanat.meetings.services.meetings import meeting_create
    from amanat.meetings.tests.conftest import at

    def plan() -> Any:
        return meeting_create(
            actor=meet.secretary, org_unit=tree.makat, kind=MeetingKind.FIELD_MEETING, title_kk="Бейбарыс ауылы",
            title_ru="Село Бейбарыс", starts_at=at(meet.day, 11), ends_at=at(meet.day, 13),
        )  # fmt: skip

    first, second = plan(), plan()
    assert first.pk == second.pk
    assert Meeting.objects.filter(title_ru="Село Бейбарыс").count() == 1
