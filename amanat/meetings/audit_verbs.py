"""Audit verbs of the meetings module, with the words the audit log shows."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "meetings.created": _("Meeting planned"),
    "meetings.updated": _("Meeting changed"),
    "meetings.deleted": _("Meeting deleted"),
    "meetings.transition": _("Meeting status changed"),
    "meetings.participant_added": _("Participant added to a meeting"),
    "meetings.invitation_answered": _("Invitation to a meeting answered"),
    "meetings.attendance_recorded": _("Attendance of a meeting recorded"),
    "meetings.agenda_added": _("Agenda item added"),
    "meetings.decision_added": _("Decision of a meeting added"),
    "meetings.file_added": _("File added to a meeting"),
    "meetings.file_removed": _("File removed from a meeting"),
    "meetings.participant_removed": _("Participant removed from a meeting"),
    "meetings.issue_recorded": _("Issue raised at a meeting registered as an appeal"),
    "meetings.feed_created": _("Calendar feed link created"),
    "meetings.feed_revoked": _("Calendar feed link revoked"),
}
