"""The rules of the services: votes and the ended-term rule, adoption by majority, the response
deadline in working days, the life of a recommendation, and bad input that changes nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.audit.models import AuditEvent
from amanat.core.calendar import add_working_days, is_working_day
from amanat.councils.choices import Assessment, MemberRole, ResponseKind, VoteChoice
from amanat.councils.choices import RecommendationStatus as S
from amanat.councils.models import CouncilMember, CouncilSession, Recommendation, RecommendationEvent, Vote
from amanat.councils.services import councils as cs
from amanat.councils.services import recommendations as rs
from amanat.councils.tests.conftest import TODAY, at

pytestmark = pytest.mark.django_db

F, A, X = VoteChoice.FOR, VoteChoice.AGAINST, VoteChoice.ABSTAIN


def vote(cc: SimpleNamespace, rec: Recommendation, choices: list[str]) -> None:
    rs.votes_record(actor=cc.secretary, recommendation=rec, votes=dict(zip(cc.members, choices, strict=False)))


def adopted(cc: SimpleNamespace, rec: Recommendation) -> Recommendation:
    vote(cc, rec, [F, F, F, A, X])
    return rs.recommendation_decide(actor=cc.secretary, recommendation=rec)


# Votes and the ended-term rule


def test_a_member_whose_term_has_ended_cannot_vote_and_nothing_is_recorded(cc: SimpleNamespace, draft: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        rs.votes_record(actor=cc.secretary, recommendation=draft, votes={cc.members[1]: F, cc.former: F})
    message = " ".join(caught.value.message_dict["votes"])
    assert "Бекова" in message and "31.12.2025" in message and "cannot vote" in message
    assert Vote.objects.count() == 0  # the valid vote in the same batch was not kept either


def test_a_term_ended_by_the_secretary_stops_the_vote(cc: SimpleNamespace, draft: Any) -> None:
    member = cs.member_end_term(
        actor=cc.secretary, member=cc.members[4], ended_on=TODAY - dt.timedelta(days=1), reason="Moved away"
    )
    assert member.term_end == TODAY - dt.timedelta(days=1)
    assert not member.serves_on(TODAY)
    with pytest.raises(ValidationError):
        rs.votes_record(actor=cc.secretary, recommendation=draft, votes={member: F})
    assert AuditEvent.objects.filter(verb="councils.member_term_ended").count() == 1


def test_a_member_votes_once(cc: SimpleNamespace, draft: Any) -> None:
    rs.votes_record(actor=cc.secretary, recommendation=draft, votes={cc.members[0]: F})
    with pytest.raises(ValidationError) as caught:
        rs.votes_record(actor=cc.secretary, recommendation=draft, votes={cc.members[0]: A, cc.members[1]: F})
    assert "already voted" in " ".join(caught.value.message_dict["votes"])
    assert list(Vote.objects.values_list("member_id", "choice")) == [(cc.members[0].pk, F)]


def test_only_members_present_vote(cc: SimpleNamespace, draft: Any) -> None:
    cs.attendance_record(actor=cc.secretary, session=cc.session, members=cc.members[:3])
    with pytest.raises(ValidationError) as caught:
        rs.votes_record(actor=cc.secretary, recommendation=draft, votes={cc.members[4]: F})
    assert "not marked present" in " ".join(caught.value.message_dict["votes"])


def test_a_member_whose_term_ended_cannot_be_marked_present(cc: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as caught:
        cs.attendance_record(actor=cc.secretary, session=cc.session, members=[*cc.members, cc.former])
    assert "Бекова" in " ".join(caught.value.message_dict["members"])
    assert cc.session.attendees.count() == 5


# Adoption by majority


def test_adopted_by_a_majority_of_those_present(cc: SimpleNamespace, draft: Any) -> None:
    rec = adopted(cc, draft)
    assert rec.status == S.ADOPTED
    assert (rec.votes_for, rec.votes_against, rec.votes_abstain, rec.present) == (3, 1, 1, 5)
    assert rec.decided_on == TODAY
    event = RecommendationEvent.objects.filter(recommendation=rec).last()
    assert (event.from_status, event.to_status, event.actor) == (S.DRAFT, S.ADOPTED, cc.secretary)


def test_not_adopted_without_a_majority_of_those_present(cc: SimpleNamespace, draft: Any) -> None:
    vote(cc, draft, [F, F, A, X, X])  # more for than against, but 2 of 5 present
    rec = rs.recommendation_decide(actor=cc.secretary, recommendation=draft)
    assert rec.status == S.NOT_ADOPTED
    with pytest.raises(ValidationError):
        rs.recommendation_send(actor=cc.secretary, recommendation=rec)


def test_absent_votes_count_against_the_majority(cc: SimpleNamespace, draft: Any) -> None:
    vote(cc, draft, [F, F])
    assert rs.recommendation_decide(actor=cc.secretary, recommendation=draft).status == S.NOT_ADOPTED


def test_no_decision_without_votes(cc: SimpleNamespace, draft: Any) -> None:
    with pytest.raises(ValidationError):
        rs.recommendation_decide(actor=cc.secretary, recommendation=draft)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_no_votes_after_the_decision(cc: SimpleNamespace, draft: Any) -> None:
    vote(cc, draft, [F, F, F])
    rs.recommendation_decide(actor=cc.secretary, recommendation=draft)
    with pytest.raises(ValidationError):
        rs.votes_record(actor=cc.secretary, recommendation=draft, votes={cc.members[3]: A})


# Response deadline in working days


def test_response_deadline_counts_working_days(cc: SimpleNamespace, draft: Any) -> None:
    rec = adopted(cc, draft)
    rec = rs.recommendation_send(actor=cc.secretary, recommendation=rec, sent_on=TODAY)
    # 10 working days from Monday 2 February 2026: the weekends of 7-8 and 14-15 are skipped.
    assert rec.response_deadline == dt.date(2026, 2, 16) == add_working_days(TODAY, 10)
    assert rec.sent_on == TODAY


def test_response_deadline_skips_holidays() -> None:
    # Nauryz: 21-23 March are days off; a term of 3 working days from Thursday 19 March runs past them.
    deadline = rs.response_deadline(dt.date(2026, 3, 19), 3)
    assert deadline > dt.date(2026, 3, 19) + dt.timedelta(days=3)
    assert is_working_day(deadline)
    assert not is_working_day(dt.date(2026, 3, 23))


# The whole life


def test_the_fate_of_a_recommendation(cc: SimpleNamespace, draft: Any, frozen: Any) -> None:
    rec = adopted(cc, draft)
    rec = rs.recommendation_send(actor=cc.secretary, recommendation=rec)
    frozen.move_to(at(TODAY + dt.timedelta(days=7)))
    rs.progress_note_add(actor=cc.secretary, recommendation=rec, text="The akimat has included it in the plan.")
    rec = rs.recommendation_respond(
        actor=cc.secretary, recommendation=rec, kind=ResponseKind.ACCEPTED, text="We will repair it in spring."
    )
    assert rec.status == S.ANSWERED and rec.response_on == TODAY + dt.timedelta(days=7)
    rec = rs.recommendation_implementation(actor=cc.secretary, recommendation=rec, done=True)
    assert rec.status == S.IMPLEMENTED and rec.implemented is True
    rec = rs.recommendation_assess(actor=cc.secretary, recommendation=rec, assessment=Assessment.SATISFIED)
    assert rec.status == S.ASSESSED
    steps = list(rec.events.values_list("to_status", flat=True))
    assert steps == [S.DRAFT, S.ADOPTED, S.SENT, S.ANSWERED, S.IMPLEMENTED, S.ASSESSED]
    assert AuditEvent.objects.filter(verb="councils.recommendation_transition").count() == 5
    assert rec.progress_notes.count() == 1


def test_steps_out_of_order_are_refused(cc: SimpleNamespace, draft: Any) -> None:
    with pytest.raises(ValidationError):
        rs.recommendation_send(actor=cc.secretary, recommendation=draft)
    with pytest.raises(ValidationError):
        rs.recommendation_respond(actor=cc.secretary, recommendation=draft, kind=ResponseKind.ACCEPTED)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.sent_on is None


# Bad input


def test_a_rejection_needs_its_reasons(cc: SimpleNamespace, draft: Any) -> None:
    rec = rs.recommendation_send(actor=cc.secretary, recommendation=adopted(cc, draft))
    for kind in (ResponseKind.REJECTED, ResponseKind.PARTLY):
        with pytest.raises(ValidationError) as caught:
            rs.recommendation_respond(actor=cc.secretary, recommendation=rec, kind=kind, text="No.", reasons="  ")
        assert "reasons" in caught.value.message_dict
    rec.refresh_from_db()
    assert rec.status == S.SENT and rec.response_kind == ""
    rec = rs.recommendation_respond(
        actor=cc.secretary, recommendation=rec, kind=ResponseKind.REJECTED, reasons="No money in the 2026 budget."
    )
    assert rec.response_reasons == "No money in the 2026 budget."


def test_a_session_ending_before_it_starts_is_refused(cc: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as caught:
        cs.session_create(actor=cc.secretary, council=cc.council, starts_at=at(TODAY, 15), ends_at=at(TODAY, 14))
    assert "ends_at" in caught.value.message_dict
    assert CouncilSession.objects.count() == 1
    with pytest.raises(ValidationError):
        cs.session_update(actor=cc.secretary, session=cc.session, values={"ends_at": at(TODAY, 9)})


def test_sessions_are_numbered(cc: SimpleNamespace) -> None:
    second = cs.session_create(actor=cc.secretary, council=cc.council, starts_at=at(TODAY + dt.timedelta(days=30)))
    assert second.number == 2


def test_one_chair_at_a_time(cc: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as caught:
        cs.member_add(actor=cc.secretary, council=cc.council, last_name="Ж", first_name="Е", role=MemberRole.CHAIR,
                      term_start=TODAY)  # fmt: skip
    assert "role" in caught.value.message_dict


def test_a_term_cannot_end_before_it_starts(cc: SimpleNamespace) -> None:
    with pytest.raises(ValidationError):
        cs.member_add(actor=cc.secretary, council=cc.council, last_name="Ж", first_name="Е", term_start=TODAY,
                      term_end=TODAY - dt.timedelta(days=1))  # fmt: skip
    with pytest.raises(ValidationError):
        cs.member_end_term(actor=cc.secretary, member=cc.members[3], ended_on=dt.date(2024, 1, 1))
    assert CouncilMember.objects.count() == 6


def test_a_member_needs_a_name(cc: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as caught:
        cs.member_add(actor=cc.secretary, council=cc.council, term_start=TODAY)
    assert {"last_name", "first_name"} <= set(caught.value.message_dict)


def test_dates_in_the_future_are_refused(cc: SimpleNamespace, draft: Any) -> None:
    rec = adopted(cc, draft)
    with pytest.raises(ValidationError):
        rs.recommendation_send(actor=cc.secretary, recommendation=rec, sent_on=TODAY + dt.timedelta(days=1))


def test_a_recommendation_needs_text_and_addressee(cc: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as caught:
        rs.recommendation_draft(actor=cc.secretary, session=cc.session, text=" ", addressee_body=None)
    assert {"text", "addressee_body"} <= set(caught.value.message_dict)


# Permissions


def test_a_deputy_reads_but_does_not_run_the_council(
    cc: SimpleNamespace, draft: Any, make_user: Any, tree: Any
) -> None:
    deputy = make_user("deputy", tree.makat)
    with pytest.raises(PermissionDenied):
        rs.votes_record(actor=deputy, recommendation=draft, votes={cc.members[0]: F})
    other = make_user("council_secretary", tree.inder)
    with pytest.raises(PermissionDenied):
        cs.session_create(actor=other, council=cc.council, starts_at=at(TODAY))


def test_a_second_click_on_new_session_schedules_one(cc: SimpleNamespace) -> None:
    when = at(TODAY + dt.timedelta(days=30))
    first = cs.session_create(actor=cc.secretary, council=cc.council, starts_at=when, place="Әкімдік")
    second = cs.session_create(actor=cc.secretary, council=cc.council, starts_at=when, place="Әкімдік")
    assert first.pk == second.pk and first.number == 2
    assert CouncilSession.objects.filter(council=cc.council).count() == 2  # the first sitting and this one
