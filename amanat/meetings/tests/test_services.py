"""Meetings through their services: planning, bad input, the transition table, invitations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.audit.models import AuditEvent
from amanat.meetings.choices import MeetingKind, MeetingStatus, ParticipantRole, Response
from amanat.meetings.models import Meeting, MeetingTransitionLog
from amanat.meetings.services import meetings as services
from amanat.meetings.tests.conftest import at
from amanat.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=False)


def test_a_meeting_ending_before_it_starts_is_refused_and_nothing_is_saved(meet: Any, tree: Any) -> None:
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(
            actor=meet.secretary,
            org_unit=tree.makat,
            kind=MeetingKind.PARTY_ACTIV,
            title_ru="Актив",
            starts_at=at(meet.day, 12),
            ends_at=at(meet.day, 11),
        )
    assert "ends_at" in caught.value.message_dict
    assert Meeting.objects.count() == before


def test_editing_the_end_before_the_start_is_refused(meet: Any) -> None:
    with pytest.raises(ValidationError):
        services.meeting_update(actor=meet.secretary, meeting=meet.field, changes={"ends_at": at(meet.day, 14)})
    meet.field.refresh_from_db()
    assert meet.field.ends_at == at(meet.day, 17)


def test_a_secretary_of_another_district_may_not_plan_here(meet: Any, tree: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=meet.inder, org_unit=tree.makat, kind=MeetingKind.BUREAU, title_ru="x",
            starts_at=at(meet.day, 9), ends_at=at(meet.day, 10),
        )  # fmt: skip


def test_primary_secretary_manages_only_its_own_organisation(meet: Any, tree: Any) -> None:
    own = services.meeting_create(
        actor=meet.primary, org_unit=tree.makat_p1, kind=MeetingKind.PRIMARY, title_kk="Жиналыс",
        starts_at=at(meet.day, 18), ends_at=at(meet.day, 19),
    )  # fmt: skip
    assert own.territory == tree.makat_p1.territory
    with pytest.raises(PermissionDenied):
        services.meeting_transition(actor=meet.primary, meeting=meet.field, transition="hold")


def test_transitions_follow_the_table_and_record_who_when_why(meet: Any) -> None:
    meeting = meet.field
    with pytest.raises(ValidationError):
        services.meeting_transition(actor=meet.secretary, meeting=meeting, transition="sign")
    services.meeting_transition(actor=meet.secretary, meeting=meeting, transition="hold", note="done")
    with pytest.raises(ValidationError) as caught:
        services.meeting_transition(actor=meet.secretary, meeting=meeting, transition="sign")
    assert "protocol_number" in caught.value.message_dict
    services.meeting_update(actor=meet.secretary, meeting=meeting, changes={"protocol_number": "7"})
    services.meeting_transition(actor=meet.secretary, meeting=meeting, transition="sign")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PROTOCOL_SIGNED
    log = list(MeetingTransitionLog.objects.filter(meeting=meeting).values_list("to_status", "actor", "note"))
    assert log == [("held", meet.secretary.pk, "done"), ("protocol_signed", meet.secretary.pk, "")]
    assert AuditEvent.objects.filter(verb="meetings.transition").count() == 2
    with pytest.raises(ValidationError):
        services.meeting_transition(actor=meet.secretary, meeting=meeting, transition="cancel", note="late")


def test_cancelling_needs_a_reason_and_tells_the_invited(
    meet: Any, make_user: Any, tree: Any, django_capture_on_commit_callbacks: Any
) -> None:
    deputy = make_user("deputy", tree.makat)
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_add(actor=meet.secretary, meeting=meet.field, role=ParticipantRole.DEPUTY, user=deputy)
    assert Notification.objects.filter(user=deputy, kind="meetings.invited").count() == 1
    with pytest.raises(ValidationError):
        services.meeting_transition(actor=meet.secretary, meeting=meet.field, transition="cancel", note=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_transition(actor=meet.secretary, meeting=meet.field, transition="cancel", note="Storm")
    assert Notification.objects.filter(user=deputy, kind="meetings.cancelled").count() == 1


def test_only_the_invited_user_answers_the_invitation(meet: Any, make_user: Any, tree: Any) -> None:
    deputy = make_user("deputy", tree.makat)
    participant = services.participant_add(actor=meet.secretary, meeting=meet.field, role="deputy", user=deputy)
    assert participant.response == Response.PENDING
    with pytest.raises(PermissionDenied):
        services.invitation_answer(actor=meet.secretary, participant=participant, accept=True)
    services.invitation_answer(actor=deputy, participant=participant, accept=False)
    participant.refresh_from_db()
    assert participant.response == Response.DECLINED and participant.responded_at
    with pytest.raises(ValidationError):
        services.participant_add(actor=meet.secretary, meeting=meet.field, role="deputy", user=deputy)


def test_attendance_counts_and_names(meet: Any) -> None:
    a = services.participant_add(
        actor=meet.regional, meeting=meet.bureau, role="guest", name="Ахметов А.", invite=False
    )
    b = services.participant_add(actor=meet.regional, meeting=meet.bureau, role="guest", name="Серікова Б.")
    services.attendance_record(actor=meet.regional, meeting=meet.bureau, count=25, present=[a.pk])
    meet.bureau.refresh_from_db()
    assert meet.bureau.attendance_count == 25
    assert set(meet.bureau.participants.filter(attended=True).values_list("pk", flat=True)) == {a.pk}
    assert b.pk
    with pytest.raises(ValidationError):
        services.attendance_record(actor=meet.regional, meeting=meet.bureau, count=-1, present=[])


def test_decisions_only_after_the_meeting_is_held(meet: Any) -> None:
    with pytest.raises(ValidationError):
        services.decision_add(actor=meet.regional, meeting=meet.bureau, text="Поручить")
    services.meeting_transition(actor=meet.regional, meeting=meet.bureau, transition="hold")
    with pytest.raises(ValidationError):
        services.decision_add(actor=meet.regional, meeting=meet.bureau, text="  ")
    first = services.decision_add(actor=meet.regional, meeting=meet.bureau, text="Первое")
    second = services.decision_add(actor=meet.regional, meeting=meet.bureau, text="Второе")
    assert (first.position, second.position) == (1, 2)


def test_a_held_meeting_cannot_be_deleted_a_planned_one_is_hidden(meet: Any) -> None:
    services.meeting_transition(actor=meet.regional, meeting=meet.bureau, transition="hold")
    with pytest.raises(ValidationError):
        services.meeting_delete(actor=meet.regional, meeting=meet.bureau)
    services.meeting_delete(actor=meet.secretary, meeting=meet.field)
    assert not Meeting.objects.filter(pk=meet.field.pk).exists()
    assert Meeting.all_objects.get(pk=meet.field.pk).deleted_by == meet.secretary


def test_naive_times_are_refused(meet: Any, tree: Any) -> None:
    with pytest.raises(ValidationError):
        services.meeting_create(
            actor=meet.secretary, org_unit=tree.makat, kind="bureau", title_ru="x",
            starts_at=dt.datetime(2026, 1, 1, 10), ends_at=dt.datetime(2026, 1, 1, 11),
        )  # fmt: skip
