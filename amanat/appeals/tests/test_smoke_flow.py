"""The main path through the services: register → assign → answer → rate → closed."""

from __future__ import annotations

import pytest

from amanat.appeals.choices import AppealStatus, Language, Solved
from amanat.appeals.services.feedback import appeal_rate
from amanat.appeals.services.transitions import appeal_assign, appeal_transition
from amanat.appeals.workflow import Transition

pytestmark = pytest.mark.django_db


def test_register_assign_answer_rate_closes(appeal_factory, staff):
    appeal = appeal_factory(actor=staff.makat_operator)
    assert appeal.status == AppealStatus.REGISTERED
    assert appeal.number.startswith("АТР-")
    assert appeal.deadline is not None

    appeal = appeal_assign(appeal=appeal, executor=staff.makat_deputy, actor=staff.makat_operator)
    appeal = appeal_transition(
        appeal=appeal,
        transition=Transition.ANSWER,
        actor=staff.makat_deputy,
        text="Отопление восстановлено.",
        language=Language.RU,
        is_positive=True,
    )
    assert appeal.status == AppealStatus.ANSWERED
    appeal_rate(appeal=appeal, rating=5, solved=Solved.FULLY)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED
    assert list(appeal.events.values_list("kind", flat=True)) == ["registered", "assigned", "answer", "rated", "close"]
