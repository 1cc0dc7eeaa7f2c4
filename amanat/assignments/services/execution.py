"""A recipient's work on an execution and the issuer's decisions on it.

Every status change goes through `_transition` (the table in `workflow.py`), recorded as an
`ExecutionEvent` (who, when, why) and an audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.assignments import workflow
from amanat.assignments.choices import OPEN, AssignmentStatus, ExecutionStatus, ExtensionStatus
from amanat.assignments.models import Execution, ExecutionEvent, ExecutionFile, ExtensionRequest
from amanat.assignments.permissions import AssignmentAction
from amanat.assignments.selectors import is_recipient
from amanat.assignments.services import notices
from amanat.audit import services as audit
from amanat.core.permissions import require
from amanat.core.uploads import check_upload

MAX_FILE = 10 * 2**20
MAX_FILES = 10
MAX_EXTENSION_DAYS = 366


def _lock(execution: Execution) -> Execution:
    locked = (
        Execution.objects.select_for_update(of=("self",))
        .select_related("assignment__org_unit", "assignment__issued_by", "recipient_unit", "recipient_user")
        .get(pk=execution.pk)
    )
    return locked


def _on_control(execution: Execution) -> None:
    if execution.assignment.status != AssignmentStatus.ON_CONTROL:
        raise ValidationError(_("The assignment has been removed from control: nothing more is done on it."))


def _require_recipient(actor: Any, execution: Execution) -> None:
    if not is_recipient(actor, execution):
        raise PermissionDenied


def _transition(execution: Execution, *, to: str, actor: Any, note: str = "", fields: Iterable[str] = ()) -> None:
    name = workflow.allowed(execution.status, to)
    if name is None:
        raise ValidationError(
            _("This step is not possible while the execution is “%(status)s”.")
            % {"status": execution.get_status_display()}
        )
    before = execution.status
    execution.status = to
    execution.save(update_fields=["status", "updated_at", *fields])
    ExecutionEvent.objects.create(
        execution=execution, transition=name, from_status=before, to_status=to, actor=actor, note=note or ""
    )
    audit.record(
        actor=actor,
        verb=f"assignments.{name}",
        target=execution,
        org_unit=execution.assignment.org_unit,
        changes={"status": [before, to]},
        data={"note": note} if note else {},
    )


def _tell(kind: str, recipients: list[Any], title: Any, execution: Execution, url: str, **context: Any) -> None:
    from amanat.notifications.services import notify

    notify(
        recipients=recipients,
        kind=kind,
        title=title,
        body=_("{title} — {recipient}."),
        url=url,
        target=execution,
        context={"title": execution.assignment.title, "recipient": str(execution.recipient), **context},
    )


@transaction.atomic
def execution_start(*, actor: Any, execution: Execution, note: str = "") -> Execution:
    """The recipient takes the assignment in hand (also after it was returned for rework)."""
    execution = _lock(execution)
    _require_recipient(actor, execution)
    _on_control(execution)
    _transition(execution, to=ExecutionStatus.IN_PROGRESS, actor=actor, note=note)
    return execution


@transaction.atomic
def execution_report(*, actor: Any, execution: Execution, text: str, files: Iterable[UploadedFile] = ()) -> Execution:
    """The recipient reports what was done, with files (PDF, JPEG, PNG); refused from anyone who
    is not the recipient."""
    execution = _lock(execution)
    _require_recipient(actor, execution)
    _on_control(execution)
    text = (text or "").strip()
    uploads = [f for f in files if f]
    errors: dict[str, Any] = {}
    if not text:
        errors["text"] = _("Say what was done.")
    if len(uploads) > MAX_FILES:
        errors["files"] = _("Attach at most %(n)s files.") % {"n": MAX_FILES}
    else:
        problems: list[str] = []
        for upload in uploads:
            try:
                check_upload(upload, limit=MAX_FILE)
            except ValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            errors["files"] = problems
    if errors:
        raise ValidationError(errors)
    if workflow.allowed(execution.status, ExecutionStatus.REPORTED) is None:
        raise ValidationError(
            {"text": _("This step is not possible while the execution is “%(status)s”.")
             % {"status": execution.get_status_display()}}
        )  # fmt: skip
    execution.report_text = text
    execution.reported_on = timezone.localdate()
    execution.reported_by = actor
    _transition(
        execution, to=ExecutionStatus.REPORTED, actor=actor, fields=["report_text", "reported_on", "reported_by"]
    )
    for upload in uploads:
        content_type = check_upload(upload, limit=MAX_FILE)
        item = ExecutionFile(
            execution=execution, original_name=(upload.name or "file")[:255], content_type=content_type,
            size=upload.size or 0, uploaded_by=actor,
        )  # fmt: skip
        item.file.save(upload.name or "file", upload, save=False)
        item.save()
    transaction.on_commit(
        partial(
            _tell, notices.REPORTED, notices.issuer_side(execution.assignment), _("Report on an assignment: {title}"),
            execution, notices.control_url(execution.assignment),
        )
    )  # fmt: skip
    return execution


def _require_issuer(actor: Any, execution: Execution) -> None:
    require(actor, AssignmentAction.ACCEPT, execution.assignment.org_unit)


@transaction.atomic
def execution_accept(*, actor: Any, execution: Execution, note: str = "") -> Execution:
    """The issuing side accepts a report: the recipient's part is done."""
    execution = _lock(execution)
    _require_issuer(actor, execution)
    _on_control(execution)
    execution.accepted_on = timezone.localdate()
    execution.accepted_by = actor
    _transition(execution, to=ExecutionStatus.ACCEPTED, actor=actor, note=note, fields=["accepted_on", "accepted_by"])
    transaction.on_commit(
        partial(_tell, notices.DECIDED, notices.recipients_of(execution), _("Your report was accepted: {title}"),
                execution, notices.execution_url(execution))
    )  # fmt: skip
    return execution


