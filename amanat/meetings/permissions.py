"""The meetings module's actions and which built-in roles hold them.

A primary secretary's grant sits on their primary organisation, so `meetings.manage` covers only
that organisation's meetings. Recording raised issues registers appeals too, so the recorder also
needs `appeals.register` on the meeting's unit (operators, deputies and secretaries hold it).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingAction(models.TextChoices):
    VIEW = "meetings.view", _("View meetings and their calendar")
    MANAGE = "meetings.manage", _("Plan and hold meetings; write protocols and decisions")
    RECORD_ISSUES = "meetings.record_issues", _("Enter issues raised at field meetings (as appeals)")


ALL = list(MeetingAction)

ROLE_ACTIONS = {
    "system_admin": ALL,
    "regional_admin": ALL,
    "executive_secretary": ALL,
    "primary_secretary": ALL,
    "reception_operator": [MeetingAction.VIEW, MeetingAction.RECORD_ISSUES],
    "deputy": [MeetingAction.VIEW, MeetingAction.RECORD_ISSUES],
    "party_control": [MeetingAction.VIEW],
    "council_secretary": [MeetingAction.VIEW],
    "auditor": [MeetingAction.VIEW],
}
