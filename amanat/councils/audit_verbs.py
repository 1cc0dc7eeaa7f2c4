"""Audit verbs of the councils module, with the words the audit log shows."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "councils.council_created": _("Public council created"),
    "councils.council_updated": _("Public council changed"),
    "councils.member_added": _("Council member added"),
    "councils.member_term_ended": _("Council member's term ended"),
    "councils.session_created": _("Council session scheduled"),
    "councils.session_updated": _("Council session changed"),
    "councils.attendance_recorded": _("Council session attendance recorded"),
    "councils.recommendation_drafted": _("Council recommendation drafted"),
    "councils.votes_recorded": _("Votes on a council recommendation recorded"),
    "councils.recommendation_transition": _("Council recommendation moved to a new stage"),
    "councils.progress_noted": _("Progress of a council recommendation noted"),
    "councils.recommendation_overdue": _("No response to a council recommendation by its deadline"),
    "councils.recommendation_escalated": _("Overdue council recommendation escalated"),
}