@transaction.atomic
def execution_return(*, actor: Any, execution: Execution, reason: str) -> Execution:
    """The issuing side returns a report for rework, saying why."""
    execution = _lock(execution)
    _require_issuer(actor, execution)
    _on_control(execution)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what has to be reworked.")})
    execution.return_reason = reason
    _transition(execution, to=ExecutionStatus.RETURNED, actor=actor, note=reason, fields=["return_reason"])
    transaction.on_commit(
        partial(_tell, notices.DECIDED, notices.recipients_of(execution), _("Your report was returned: {title}"),
                execution, notices.execution_url(execution))
    )  # fmt: skip
    return execution


@transaction.atomic
def extension_request(*, actor: Any, execution: Execution, new_deadline: dt.date, reason: str) -> ExtensionRequest:
    """The recipient asks the issuer for a later deadline, with a reason (one request at a time)."""
    execution = _lock(execution)
    _require_recipient(actor, execution)
    _on_control(execution)
    errors: dict[str, Any] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why more time is needed.")
    if new_deadline is None:
        errors["new_deadline"] = _("Give the new deadline.")
    elif new_deadline <= execution.deadline:
        errors["new_deadline"] = _("The new deadline must be later than the current one.")
    elif new_deadline < timezone.localdate():
        errors["new_deadline"] = _("The deadline is in the past.")
    elif (new_deadline - execution.deadline).days > MAX_EXTENSION_DAYS:
        errors["new_deadline"] = _("An extension is at most a year.")
    if execution.status not in OPEN:
        errors["new_deadline"] = _("A deadline is extended only while the work is not yet reported.")
    if ExtensionRequest.objects.filter(execution=execution, status=ExtensionStatus.PENDING).exists():
        errors["new_deadline"] = _("An extension request is already awaiting a decision.")
    if errors:
        raise ValidationError(errors)
    request = ExtensionRequest.objects.create(
        execution=execution,
        requested_by=actor,
        reason=reason,
        old_deadline=execution.deadline,
        new_deadline=new_deadline,
    )
    audit.record(
        actor=actor, verb="assignments.extension_requested", target=execution, org_unit=execution.assignment.org_unit,
        data={"new_deadline": new_deadline.isoformat(), "reason": reason},
    )  # fmt: skip
    transaction.on_commit(
        partial(_tell, notices.EXTENSION, notices.issuer_side(execution.assignment),
                _("A deadline extension is asked for: {title}"), execution, notices.control_url(execution.assignment))
    )  # fmt: skip
    return request


@transaction.atomic
def extension_decide(*, actor: Any, request: ExtensionRequest, approve: bool, note: str = "") -> ExtensionRequest:
    """The issuing side approves (the execution gets the new deadline, reminders and escalation
    start afresh) or refuses (with a reason) an extension request."""
    request = ExtensionRequest.objects.select_for_update(of=("self",)).select_related("execution").get(pk=request.pk)
    execution = _lock(request.execution)
    _require_issuer(actor, execution)
    _on_control(execution)
    if request.status != ExtensionStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why the extension is refused.")})
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    if approve:
        before = execution.deadline
        execution.deadline = request.new_deadline
        execution.reminder_sent_on = None
        execution.escalation_level = 0
        execution.save(update_fields=["deadline", "reminder_sent_on", "escalation_level", "updated_at"])
        ExecutionEvent.objects.create(
            execution=execution, transition="extended", from_status=execution.status, to_status=execution.status,
            actor=actor, note=f"{before:%d.%m.%Y} → {request.new_deadline:%d.%m.%Y}. {note}".strip(),
        )  # fmt: skip
    audit.record(
        actor=actor,
        verb="assignments.extension_approved" if approve else "assignments.extension_refused",
        target=execution,
        org_unit=execution.assignment.org_unit,
        data={"new_deadline": request.new_deadline.isoformat(), "note": note},
    )
    transaction.on_commit(
        partial(_tell, notices.EXTENSION, notices.recipients_of(execution),
                _("Extension approved: {title}") if approve else _("Extension refused: {title}"),
                execution, notices.execution_url(execution))
    )  # fmt: skip
    return request


@transaction.atomic
def report_file_delete(*, actor: Any, item: ExecutionFile) -> None:
    """The recipient removes a file of a report not yet accepted (kept, hidden, audited)."""
    execution = _lock(item.execution)
    _require_recipient(actor, execution)
    if execution.status == ExecutionStatus.ACCEPTED:
        raise ValidationError(_("The files of an accepted report are kept as they are."))
    item.soft_delete(actor=actor)
    audit.record(
        actor=actor, verb="assignments.file_removed", target=execution, org_unit=execution.assignment.org_unit,
        data={"file": item.original_name},
    )  # fmt: skip
