"""A decision of a meeting becomes an assignment through the assignments module's own service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from amanat.meetings.services import meetings as services

assignments = pytest.importorskip("amanat.assignments.services")


@pytest.fixture
def decision(meet: Any) -> Any:
    services.meeting_transition(actor=meet.regional, meeting=meet.bureau, transition="hold")
    return services.decision_add(actor=meet.regional, meeting=meet.bureau, text="Провести встречи во всех сёлах")


def test_a_decision_becomes_an_assignment_to_all_primaries_and_shows_on_the_card(
    client: Any, meet: Any, tree: Any, decision: Any
) -> None:
    from amanat.assignments.selectors import assignments_from

    client.force_login(meet.regional)
    url = reverse("meetings:decision-assign", args=[decision.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Провести встречи".encode() in form.content
    response = client.post(
        url,
        {
            "title": "Встречи в сёлах",
            "text": decision.text,
            "deadline": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
            "control_level": "regular",
            "unit_recipients": [tree.makat_p1.pk, tree.inder_p1.pk],
        },
    )
    assert response.status_code == 302
    made = list(assignments_from(decision))
    assert len(made) == 1 and made[0].n_total == 2 and made[0].org_unit == tree.regional
    card = client.get(reverse("meetings:detail", args=[meet.bureau.pk]))
    assert "Встречи в сёлах".encode() in card.content and b"0 of 2 done" in card.content


def test_an_assignment_with_no_recipients_shows_the_error_and_creates_nothing(
    client: Any, meet: Any, decision: Any
) -> None:
    from amanat.assignments.selectors import assignments_from

    client.force_login(meet.regional)
    response = client.post(
        reverse("meetings:decision-assign", args=[decision.pk]),
        {"title": "X", "text": "Y", "deadline_days": "5", "control_level": "regular"},
    )
    assert response.status_code == 200 and b"at least one recipient" in response.content
    assert not assignments_from(decision).exists()


def test_only_who_may_issue_assignments_sees_the_form(client: Any, meet: Any, decision: Any) -> None:
    for user in (meet.auditor, meet.inder, meet.secretary):
        client.force_login(user)
        assert client.get(reverse("meetings:decision-assign", args=[decision.pk])).status_code == 404
