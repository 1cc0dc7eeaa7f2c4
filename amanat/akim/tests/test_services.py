"""Campaign services: dates in order, the nominee by an internal vote or a decision, the named
transitions, events, candidates and the outcome's validation — each refusal changing nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from amanat.akim.choices import CampaignStatus, ChosenBy, DecisionBody, NominatedBy, Outcome
from amanat.akim.models import AkimCampaign, CampaignEvent, CampaignOutcome, CampaignTransition
from amanat.akim.selectors import internal_vote_winner
from amanat.akim.services.activity import candidate_create, event_create, event_update, outcome_save
from amanat.akim.services.campaigns import (
    campaign_choose_nominee,
    campaign_create,
    campaign_take_winner,
    campaign_transition,
    campaign_update,
)
from amanat.akim.tests.conftest import add_member, add_vote
from amanat.audit.models import AuditEvent
from amanat.documents.choices import DocumentKind
from amanat.documents.models import Document
from amanat.elections.choices import ElectionKind
from amanat.org.choices import MemberStatus

pytestmark = pytest.mark.django_db
S = CampaignStatus
DAY = dt.timedelta(days=1)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def decision(akim: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    return {
        "nominee": akim.nurlan, "chosen_by": ChosenBy.DECISION, "decision_on": akim.today,
        "decision_body": DecisionBody.BUREAU, "decision_number": "12", "nominee_bio_ru": "Агроном, 20 лет в Доссоре",
    } | changes  # fmt: skip


def to_campaigning(akim: SimpleNamespace) -> AkimCampaign:
    campaign = campaign_choose_nominee(actor=akim.makat_secretary, campaign=akim.campaign, values=decision(akim))
    campaign = campaign_transition(
        actor=akim.makat_secretary, campaign=campaign, to=S.REGISTERED, registered_on=akim.today + 10 * DAY,
        today=akim.today + 10 * DAY,
    )  # fmt: skip
    return campaign_transition(actor=akim.makat_secretary, campaign=campaign, to=S.CAMPAIGNING)


def outcome(akim: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    return {
        "round": 1, "outcome": Outcome.WON, "votes_for_nominee": 812, "votes_total": 1400, "turnout": "67.5",
        "decided_on": akim.campaign.election_date + DAY, "source": "ТИК Мақат ауданы, шешім № 5",
    } | changes  # fmt: skip


def test_a_district_secretary_adds_a_campaign_in_their_okrug(akim: SimpleNamespace, tree: Any) -> None:
    values = {"org_unit": tree.makat, "okrug": akim.baichunas, "election_date": akim.today + 90 * DAY}
    campaign = campaign_create(actor=akim.makat_secretary, values=values)
    assert campaign.status == S.PLANNING
    assert AuditEvent.objects.filter(verb="akim.campaign_created", target_id=str(campaign.pk)).exists()


def test_a_campaign_in_another_district_is_refused(akim: SimpleNamespace, tree: Any) -> None:
    values = {"org_unit": tree.inder, "okrug": akim.inder_okrug, "election_date": akim.today + 90 * DAY}
    with pytest.raises(PermissionDenied):
        campaign_create(actor=akim.makat_secretary, values=values)
    values = {"org_unit": tree.makat, "okrug": akim.inder_okrug, "election_date": akim.today + 90 * DAY}
    with pytest.raises(ValidationError) as exc:
        campaign_create(actor=akim.makat_secretary, values=values)
    assert "okrug" in errors_of(exc)
    assert AkimCampaign.objects.count() == 1


def test_registration_dates_must_come_in_order_before_election_day(akim: SimpleNamespace, tree: Any) -> None:
    day = akim.today + 90 * DAY
    base = {"org_unit": tree.makat, "okrug": akim.baichunas, "election_date": day}
    cases = [
        ({"registration_opens_on": day - 10 * DAY, "registration_closes_on": day - 20 * DAY}, "registration_closes_on"),
        ({"registration_opens_on": day - 20 * DAY, "registration_closes_on": day}, "registration_closes_on"),
        ({"registration_opens_on": day + DAY}, "registration_opens_on"),
        ({"okrug": tree.makat_t}, "okrug"),  # a district is not an okrug
        ({"okrug": akim.dossor, "election_date": akim.campaign.election_date}, "okrug"),  # one per okrug and day
        ({"org_unit": tree.makat_p1}, "org_unit"),  # a primary does not run a campaign
    ]
    for changes, field in cases:
        with pytest.raises(ValidationError) as exc:
            campaign_create(actor=akim.secretary, values=base | changes)
        assert field in errors_of(exc), changes
    assert AkimCampaign.objects.count() == 1


def test_the_nominee_chosen_by_a_decision_moves_the_campaign_on(akim: SimpleNamespace) -> None:
    campaign = campaign_choose_nominee(
        actor=akim.makat_secretary, campaign=akim.campaign, values=decision(akim), note="Бюро отырысы"
    )
    assert campaign.status == S.NOMINEE_CHOSEN
    assert campaign.nominee == akim.nurlan and campaign.chosen_by == ChosenBy.DECISION
    step = CampaignTransition.objects.get(campaign=campaign)
    assert (step.from_status, step.to_status, step.actor, step.note) == (
        S.PLANNING, S.NOMINEE_CHOSEN, akim.makat_secretary, "Бюро отырысы",
    )  # fmt: skip
    assert AuditEvent.objects.filter(verb="akim.nominee_chosen", target_id=str(campaign.pk)).exists()


def test_a_decision_needs_a_date_a_body_and_a_member_of_the_branch(akim: SimpleNamespace, tree: Any) -> None:
    left = add_member(tree.makat_p1, "Кеткенов", status=MemberStatus.LEFT)
    foreign_doc = Document.objects.create(
        kind=DocumentKind.choices[0][0], org_unit=tree.inder, adopted_on=akim.today, title_ru="Решение"
    )
    cases = [
        ({"nominee": None}, "nominee"),
        ({"nominee": akim.inder_member}, "nominee"),
        ({"nominee": left}, "nominee"),
        ({"decision_on": None}, "decision_on"),
        ({"decision_on": akim.today + DAY}, "decision_on"),
        ({"decision_body": ""}, "decision_body"),
        ({"decision_document": foreign_doc}, "decision_document"),
        ({"chosen_by": ""}, "chosen_by"),
    ]
    for changes, field in cases:
        with pytest.raises(ValidationError) as exc:
            campaign_choose_nominee(
                actor=akim.makat_secretary, campaign=akim.campaign, values=decision(akim, **changes)
            )
        assert field in errors_of(exc), changes
    akim.campaign.refresh_from_db()
    assert akim.campaign.status == S.PLANNING and akim.campaign.nominee is None
    assert not CampaignTransition.objects.exists()


def test_the_winner_of_a_published_internal_vote_becomes_the_nominee(akim: SimpleNamespace, tree: Any) -> None:
    vote = add_vote(tree.makat, [akim.nurlan, akim.aigerim], [40, 61])
    winner = internal_vote_winner(vote)
    assert winner is not None and winner.candidate.member == akim.aigerim and winner.votes == 61
    campaign = campaign_take_winner(actor=akim.makat_secretary, campaign=akim.campaign, election=vote)
    assert campaign.status == S.NOMINEE_CHOSEN
    assert (campaign.nominee, campaign.chosen_by, campaign.election) == (akim.aigerim, ChosenBy.INTERNAL_VOTE, vote)
    assert campaign.nominee_bio_ru == "Биография Серікова"


def test_only_a_published_akim_vote_of_the_branch_with_one_winner_can_name_the_nominee(
    akim: SimpleNamespace, tree: Any
) -> None:
    votes = [
        add_vote(tree.makat, [akim.nurlan, akim.aigerim], None),  # not yet published
        add_vote(tree.makat, [akim.nurlan, akim.aigerim], [50, 50]),  # a tie
        add_vote(tree.makat, [akim.nurlan], [10], kind=ElectionKind.POLL),
        add_vote(tree.inder, [akim.inder_member], [10]),
    ]
    for vote in votes:
        with pytest.raises(ValidationError) as exc:
            campaign_take_winner(actor=akim.makat_secretary, campaign=akim.campaign, election=vote)
        assert "election" in errors_of(exc)
    vote = add_vote(tree.makat, [akim.nurlan, akim.aigerim], [10, 30])
    values = {"nominee": akim.nurlan, "chosen_by": ChosenBy.INTERNAL_VOTE, "election": vote}
    with pytest.raises(ValidationError) as exc:
        campaign_choose_nominee(actor=akim.makat_secretary, campaign=akim.campaign, values=values)
    assert "Серікова" in errors_of(exc)["nominee"][0]
    akim.campaign.refresh_from_db()
    assert akim.campaign.status == S.PLANNING


def test_transitions_follow_the_table_and_record_who_and_why(akim: SimpleNamespace) -> None:
    campaign = akim.campaign
    for to in (S.REGISTERED, S.CAMPAIGNING, S.RESULT, S.NOMINEE_CHOSEN):
        with pytest.raises(ValidationError):
            campaign_transition(actor=akim.makat_secretary, campaign=campaign, to=to, registered_on=akim.today)
    campaign = campaign_choose_nominee(actor=akim.makat_secretary, campaign=campaign, values=decision(akim))
    with pytest.raises(ValidationError) as exc:
        campaign_transition(actor=akim.makat_secretary, campaign=campaign, to=S.PLANNING)
    assert "note" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        campaign_transition(actor=akim.makat_secretary, campaign=campaign, to=S.REGISTERED)
    assert "registered_on" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:  # before registration opened
        campaign_transition(actor=akim.makat_secretary, campaign=campaign, to=S.REGISTERED, registered_on=akim.today)
    assert "registered_on" in errors_of(exc)
    with pytest.raises(PermissionDenied):
        campaign_transition(actor=akim.inder_secretary, campaign=campaign, to=S.WITHDRAWN, note="—")
    campaign = to_campaigning(SimpleNamespace(**vars(akim) | {"campaign": campaign_transition(
        actor=akim.makat_secretary, campaign=campaign, to=S.PLANNING, note="Кандидат бас тартты")}))  # fmt: skip
    assert campaign.status == S.CAMPAIGNING
    assert campaign.registered_on == akim.today + 10 * DAY
    steps = list(CampaignTransition.objects.filter(campaign=campaign).values_list("to_status", flat=True))
    assert steps == [S.NOMINEE_CHOSEN, S.PLANNING, S.NOMINEE_CHOSEN, S.REGISTERED, S.CAMPAIGNING]
    campaign = campaign_transition(actor=akim.makat_secretary, campaign=campaign, to=S.WITHDRAWN, note="Тіркеу жойылды")
    with pytest.raises(ValidationError):
        campaign_update(actor=akim.makat_secretary, campaign=campaign, values={"election_date": akim.today})
    assert AuditEvent.objects.filter(verb="akim.campaign_transition", target_id=str(campaign.pk)).count() == 6


def test_events_end_after_they_start_and_attendance_waits_for_the_event(akim: SimpleNamespace) -> None:
    start = timezone.now().replace(microsecond=0) + DAY
    values = {"kind": "meeting", "starts_at": start, "ends_at": start + dt.timedelta(hours=2), "place": "Мәдениет үйі"}
    cases = [
        ({"ends_at": start - dt.timedelta(hours=1)}, "ends_at"),
        ({"place": " "}, "place"),
        ({"attendance": 40}, "attendance"),  # not yet held
        ({"starts_at": start + 100 * DAY, "ends_at": start + 101 * DAY}, "starts_at"),  # after election day
    ]
    for changes, field in cases:
        with pytest.raises(ValidationError) as exc:
            event_create(actor=akim.makat_secretary, campaign=akim.campaign, values=values | changes)
        assert field in errors_of(exc), changes
    assert not CampaignEvent.objects.exists()
    event = event_create(actor=akim.makat_secretary, campaign=akim.campaign, values=values)
    event = event_update(actor=akim.makat_secretary, event=event, values={"attendance": 45}, now=start + DAY)
    assert event.attendance == 45
    assert AuditEvent.objects.filter(verb="akim.event_updated", target_id=str(event.pk)).exists()


def test_other_candidates_need_a_name_and_who_nominated_them(akim: SimpleNamespace) -> None:
    for kwargs, field in [
        ({"name": "", "nominated_by": NominatedBy.SELF}, "name"),
        ({"name": "Бекұлы Ғ.", "nominated_by": "martians"}, "nominated_by"),
        ({"name": "Бекұлы Ғ.", "nominated_by": NominatedBy.PARTY}, "nominator"),
    ]:
        with pytest.raises(ValidationError) as exc:
            candidate_create(actor=akim.makat_secretary, campaign=akim.campaign, **kwargs)
        assert field in errors_of(exc)
    candidate_create(actor=akim.makat_secretary, campaign=akim.campaign, name="Бекұлы Ғ.", nominated_by="party",
                     nominator="«Ақ жол»")  # fmt: skip
    with pytest.raises(ValidationError):
        candidate_create(actor=akim.makat_secretary, campaign=akim.campaign, name="бекұлы ғ.", nominated_by="self")
    assert akim.campaign.other_candidates.count() == 1


def test_the_outcome_is_validated_and_a_win_gives_the_result(akim: SimpleNamespace) -> None:
    campaign = to_campaigning(akim)
    after = campaign.election_date + 2 * DAY
    with pytest.raises(ValidationError) as exc:  # the election has not taken place
        outcome_save(actor=akim.makat_secretary, campaign=campaign, values=outcome(akim), today=akim.today)
    assert "decided_on" in errors_of(exc)
    cases = [
        ({"votes_for_nominee": 1500}, "votes_for_nominee"),  # more than were cast
        ({"votes_for_nominee": -1}, "votes_for_nominee"),
        ({"votes_total": 0}, "votes_total"),
        ({"votes_total": "много"}, "votes_total"),
        ({"turnout": "101"}, "turnout"),
        ({"turnout": "abc"}, "turnout"),
        ({"decided_on": campaign.election_date - DAY}, "decided_on"),
        ({"decided_on": after + DAY}, "decided_on"),  # in the future
        ({"source": ""}, "source"),
        ({"round": 2}, "round"),  # no first round called for one
        ({"outcome": "draw"}, "outcome"),
    ]
    for changes, field in cases:
        with pytest.raises(ValidationError) as exc:
            outcome_save(actor=akim.makat_secretary, campaign=campaign, values=outcome(akim, **changes), today=after)
        assert field in errors_of(exc), changes
    assert not CampaignOutcome.objects.exists()
    with pytest.raises(PermissionDenied):
        outcome_save(actor=akim.inder_secretary, campaign=campaign, values=outcome(akim), today=after)
    saved = outcome_save(actor=akim.makat_secretary, campaign=campaign, values=outcome(akim), today=after)
    campaign.refresh_from_db()
    assert campaign.status == S.RESULT and saved.share == 58.0
    # A correction keeps the result; it cannot turn it into a second round.
    outcome_save(
        actor=akim.makat_secretary, campaign=campaign, values=outcome(akim, votes_for_nominee=815), today=after
    )
    with pytest.raises(ValidationError) as exc:
        outcome_save(
            actor=akim.makat_secretary,
            campaign=campaign,
            values=outcome(akim, outcome=Outcome.SECOND_ROUND),
            today=after,
        )
    assert "outcome" in errors_of(exc)
    assert CampaignOutcome.objects.get().votes_for_nominee == 815


def test_a_second_round_keeps_the_campaign_going_until_it_is_decided(akim: SimpleNamespace) -> None:
    campaign = to_campaigning(akim)
    first_day = campaign.election_date + DAY
    later = campaign.election_date + 20 * DAY
    outcome_save(actor=akim.makat_secretary, campaign=campaign,
                 values=outcome(akim, outcome=Outcome.SECOND_ROUND, votes_for_nominee=600), today=later)  # fmt: skip
    campaign.refresh_from_db()
    assert campaign.status == S.CAMPAIGNING
    start = timezone.make_aware(dt.datetime.combine(campaign.election_date + 5 * DAY, dt.time(18)))
    event_create(actor=akim.makat_secretary, campaign=campaign,
                 values={"kind": "meeting", "starts_at": start, "ends_at": start + DAY, "place": "Мектеп"},
                 now=start - DAY)  # fmt: skip
    for changes, field in [({"decided_on": first_day}, "decided_on"), ({"outcome": Outcome.SECOND_ROUND}, "outcome")]:
        with pytest.raises(ValidationError) as exc:
            outcome_save(actor=akim.makat_secretary, campaign=campaign, values=outcome(akim, round=2, **changes),
                         today=later)  # fmt: skip
        assert field in errors_of(exc)
    outcome_save(actor=akim.makat_secretary, campaign=campaign,
                 values=outcome(akim, round=2, outcome=Outcome.LOST, decided_on=later), today=later)  # fmt: skip
    campaign.refresh_from_db()
    assert campaign.status == S.RESULT and campaign.final_outcome.outcome == Outcome.LOST
