"""Each transition's details, bad input, permissions and the records it leaves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.appeals.choices import AppealStatus, DismissalGround, Language, LinkKind
from amanat.appeals.models import Appeal, AppealLink
from amanat.appeals.services.transitions import appeal_assign, appeal_transition, can_act
from amanat.appeals.workflow import Transition
from amanat.audit.models import AuditEvent
from amanat.org.choices import StateBodyKind
from amanat.org.models import StateBody

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(db: Any) -> StateBody:
    return StateBody.objects.add_root(
        instance=StateBody(kind=StateBodyKind.DISTRICT_AKIMAT, name_kk="Мақат әкімдігі", name_ru="Акимат")
    )


def test_forward_records_body_number_and_date(appeal_factory, staff, body):
    appeal = appeal_factory()
    appeal = appeal_transition(
        appeal=appeal, transition=Transition.FORWARD, actor=staff.makat_operator, state_body=body, forward_number="7"
    )
    assert appeal.status == AppealStatus.FORWARDED
    assert appeal.state_body == body and appeal.forward_number == "7" and appeal.forward_date is not None
    event = appeal.events.get(kind=Transition.FORWARD)
    assert event.data["state_body"] == body.pk and event.data["late"] is False and event.is_public
    appeal = appeal_transition(
        appeal=appeal, transition=Transition.BODY_ANSWERED, actor=staff.makat_operator, body_answer_number="B-1"
    )
    assert appeal.status == AppealStatus.IN_WORK and appeal.body_answer_number == "B-1"


def test_forward_without_a_body_is_refused(appeal_factory, staff):
    appeal = appeal_factory()
    with pytest.raises(ValidationError) as refused:
        appeal_transition(appeal=appeal, transition=Transition.FORWARD, actor=staff.makat_operator)
    assert "state_body" in refused.value.message_dict
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.REGISTERED


def test_dismissing_an_anonymous_threat_report_is_refused(appeal_factory, staff):
    appeal = appeal_factory(is_anonymous=True, reports_threat=True, applicant_name="")
    with pytest.raises(ValidationError) as refused:
        appeal_transition(
            appeal=appeal,
            transition=Transition.DISMISS,
            actor=staff.makat_secretary,
            reason="Anonymous.",
            ground=DismissalGround.ANONYMOUS,
        )
    assert "passed on" in str(refused.value.message_dict["ground"])
    plain = appeal_factory(is_anonymous=True, applicant_name="")
    plain = appeal_transition(
        appeal=plain,
        transition=Transition.DISMISS,
        actor=staff.makat_secretary,
        reason="Anonymous.",
        ground=DismissalGround.ANONYMOUS,
    )
    assert plain.status == AppealStatus.DISMISSED and plain.dismissal_ground == DismissalGround.ANONYMOUS


def test_dismiss_needs_a_legal_ground(appeal_factory, staff):
    appeal = appeal_factory()
    with pytest.raises(ValidationError) as refused:
        appeal_transition(appeal=appeal, transition=Transition.DISMISS, actor=staff.makat_secretary, reason="x")
    assert "ground" in refused.value.message_dict


def test_an_unfavourable_answer_needs_a_hearing(appeal_factory, staff):
    appeal = appeal_factory()
    kwargs = {"text": "Отказано.", "language": Language.RU, "is_positive": False}
    with pytest.raises(ValidationError) as refused:
        appeal_transition(appeal=appeal, transition=Transition.ANSWER, actor=staff.makat_operator, **kwargs)
    assert "heard" in str(refused.value.message_dict["hearing_held"])
    assert not appeal.answers.exists()
    appeal = appeal_transition(
        appeal=appeal, transition=Transition.ANSWER, actor=staff.makat_operator, hearing_held=True, **kwargs
    )
    assert appeal.status == AppealStatus.ANSWERED and appeal.hearing_held
    assert appeal.answers.get().signed_by == staff.makat_operator


def test_answer_needs_text_and_a_language(appeal_factory, staff):
    appeal = appeal_factory()
    with pytest.raises(ValidationError) as refused:
        appeal_transition(appeal=appeal, transition=Transition.ANSWER, actor=staff.makat_operator, language="en")
    assert set(refused.value.message_dict) == {"text", "language"}


def test_merge_into_itself_is_refused_and_into_another_links(appeal_factory, staff):
    first = appeal_factory()
    second = appeal_factory()
    with pytest.raises(ValidationError) as refused:
        appeal_transition(
            appeal=second, transition=Transition.MERGE, actor=staff.makat_operator, reason="Same.", into=second
        )
    assert "into" in refused.value.message_dict
    merged = appeal_transition(
        appeal=second, transition=Transition.MERGE, actor=staff.makat_operator, reason="Same.", into=first
    )
    assert merged.status == AppealStatus.MERGED and merged.duplicate_of == first
    assert AppealLink.objects.filter(from_appeal=second, to_appeal=first, kind=LinkKind.DUPLICATE).exists()


def test_pause_withdraw_reopen_need_a_reason(appeal_factory, staff):
    appeal = appeal_factory()
    for transition in (Transition.PAUSE, Transition.WITHDRAW):
        with pytest.raises(ValidationError) as refused:
            appeal_transition(appeal=appeal, transition=transition, actor=staff.makat_operator, reason="  ")
        assert "reason" in refused.value.message_dict


def test_deputy_may_act_on_an_appeal_assigned_to_them_on_another_unit(appeal_factory, staff, tree):
    # A regional appeal given to a Makat deputy: their grant does not cover the regional unit.
    appeal = appeal_factory(org_unit=tree.regional, executor=staff.makat_deputy)
    assert can_act(staff.makat_deputy, appeal, Transition.TAKE)
    appeal = appeal_transition(appeal=appeal, transition=Transition.TAKE, actor=staff.makat_deputy)
    assert appeal.status == AppealStatus.IN_WORK
    # …but only the work steps: closing needs appeals.close on the unit.
    assert not can_act(staff.makat_deputy, appeal, Transition.CLOSE)


def test_an_executor_must_work_on_the_unit_or_below_it(appeal_factory, staff, tree):
    with pytest.raises(ValidationError) as refused:
        appeal_factory(executor=staff.inder_deputy)  # a Makat appeal cannot go to an Inder deputy
    assert "executor" in refused.value.message_dict
    appeal = appeal_factory()
    with pytest.raises(ValidationError):
        appeal_assign(appeal=appeal, executor=staff.inder_deputy, actor=staff.makat_operator)
    assert Appeal.objects.get(pk=appeal.pk).executor_id is None


def test_an_inder_operator_cannot_act_on_a_makat_appeal(appeal_factory, staff):
    appeal = appeal_factory()
    with pytest.raises(PermissionDenied):
        appeal_transition(appeal=appeal, transition=Transition.TAKE, actor=staff.inder_operator)
    with pytest.raises(PermissionDenied):
        appeal_assign(appeal=appeal, executor=staff.inder_deputy, actor=staff.inder_operator)
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.REGISTERED


def test_extension_needs_approve_extension(appeal_factory, staff):
    appeal = appeal_transition(appeal=appeal_factory(), transition=Transition.TAKE, actor=staff.makat_operator)
    new_end = appeal.deadline + dt.timedelta(days=10)
    for person in (staff.makat_operator, staff.makat_deputy, staff.control):
        with pytest.raises(PermissionDenied):
            appeal_transition(
                appeal=appeal, transition=Transition.EXTEND, actor=person, reason="Expert.", extended_to=new_end
            )
    appeal = appeal_transition(
        appeal=appeal,
        transition=Transition.EXTEND,
        actor=staff.regional_secretary,
        reason="Expert.",
        extended_to=new_end,
    )
    assert appeal.deadline == new_end


def test_assign_refuses_someone_who_may_not_work_on_the_unit(appeal_factory, staff):
    appeal = appeal_factory()
    with pytest.raises(ValidationError) as refused:
        appeal_assign(appeal=appeal, executor=staff.inder_deputy, actor=staff.makat_operator)
    assert "executor" in refused.value.message_dict
    appeal = appeal_assign(appeal=appeal, executor=staff.makat_deputy, actor=staff.makat_operator)
    assert appeal.executor == staff.makat_deputy
    assert appeal.events.filter(kind="assigned", actor=staff.makat_operator).exists()


def test_every_step_is_recorded_with_who_when_why(appeal_factory, staff):
    appeal = appeal_factory()
    appeal = appeal_transition(appeal=appeal, transition=Transition.TAKE, actor=staff.makat_operator)
    appeal = appeal_transition(
        appeal=appeal, transition=Transition.PAUSE, actor=staff.makat_operator, reason="Need the contract."
    )
    event = appeal.events.get(kind=Transition.PAUSE)
    assert event.actor == staff.makat_operator and event.reason == "Need the contract."
    assert event.from_status == AppealStatus.IN_WORK and event.to_status == AppealStatus.PAUSED
    verbs = set(AuditEvent.objects.filter(target_id=str(appeal.pk)).values_list("verb", flat=True))
    assert {"appeal.take", "appeal.pause"} <= verbs
