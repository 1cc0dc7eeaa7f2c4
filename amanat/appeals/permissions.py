"""The appeals app's actions and which built-in roles hold them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealAction(models.TextChoices):
    VIEW = "appeals.view", _("View appeals")
    VIEW_APPLICANT = "appeals.view_applicant", _("See applicants' contacts")
    VIEW_IIN = "appeals.view_iin", _("See an applicant's full IIN (audited)")
    REGISTER = "appeals.register", _("Register appeals brought to a reception")
    ASSIGN = "appeals.assign", _("Assign appeals to executors")
    WORK = "appeals.work", _("Work on appeals: forward, pause, answer")
    APPROVE_EXTENSION = "appeals.approve_extension", _("Approve deadline extensions")
    CLOSE = "appeals.close", _("Close, dismiss and reopen appeals")
    MERGE = "appeals.merge", _("Link and merge repeated appeals")
    REVIEW = "appeals.review", _("Review appeals the applicant rated low (party control)")
    MANAGE_ROUTING = "appeals.manage_routing", _("Edit categories, routing and deadline policies")
    MANAGE_RECEPTIONS = "appeals.manage_receptions", _("Manage receptions, hours and bookings")
    HOST_RECEPTION = "appeals.host_reception", _("Hold reception hours")


ALL = list(AppealAction)

ROLE_ACTIONS = {
    "system_admin": ALL,
    "regional_admin": ALL,
    "executive_secretary": ALL,
    "reception_operator": [
        AppealAction.VIEW,
        AppealAction.VIEW_APPLICANT,
        AppealAction.REGISTER,
        AppealAction.ASSIGN,
        AppealAction.WORK,
        AppealAction.CLOSE,
        AppealAction.MERGE,
        AppealAction.MANAGE_RECEPTIONS,
    ],
    "deputy": [
        AppealAction.VIEW,
        AppealAction.VIEW_APPLICANT,
        AppealAction.REGISTER,
        AppealAction.WORK,
        AppealAction.HOST_RECEPTION,
    ],
    "party_control": [AppealAction.VIEW, AppealAction.REVIEW],
    "auditor": [AppealAction.VIEW],
}
