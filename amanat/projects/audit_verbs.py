"""Audit verbs of the projects module, with the words the audit log shows."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "projects.project_created": _("Party project added"),
    "projects.project_updated": _("Party project changed"),
    "projects.project_deleted": _("Party project removed"),
    "projects.kpi_created": _("Project indicator added"),
    "projects.kpi_updated": _("Project indicator changed"),
    "projects.event_created": _("Project event added"),
    "projects.event_updated": _("Project event changed"),
    "projects.event_deleted": _("Project event removed"),
    "projects.shift_created": _("Event shift added"),
    "projects.shift_updated": _("Event shift changed"),
    "projects.signup_created": _("Volunteer signed up"),
    "projects.signup_transition": _("Volunteer sign-up status changed"),
    "projects.result_saved": _("Event result saved"),
}
