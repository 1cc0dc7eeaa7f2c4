"""What the assignments app registers when Django starts: its actions and the roles that hold them,
its audit verbs, its sweep jobs and notification kinds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

VERBS = {
    "assignments.issued": _("Assignment issued"),
    "assignments.start": _("Assignment taken in hand"),
    "assignments.report": _("Report on an assignment submitted"),
    "assignments.accept": _("Report on an assignment accepted"),
    "assignments.return": _("Report on an assignment returned for rework"),
    "assignments.extension_requested": _("Deadline extension asked for"),
    "assignments.extension_approved": _("Deadline extension approved"),
    "assignments.extension_refused": _("Deadline extension refused"),
    "assignments.removed_from_control": _("Assignment removed from control"),
    "assignments.escalated": _("Overdue assignment escalated"),
    "assignments.file_removed": _("File removed from a report on an assignment"),
}


def register() -> None:
    from amanat.assignments.permissions import ROLE_ACTIONS, AssignmentAction
    from amanat.assignments.services import notices
    from amanat.audit.services import register_verbs
    from amanat.core.permissions import register_actions

    register_actions(AssignmentAction, roles=ROLE_ACTIONS)
    register_verbs(VERBS)
    notices.register_kinds()
    from amanat.assignments import sweeps  # noqa: F401 - registers the sweep job
