"""Paths no other test walks: a second click on the same button, another district's secretary,
bad input on the extension endpoint."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from rest_framework.test import APIClient

from amanat.assignments import services
from amanat.assignments.choices import ExecutionStatus, ExtensionStatus
from amanat.assignments.models import Assignment, ExtensionRequest
from amanat.assignments.tests.conftest import execution_of
from amanat.notifications.models import Notification


def test_reporting_twice_sends_one_report_and_tells_the_issuer_once(
    client: Any, org: SimpleNamespace, issued: Assignment, django_capture_on_commit_callbacks: Any
) -> None:
    p1 = execution_of(issued, unit=org.tree.makat_p1)
    client.force_login(org.p1_secretary)
    url = reverse("assignments:execution-report", args=[p1.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"text": "Held 3 meetings"})
        second = client.post(url, {"text": "Held 3 meetings"})
    assert first.status_code == second.status_code == 302
    p1.refresh_from_db()
    assert p1.status == ExecutionStatus.REPORTED
    assert Notification.objects.filter(user=org.makat_secretary).count() == 1


def test_accepting_twice_tells_the_recipient_once(
    client: Any, org: SimpleNamespace, issued: Assignment, django_capture_on_commit_callbacks: Any
) -> None:
    p1 = execution_of(issued, unit=org.tree.makat_p1)
    services.execution_report(actor=org.p1_secretary, execution=p1, text="Done")
    client.force_login(org.makat_secretary)
    url = reverse("assignments:execution-accept", args=[p1.pk])
    before = Notification.objects.filter(user=org.p1_secretary).count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        again = client.post(url)
    assert again.status_code == 302
    p1.refresh_from_db()
    assert p1.status == ExecutionStatus.ACCEPTED
    assert Notification.objects.filter(user=org.p1_secretary).count() == before + 1


def test_asking_for_an_extension_twice_makes_one_request(
    client: Any, org: SimpleNamespace, issued: Assignment, django_capture_on_commit_callbacks: Any
) -> None:
    p2 = execution_of(issued, unit=org.makat_p2)
    client.force_login(org.p2_secretary)
    body = {"new_deadline": (issued.deadline + dt.timedelta(days=5)).isoformat(), "reason": "Floods"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:extension-ask", args=[p2.pk]), body)
        client.post(reverse("assignments:extension-ask", args=[p2.pk]), body)
    assert ExtensionRequest.objects.filter(execution=p2).count() == 1
    assert Notification.objects.filter(user=org.makat_secretary).count() == 1


def test_deciding_an_extension_twice_keeps_the_first_decision(
    client: Any, org: SimpleNamespace, issued: Assignment
) -> None:
    p2 = execution_of(issued, unit=org.makat_p2)
    new = issued.deadline + dt.timedelta(days=5)
    ext = services.extension_request(actor=org.p2_secretary, execution=p2, new_deadline=new, reason="Floods")
    client.force_login(org.makat_secretary)
    url = reverse("assignments:extension-decide", args=[ext.pk])
    client.post(url, {"decision": "approve"})
    client.post(url, {"decision": "refuse", "note": "Changed my mind"})
    ext.refresh_from_db()
    p2.refresh_from_db()
    assert ext.status == ExtensionStatus.APPROVED and ext.decision_note == ""
    assert p2.deadline == new


def test_another_districts_secretary_cannot_decide_an_extension(
    client: Any, org: SimpleNamespace, issued: Assignment
) -> None:
    p2 = execution_of(issued, unit=org.makat_p2)
    old = p2.deadline
    ext = services.extension_request(
        actor=org.p2_secretary, execution=p2, new_deadline=old + dt.timedelta(days=5), reason="Floods"
    )
    client.force_login(org.inder_secretary)
    answer = client.post(reverse("assignments:extension-decide", args=[ext.pk]), {"decision": "approve"})
    assert answer.status_code == 404
    assert client.post(reverse("assignments:remove", args=[issued.pk]), {"reason": "Mine now"}).status_code == 404
    api = APIClient()
    api.force_authenticate(org.inder_secretary)
    assert api.post(f"/api/v1/assignments/extensions/{ext.pk}/decide/", {"approve": True}).status_code == 404
    ext.refresh_from_db()
    p2.refresh_from_db()
    issued.refresh_from_db()
    assert ext.status == ExtensionStatus.PENDING and p2.deadline == old
    assert issued.on_control


def test_bad_extension_input_on_the_api_is_400_and_changes_nothing(org: SimpleNamespace, issued: Assignment) -> None:
    p2 = execution_of(issued, unit=org.makat_p2)
    api = APIClient()
    api.force_authenticate(org.p2_secretary)
    url = f"/api/v1/assignments/executions/{p2.pk}/extension/"
    answer = api.post(url, {"new_deadline": "not a date"}, format="json")
    assert answer.status_code == 400
    assert {"new_deadline", "reason"} <= set(answer.json()["errors"])
    earlier = (issued.deadline - dt.timedelta(days=1)).isoformat()
    answer = api.post(url, {"new_deadline": earlier, "reason": "Floods"}, format="json")
    assert answer.status_code == 400 and "new_deadline" in answer.json()["errors"]
    assert not ExtensionRequest.objects.exists()
    p2.refresh_from_db()
    assert p2.deadline == issued.deadline
