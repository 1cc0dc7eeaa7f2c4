"""The demo assignments: the story the brief asks for, loaded once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from amanat.assignments.choices import ExecutionStatus
from amanat.assignments.models import Assignment, Execution, ExtensionRequest
from amanat.assignments.selectors import assignments_from
from amanat.demo.assignments import DECISION_NUMBER, load_assignments
from amanat.documents.models import Document


@pytest.mark.django_db
def test_demo_assignments_tell_the_story_and_load_once() -> None:
    out = StringIO()
    call_command("demo_data", "--base-members", "0", "--demo-appeals", "0", stdout=out)
    assert "Documents and assignments: " in out.getvalue() and "assignments added" in out.getvalue()
    decision = Document.objects.get(number=DECISION_NUMBER)
    assert Document.objects.filter(kind="charter", is_public=True).exists()
    [bureau] = assignments_from(decision)
    assert bureau.n_total >= 5 and bureau.n_done >= 2 and bureau.n_overdue >= 1
    executions = Execution.objects.filter(assignment=bureau)
    assert executions.filter(status=ExecutionStatus.RETURNED).count() == 1
    assert executions.filter(status=ExecutionStatus.REPORTED).exists()
    assert executions.filter(escalation_level__gt=0).exists()
    assert ExtensionRequest.objects.filter(execution__assignment=bureau, status="pending").count() == 1
    assert Assignment.objects.filter(control_level="chairman", executions__recipient_user__isnull=False).exists()
    counts = (Assignment.objects.count(), Execution.objects.count(), Document.objects.count())
    assert load_assignments() == 0
    assert (Assignment.objects.count(), Execution.objects.count(), Document.objects.count()) == counts
