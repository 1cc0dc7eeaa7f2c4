"""The whole transition table, through the service: every (status, step) pair allowed or refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from amanat.appeals.choices import AppealStatus, DismissalGround, Language
from amanat.appeals.models import Appeal
from amanat.appeals.services.transitions import actions_for, appeal_transition
from amanat.appeals.workflow import TRANSITIONS, Transition, available, target_status
from amanat.org.choices import StateBodyKind
from amanat.org.models import StateBody

pytestmark = pytest.mark.django_db

# The table as the issue states it (written out again, not read from workflow.py).
EXPECTED = {
    Transition.TAKE: {"registered"},
    Transition.FORWARD: {"registered", "in_work"},
    Transition.BODY_ANSWERED: {"forwarded"},
    Transition.PAUSE: {"registered", "in_work"},
    Transition.RESUME: {"paused"},
    Transition.EXTEND: {"in_work", "forwarded"},
    Transition.ANSWER: {"registered", "in_work", "forwarded"},
    Transition.CLOSE: {"answered"},
    Transition.DISMISS: {"registered", "in_work", "paused"},
    Transition.WITHDRAW: {"registered", "in_work", "forwarded", "paused"},
    Transition.REOPEN: {"answered", "closed"},
    Transition.MERGE: {"registered", "in_work", "paused"},
}
TARGET = {
    Transition.TAKE: "in_work",
    Transition.FORWARD: "forwarded",
    Transition.BODY_ANSWERED: "in_work",
    Transition.PAUSE: "paused",
    Transition.RESUME: "in_work",
    Transition.ANSWER: "answered",
    Transition.CLOSE: "closed",
    Transition.DISMISS: "dismissed",
    Transition.WITHDRAW: "withdrawn",
    Transition.REOPEN: "in_work",
    Transition.MERGE: "merged",
}


@pytest.fixture
def body(db: Any) -> StateBody:
    return StateBody.objects.add_root(
        instance=StateBody(kind=StateBodyKind.DISTRICT_AKIMAT, name_kk="Мақат ауданы әкімдігі", name_ru="Акимат")
    )


def details(transition: str, *, appeal: Appeal, body: StateBody, other: Appeal) -> dict[str, Any]:
    return {
        Transition.FORWARD: {"state_body": body, "forward_number": "01-12/345"},
        Transition.ANSWER: {"text": "Отопление восстановлено.", "language": Language.RU, "is_positive": True},
        Transition.DISMISS: {"ground": DismissalGround.NO_MATTER},
        Transition.MERGE: {"into": other},
        Transition.EXTEND: {"extended_to": appeal.registered_on + dt.timedelta(days=45)},
    }.get(transition, {})


def test_the_table_is_the_one_the_issue_describes():
    assert set(TRANSITIONS) == set(EXPECTED)
    for transition, sources in EXPECTED.items():
        assert {str(s) for s in TRANSITIONS[transition][0]} == sources, transition
        if transition in TARGET:
            assert target_status(next(iter(sources)), transition) == TARGET[transition]


@pytest.mark.parametrize("status", AppealStatus.values)
def test_every_step_from_every_status_through_the_service(status, appeal_factory, staff, body):
    other = appeal_factory()
    for transition in Transition:
        appeal = appeal_factory()
        Appeal.objects.filter(pk=appeal.pk).update(status=status)  # set up the starting status
        appeal.refresh_from_db()
        kwargs = details(transition, appeal=appeal, body=body, other=other)
        if status in EXPECTED[transition]:
            changed = appeal_transition(
                appeal=appeal, transition=transition, actor=staff.makat_secretary, reason="Because.", **kwargs
            )
            assert changed.status == TARGET.get(transition, status), (status, transition)
            assert changed.version == appeal.version + 1
            assert changed.events.filter(kind=transition, from_status=status).exists()
        else:
            with pytest.raises(ValidationError) as refused:
                appeal_transition(
                    appeal=appeal, transition=transition, actor=staff.makat_secretary, reason="Because.", **kwargs
                )
            assert refused.value.code == "not_allowed"
            message = refused.value.messages[0]
            assert str(transition.label) in message and str(AppealStatus(status).label) in message
            fresh = Appeal.objects.get(pk=appeal.pk)
            assert fresh.status == status and fresh.version == appeal.version  # nothing changed
            assert not fresh.events.filter(kind=transition).exists()


def test_buttons_offer_only_what_the_table_allows(appeal_factory, staff):
    appeal = appeal_factory()
    assert actions_for(staff.makat_secretary, appeal) == available(AppealStatus.REGISTERED)
    assert Transition.CLOSE not in actions_for(staff.makat_secretary, appeal)
    # An operator sees the work steps but not the extension (approve_extension).
    Appeal.objects.filter(pk=appeal.pk).update(status=AppealStatus.IN_WORK)
    appeal.refresh_from_db()
    assert Transition.EXTEND in actions_for(staff.makat_secretary, appeal)
    assert Transition.EXTEND not in actions_for(staff.makat_operator, appeal)
    assert actions_for(staff.inder_operator, appeal) == []


def test_an_unknown_step_is_refused_clearly(appeal_factory, staff):
    appeal = appeal_factory()
    with pytest.raises(ValidationError) as refused:
        appeal_transition(appeal=appeal, transition="teleport", actor=staff.makat_secretary)
    assert refused.value.code == "unknown_transition"
