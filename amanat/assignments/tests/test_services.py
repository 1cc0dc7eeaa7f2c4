"""Issuing, fan-out, the execution workflow, extensions and removal from control."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from amanat.assignments import services
from amanat.assignments.choices import AssignmentStatus, ExecutionStatus, ExtensionStatus
from amanat.assignments.models import Assignment, Execution, ExecutionEvent, ExtensionRequest
from amanat.assignments.selectors import assignments_from, my_executions
from amanat.assignments.tests.conftest import execution_of
from amanat.audit.models import AuditEvent
from amanat.notifications.models import Notification

PDF = b"%PDF-1.4\n%test\n"


def test_fan_out_creates_one_execution_per_recipient(org: SimpleNamespace, issued: Assignment) -> None:
    assert issued.recipients_total == 4
    rows = Execution.objects.filter(assignment=issued)
    assert rows.count() == 4
    assert {e.status for e in rows} == {ExecutionStatus.ISSUED}
    # Five working days from Wednesday 4 March 2026 (the 8 March holiday is a Sunday, observed Monday 9th).
    assert issued.deadline > dt.date(2026, 3, 4)
    assert all(e.deadline == issued.deadline for e in rows)
    assert AuditEvent.objects.filter(verb="assignments.issued").count() == 1


def test_recipients_are_told(org: SimpleNamespace, issued: Assignment, django_capture_on_commit_callbacks: Any) -> None:
    from amanat.assignments.services.issue import _tell_recipients

    _tell_recipients(issued.pk)
    told = set(Notification.objects.filter(kind="assignments.issued").values_list("user_id", flat=True))
    assert {org.p1_secretary.pk, org.p2_secretary.pk, org.deputy.pk} <= told
    assert org.makat_secretary.pk not in told


def test_all_primaries_of_a_district_in_bulk(org: SimpleNamespace, django_assert_max_num_queries: Any) -> None:
    from amanat.org.choices import OrgUnitKind
    from amanat.org.models import OrgUnit

    primaries = list(OrgUnit.objects.filter(path__startswith=org.tree.makat.path, kind=OrgUnitKind.PRIMARY))
    with django_assert_max_num_queries(12):
        assignment = services.assignment_issue(
            actor=org.region_secretary, org_unit=org.tree.regional, title="Report on the harvest",
            text="", deadline=dt.date(2026, 3, 20), unit_recipients=primaries,
        )  # fmt: skip
    assert assignment.executions.count() == 3


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"unit_recipients": [], "user_recipients": []}, "unit_recipients"),
        ({"deadline": dt.date(2026, 3, 3), "deadline_days": None}, "deadline"),
        ({"deadline": None, "deadline_days": None}, "deadline"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_issue_input_changes_nothing(org: SimpleNamespace, kwargs: dict, field: str) -> None:
    values = {
        "actor": org.makat_secretary, "org_unit": org.tree.makat, "title": "T", "text": "",
        "deadline": None, "deadline_days": 5, "unit_recipients": [org.tree.makat_p1],
    } | kwargs  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        services.assignment_issue(**values)
    assert field in caught.value.message_dict
    assert Assignment.objects.count() == 0
    assert Execution.objects.count() == 0


def test_units_outside_the_issuing_branch_are_refused(org: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as caught:
        services.assignment_issue(
            actor=org.makat_secretary, org_unit=org.tree.makat, title="T", text="", deadline_days=3,
            unit_recipients=[org.tree.inder_p1],
        )  # fmt: skip
    assert "unit_recipients" in caught.value.message_dict
    assert Assignment.objects.count() == 0


def test_issuing_needs_the_right_on_the_branch(org: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        services.assignment_issue(
            actor=org.inder_secretary, org_unit=org.tree.makat, title="T", text="", deadline_days=3,
            unit_recipients=[org.tree.makat_p1],
        )  # fmt: skip
    assert Assignment.objects.count() == 0


def test_workflow_report_return_rework_accept(org: SimpleNamespace, issued: Assignment) -> None:
    e = execution_of(issued, unit=org.tree.makat_p1)
    services.execution_start(actor=org.p1_secretary, execution=e)
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    services.execution_report(actor=org.p1_secretary, execution=e, text="Three meetings held.", files=[upload])
    e.refresh_from_db()
    assert e.status == ExecutionStatus.REPORTED and e.reported_on == dt.date(2026, 3, 4)
    assert e.files.count() == 1
    services.execution_return(actor=org.makat_secretary, execution=e, reason="Add the attendance lists.")
    e.refresh_from_db()
    assert e.status == ExecutionStatus.RETURNED and e.return_reason
    services.execution_start(actor=org.p1_secretary, execution=e)
    services.execution_report(actor=org.p1_secretary, execution=e, text="Lists added.")
    services.execution_accept(actor=org.makat_secretary, execution=e)
    e.refresh_from_db()
    assert e.status == ExecutionStatus.ACCEPTED and e.accepted_by == org.makat_secretary
    steps = list(ExecutionEvent.objects.filter(execution=e).values_list("transition", flat=True))
    assert steps == ["start", "report", "return", "start", "report", "accept"]
    counts = assignments_from_counts(issued)
    assert counts == (4, 1, 0)


def assignments_from_counts(assignment: Assignment) -> tuple[int, int, int]:
    from amanat.assignments.selectors import with_counts

    a = with_counts(Assignment.objects.filter(pk=assignment.pk)).get()
    return a.n_total, a.n_done, a.n_reported


def test_report_from_someone_not_a_recipient_is_refused(org: SimpleNamespace, issued: Assignment) -> None:
    e = execution_of(issued, unit=org.tree.makat_p1)
    for outsider in (org.p2_secretary, org.inder_p1_secretary, org.deputy, org.makat_secretary):
        with pytest.raises(PermissionDenied):
            services.execution_report(actor=outsider, execution=e, text="Done")
    e.refresh_from_db()
    assert e.status == ExecutionStatus.ISSUED and not e.report_text


def test_acceptance_by_someone_not_the_issuer_is_refused(org: SimpleNamespace, issued: Assignment) -> None:
    e = execution_of(issued, unit=org.tree.makat_p1)
    services.execution_report(actor=org.p1_secretary, execution=e, text="Done")
    for outsider in (org.p1_secretary, org.p2_secretary, org.inder_secretary, org.deputy, org.auditor):
        with pytest.raises(PermissionDenied):
            services.execution_accept(actor=outsider, execution=e)
    e.refresh_from_db()
    assert e.status == ExecutionStatus.REPORTED and e.accepted_by is None
    # The branch above the issuer may accept.
    services.execution_accept(actor=org.region_secretary, execution=e)


def test_a_report_needs_text_and_acceptable_files(org: SimpleNamespace, issued: Assignment) -> None:
    e = execution_of(issued, unit=org.tree.makat_p1)
    with pytest.raises(ValidationError) as caught:
        services.execution_report(
            actor=org.p1_secretary, execution=e, text="",
            files=[SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/pdf")],
        )  # fmt: skip
    assert {"text", "files"} <= set(caught.value.message_dict)
    e.refresh_from_db()
    assert e.status == ExecutionStatus.ISSUED


def test_deputy_reports_on_their_own_execution(org: SimpleNamespace, issued: Assignment) -> None:
    e = execution_of(issued, user=org.deputy)
    assert list(my_executions(org.deputy)) == [e]
    services.execution_report(actor=org.deputy, execution=e, text="Met the voters.")
    assert set(my_executions(org.p1_secretary).values_list("recipient_unit", flat=True)) == {org.tree.makat_p1.pk}
    # A district secretary's "mine" is what is addressed to the district, not its primaries' work.
    assert not my_executions(org.makat_secretary).exists()


def test_extension_requested_and_approved(org: SimpleNamespace, issued: Assignment) -> None:
    e = execution_of(issued, unit=org.makat_p2)
    e.escalation_level = 1
    e.reminder_sent_on = dt.date(2026, 3, 4)
    e.save()
    new = issued.deadline + dt.timedelta(days=7)
    with pytest.raises(ValidationError):
        services.extension_request(actor=org.p2_secretary, execution=e, new_deadline=issued.deadline, reason="x")
    req = services.extension_request(actor=org.p2_secretary, execution=e, new_deadline=new, reason="Floods")
    with pytest.raises(ValidationError):  # one pending request at a time
        services.extension_request(actor=org.p2_secretary, execution=e, new_deadline=new, reason="Again")
    with pytest.raises(PermissionDenied):
        services.extension_decide(actor=org.p2_secretary, request=req, approve=True)
    services.extension_decide(actor=org.makat_secretary, request=req, approve=True)
    e.refresh_from_db()
    req.refresh_from_db()
    assert req.status == ExtensionStatus.APPROVED
    assert e.deadline == new and e.escalation_level == 0 and e.reminder_sent_on is None
    # The others keep the old deadline.
    assert execution_of(issued, unit=org.makat_p3).deadline == issued.deadline


def test_extension_refused_needs_a_reason(org: SimpleNamespace, issued: Assignment) -> None:
    e = execution_of(issued, unit=org.makat_p2)
    req = services.extension_request(
        actor=org.p2_secretary, execution=e, new_deadline=issued.deadline + dt.timedelta(days=3), reason="Busy"
    )
    with pytest.raises(ValidationError):
        services.extension_decide(actor=org.makat_secretary, request=req, approve=False, note="")
    services.extension_decide(actor=org.makat_secretary, request=req, approve=False, note="Not a reason")
    e.refresh_from_db()
    assert e.deadline == issued.deadline
    assert ExtensionRequest.objects.get().status == ExtensionStatus.REFUSED


def test_only_the_issuer_removes_from_control(org: SimpleNamespace, issued: Assignment) -> None:
    for outsider in (org.p1_secretary, org.inder_secretary, org.deputy):
        with pytest.raises(PermissionDenied):
            services.assignment_remove_from_control(actor=outsider, assignment=issued, reason="Done")
    with pytest.raises(ValidationError):
        services.assignment_remove_from_control(actor=org.makat_secretary, assignment=issued, reason="")
    issued.refresh_from_db()
    assert issued.status == AssignmentStatus.ON_CONTROL
    services.assignment_remove_from_control(actor=org.makat_secretary, assignment=issued, reason="Superseded")
    issued.refresh_from_db()
    assert issued.status == AssignmentStatus.REMOVED and issued.removed_by == org.makat_secretary
    e = execution_of(issued, unit=org.tree.makat_p1)
    with pytest.raises(ValidationError):
        services.execution_report(actor=org.p1_secretary, execution=e, text="Late report")
    assert not my_executions(org.p1_secretary).exists()


def test_assignments_from_a_source(org: SimpleNamespace) -> None:
    from amanat.documents.services.documents import document_create

    decision = document_create(
        actor=org.region_secretary, kind="bureau_decision", org_unit=org.tree.regional,
        adopted_on=dt.date(2026, 3, 2), title_ru="О выездных встречах", number="12",
    )  # fmt: skip
    a = services.assignment_issue(
        actor=org.region_secretary, org_unit=org.tree.regional, title="Field meetings", text="",
        deadline_days=3, unit_recipients=[org.tree.makat_p1, org.makat_p2], source=decision,
    )  # fmt: skip
    e = execution_of(a, unit=org.tree.makat_p1)
    services.execution_report(actor=org.p1_secretary, execution=e, text="Done")
    services.execution_accept(actor=org.region_secretary, execution=e)
    found = list(assignments_from(decision))
    assert [x.pk for x in found] == [a.pk]
    assert (found[0].n_total, found[0].n_done, found[0].n_reported, found[0].n_overdue) == (2, 1, 0, 0)
    assert a.source == decision
