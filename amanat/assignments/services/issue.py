"""Issuing an assignment to many recipients at once, and removing it from control."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.assignments.choices import AssignmentStatus, ControlLevel
from amanat.assignments.models import Assignment, Execution
from amanat.assignments.permissions import AssignmentAction
from amanat.assignments.services import notices
from amanat.audit import services as audit
from amanat.core.calendar import add_working_days
from amanat.core.permissions import require

MAX_DEADLINE_DAYS = 365
BULK = 1000


def _resolve_deadline(*, today: dt.date, deadline: dt.date | None, deadline_days: int | None) -> dt.date:
    if deadline is not None and deadline_days:
        raise ValidationError({"deadline": _("Give the deadline as a date or as working days, not both.")})
    if deadline_days is not None and deadline is None:
        if not 1 <= int(deadline_days) <= MAX_DEADLINE_DAYS:
            raise ValidationError(
                {"deadline_days": _("Give between 1 and %(max)s working days.") % {"max": MAX_DEADLINE_DAYS}}
            )
        return add_working_days(today, int(deadline_days))
    if deadline is None:
        raise ValidationError({"deadline": _("Give the deadline: a date or a number of working days.")})
    if deadline < today:
        raise ValidationError({"deadline": _("The deadline is in the past.")})
    return deadline


def _recipient_units(org_unit: Any, units: Iterable[Any]) -> list[Any]:
    """Units under the issuing branch (the branch itself cannot be its own recipient)."""
    chosen = list({u.pk: u for u in units if u is not None}.values())
    outside = [u for u in chosen if u.pk == org_unit.pk or not u.path.startswith(org_unit.path)]
    if outside:
        raise ValidationError(
            {
                "unit_recipients": _("Assignments go to units under the issuing branch: %(names)s is not one.")
                % {"names": ", ".join(str(u) for u in outside[:5])}
            }
        )
    return chosen


@transaction.atomic
def assignment_issue(
    *,
    actor: Any,
    org_unit: Any,
    title: str,
    text: str,
    deadline: dt.date | None = None,
    deadline_days: int | None = None,
    control_level: str = ControlLevel.REGULAR,
    unit_recipients: Iterable[Any] = (),
    user_recipients: Iterable[Any] = (),
    source: models.Model | None = None,
    issuer_post: str = "",
    text_kk: str = "",
) -> Assignment:
    """Give an assignment in the name of a branch to many units and/or named people at once.

    One execution per recipient, created in bulk. Refused (nothing changed) without recipients,
    with a deadline in the past, or with a unit outside the issuing branch. `text` is the Russian
    text (`text_kk` the Kazakh one); `source` is any object it comes from (a decision, a meeting).
    """
    errors: dict[str, Any] = {}
    if org_unit is None:
        raise ValidationError({"org_unit": _("Choose the issuing branch.")})
    require(actor, AssignmentAction.ISSUE, org_unit)
    today = timezone.localdate()
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the assignment a title.")
    if control_level not in ControlLevel.values:
        errors["control_level"] = _("Choose the control level.")
    try:
        due = _resolve_deadline(today=today, deadline=deadline, deadline_days=deadline_days)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        due = None
    try:
        units = _recipient_units(org_unit, unit_recipients)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        units = []
    users = list({u.pk: u for u in user_recipients if u is not None and u.is_active}.values())
    if not units and not users and "unit_recipients" not in errors:
        errors["unit_recipients"] = _("Choose at least one recipient: units, people or both.")
    if errors:
        raise ValidationError(errors)

    type(org_unit).objects.select_for_update().filter(pk=org_unit.pk).first()  # one issue at a time per unit
    source_type = ContentType.objects.get_for_model(source, for_concrete_model=True) if source is not None else None
    if repeat := _same_issued_today(
        actor, org_unit, title[:500], text or "", due, control_level, source_type, source, units, users, today
    ):
        return repeat  # the same form sent again (a second click): issued already, told already
    assignment = Assignment.objects.create(
        org_unit=org_unit,
        issued_by=actor,
        issuer_post=(issuer_post or "")[:200],
        title=title[:500],
        text_ru=text or "",
        text_kk=text_kk or "",
        issued_on=today,
        deadline=due,
        control_level=control_level,
        source_type=source_type,
        source_id=source.pk if source is not None else None,
        recipients_total=len(units) + len(users),
    )
    now = timezone.now()
    rows = [Execution(assignment=assignment, recipient_unit=u, deadline=due, created_at=now) for u in units]
    rows += [Execution(assignment=assignment, recipient_user=u, deadline=due, created_at=now) for u in users]
    Execution.objects.bulk_create(rows, batch_size=BULK)
    audit.record(
        actor=actor,
        verb="assignments.issued",
        target=assignment,
        data={"units": len(units), "people": len(users), "deadline": due.isoformat(),
              "source": f"{assignment.source_type_id}:{assignment.source_id}" if source is not None else ""},
    )  # fmt: skip
    transaction.on_commit(partial(_tell_recipients, assignment.pk))
    return assignment


def _same_issued_today(
    actor: Any, org_unit: Any, title: str, text: str, due: Any, control_level: str, source_type: Any, source: Any,
    units: list[Any], users: list[Any], today: Any,
) -> Assignment | None:  # fmt: skip
    """The assignment the actor issued today with exactly these words, deadline, source and
    recipients, if any (a repeated submission, not a new assignment)."""
    candidates = Assignment.objects.filter(
        org_unit=org_unit, issued_by=actor, issued_on=today, title=title, text_ru=text, deadline=due,
        control_level=control_level, source_type=source_type, source_id=source.pk if source is not None else None,
        recipients_total=len(units) + len(users),
    )  # fmt: skip
    wanted = ({u.pk for u in units}, {u.pk for u in users})
    for candidate in candidates:
        got = candidate.executions.values_list("recipient_unit_id", "recipient_user_id")
        if ({u for u, _p in got if u}, {p for _u, p in got if p}) == wanted:
            return candidate
    return None


def _tell_recipients(assignment_id: int) -> None:
    from amanat.notifications.services import notify

    assignment = Assignment.objects.select_related("org_unit").get(pk=assignment_id)
    unit_ids = list(
        Execution.objects.filter(assignment=assignment, recipient_unit__isnull=False).values_list(
            "recipient_unit_id", flat=True
        )
    )
    people: dict[int, Any] = {}
    for users in notices.unit_executors(unit_ids).values():
        people.update({u.pk: u for u in users})
    from django.contrib.auth import get_user_model

    named = get_user_model().objects.filter(
        pk__in=Execution.objects.filter(assignment=assignment, recipient_user__isnull=False).values("recipient_user_id")
    )
    people.update({u.pk: u for u in named})
    notify(
        recipients=people.values(),
        kind=notices.ISSUED,
        title=_("New assignment: {title}"),
        body=_("From {unit}, deadline {deadline}."),
        url=str(_mine_url()),
        target=assignment,
        context={
            "title": assignment.title,
            "unit": str(assignment.org_unit),
            "deadline": f"{assignment.deadline:%d.%m.%Y}",
        },
    )


def _mine_url() -> str:
    from django.urls import reverse

    return reverse("assignments:mine")


@transaction.atomic
def assignment_remove_from_control(*, actor: Any, assignment: Assignment, reason: str) -> Assignment:
    """Take an assignment off control (only the issuing side, with a reason): no more reminders,
    escalations or reports; kept with who, when and why."""
    require(actor, AssignmentAction.ACCEPT, assignment.org_unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the assignment is removed from control.")})
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status != AssignmentStatus.ON_CONTROL:
        raise ValidationError({"reason": _("The assignment is already removed from control.")})
    locked.status = AssignmentStatus.REMOVED
    locked.removed_at = timezone.now()
    locked.removed_by = actor
    locked.removal_reason = reason
    locked.save(update_fields=["status", "removed_at", "removed_by", "removal_reason", "updated_at"])
    audit.record(
        actor=actor,
        verb="assignments.removed_from_control",
        target=locked,
        changes={"status": [AssignmentStatus.ON_CONTROL, AssignmentStatus.REMOVED]},
        data={"reason": reason},
    )
    assignment.refresh_from_db()
    return assignment
