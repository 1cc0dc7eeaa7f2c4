"""Reads of the assignments module: what a user sees, what is theirs to do, how a source went."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from amanat.assignments.choices import OPEN, ExecutionStatus
from amanat.assignments.models import Assignment, Execution
from amanat.assignments.permissions import AssignmentAction
from amanat.core.permissions import get_visible_or_404, grants_for, has_action


def executing_unit_ids(user: Any) -> list[int]:
    """Units whose assignments the user carries out: those granted to them directly with a role
    that both sees and executes assignments (a unit's secretary, not everyone above it)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_amanat_executing_units", None)
    if cached is not None:
        return cached
    from amanat.accounts.models import RoleGrant

    rows = RoleGrant.objects.active().filter(user=user).order_by().values_list("org_unit_id", "role__actions")
    ids = sorted(
        {
            unit_id
            for unit_id, actions in rows
            if AssignmentAction.EXECUTE.value in actions and AssignmentAction.VIEW.value in actions
        }
    )
    user._amanat_executing_units = ids
    return ids


def mine_q(user: Any) -> Q:
    units = executing_unit_ids(user)
    q = Q(recipient_user_id=user.pk)
    if units:
        q |= Q(recipient_unit_id__in=units)
    return q


def my_executions(user: Any) -> QuerySet[Execution]:
    """Every execution the user carries out (their units' and their own), overdue first."""
    if not getattr(user, "is_authenticated", False):
        return Execution.objects.none()
    return Execution.objects.filter(mine_q(user)).filter(assignment__status="on_control")


def overdue_q(today: Any = None) -> Q:
    return Q(status__in=OPEN, deadline__lt=today or timezone.localdate())


def with_counts(queryset: QuerySet[Assignment], today: Any = None) -> QuerySet[Assignment]:
    """Annotate assignments with recipients total, reported, done (accepted) and overdue."""
    today = today or timezone.localdate()
    return queryset.annotate(
        n_total=Count("executions"),
        n_done=Count("executions", filter=Q(executions__status=ExecutionStatus.ACCEPTED)),
        n_reported=Count("executions", filter=Q(executions__status=ExecutionStatus.REPORTED)),
        n_overdue=Count("executions", filter=Q(executions__status__in=OPEN, executions__deadline__lt=today)),
    )


def counts_for(ids: list[int], today: Any = None) -> dict[int, dict[str, int]]:
    """The same counts for a page of assignments in one grouped query (no join with assignments)."""
    today = today or timezone.localdate()
    rows = (
        Execution.objects.filter(assignment_id__in=ids)
        .order_by()
        .values("assignment_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=ExecutionStatus.ACCEPTED)),
            reported=Count("id", filter=Q(status=ExecutionStatus.REPORTED)),
            overdue=Count("id", filter=Q(status__in=OPEN, deadline__lt=today)),
        )
    )
    found = {row["assignment_id"]: row for row in rows}
    empty = {"total": 0, "done": 0, "reported": 0, "overdue": 0}
    return {pk: found.get(pk, empty) for pk in ids}


def assignments_from(source: Any) -> QuerySet[Assignment]:
    """The assignments created from a source object (a decision, a meeting, a session), newest
    first, each annotated with n_total, n_done (accepted), n_reported and n_overdue."""
    source_type = ContentType.objects.get_for_model(source, for_concrete_model=True)
    return with_counts(
        Assignment.objects.filter(source_type=source_type, source_id=source.pk).select_related("org_unit")
    ).order_by("-issued_on", "-id")


def assignments_for(user: Any) -> QuerySet[Assignment]:
    """Assignments issued by branches in the user's scope."""
    return Assignment.objects.visible_to(user, AssignmentAction.VIEW)


def assignment_get(*, actor: Any, pk: Any, action: str = AssignmentAction.VIEW) -> Assignment:
    """One assignment on the issuer's side (view or act); out of scope answers 404."""
    return get_visible_or_404(Assignment.objects.select_related("org_unit", "issued_by"), actor, action, pk=pk)


def execution_get(*, actor: Any, pk: Any) -> Execution:
    """One execution for its recipient or for the issuer's side; anyone else gets 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    execution = (
        Execution.objects.select_related(
            "assignment__org_unit", "assignment__issued_by", "recipient_unit", "recipient_user"
        )
        .filter(pk=pk)
        .first()
    )
    if execution is None:
        raise Http404
    if is_recipient(actor, execution) or has_action(actor, AssignmentAction.VIEW, execution.assignment.org_unit):
        return execution
    raise Http404


def is_recipient(user: Any, execution: Execution) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if execution.recipient_user_id:
        return execution.recipient_user_id == user.pk
    return execution.recipient_unit_id in executing_unit_ids(user)


def is_issuer_side(user: Any, assignment: Assignment) -> bool:
    return has_action(user, AssignmentAction.ACCEPT, assignment.org_unit)


def may_see_any(user: Any) -> bool:
    return grants_for(user).has_anywhere(AssignmentAction.VIEW)
