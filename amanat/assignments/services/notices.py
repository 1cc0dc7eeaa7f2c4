"""Who hears about an execution, and the notification kinds of the module."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from amanat.notifications.registry import register_kind

ISSUED = "assignments.issued"
REPORTED = "assignments.reported"
DECIDED = "assignments.decided"
EXTENSION = "assignments.extension"
REMINDER = "assignments.due"
OVERDUE = "assignments.overdue"


def register_kinds() -> None:
    register_kind(ISSUED, _("An assignment was given to me or my organisation"))
    register_kind(REPORTED, _("A report on an assignment I issued"))
    register_kind(DECIDED, _("My report on an assignment was accepted or returned"))
    register_kind(EXTENSION, _("A deadline extension of an assignment was asked for or decided"))
    register_kind(REMINDER, _("An assignment is due soon"))
    register_kind(OVERDUE, _("An assignment is overdue"))


def unit_executors(unit_ids: Iterable[int]) -> dict[int, list[Any]]:
    """Active users who carry out each unit's assignments (a grant on the unit itself with a role
    that sees and executes assignments): {unit id: [users]} in one query."""
    from amanat.accounts.models import RoleGrant
    from amanat.assignments.permissions import AssignmentAction

    ids = list(set(unit_ids))
    found: dict[int, list[Any]] = {uid: [] for uid in ids}
    if not ids:
        return found
    grants = (
        RoleGrant.objects.active()
        .filter(org_unit_id__in=ids, user__is_active=True)
        .select_related("user", "role")
        .order_by("org_unit_id", "user_id")
    )
    for grant in grants:
        actions = grant.role.actions or []
        executes = AssignmentAction.EXECUTE.value in actions and AssignmentAction.VIEW.value in actions
        if executes and all(u.pk != grant.user_id for u in found[grant.org_unit_id]):
            found[grant.org_unit_id].append(grant.user)
    return found


def recipients_of(execution: Any) -> list[Any]:
    if execution.recipient_user_id:
        return [execution.recipient_user]
    return unit_executors([execution.recipient_unit_id])[execution.recipient_unit_id]


def issuer_side(assignment: Any) -> list[Any]:
    """The person who issued it and the executive secretaries of the issuing branch."""
    from amanat.appeals.notifications import role_holders

    people = [
        assignment.issued_by,
        *role_holders("executive_secretary", [assignment.org_unit_id])[assignment.org_unit_id],
    ]
    return list({u.pk: u for u in people if u is not None}.values())


def head_of(execution: Any) -> list[Any]:
    """The head of the recipient's unit: the executive secretary of the nearest branch above a
    primary (for a named person, of the issuing branch)."""
    from amanat.appeals.notifications import nearest_role_holders

    unit = execution.recipient_unit if execution.recipient_unit_id else execution.assignment.org_unit
    if execution.recipient_unit_id:
        parent = type(unit).objects.get_parent(unit)
        unit = parent or unit
    return nearest_role_holders("executive_secretary", unit)


def execution_url(execution: Any) -> str:
    return reverse("assignments:execution", args=[execution.pk])


def control_url(assignment: Any) -> str:
    return reverse("assignments:detail", args=[assignment.pk])
