"""The councils module's actions and which built-in roles hold them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CouncilAction(models.TextChoices):
    VIEW = "councils.view", _("View public councils, their sessions and recommendations")
    MANAGE = "councils.manage", _("Run public councils: members, sessions, votes, recommendations")


ALL = list(CouncilAction)

ROLE_ACTIONS = {
    "system_admin": ALL,
    "regional_admin": ALL,
    "executive_secretary": ALL,
    "council_secretary": ALL,
    "deputy": [CouncilAction.VIEW],
    "party_control": [CouncilAction.VIEW],
    "auditor": [CouncilAction.VIEW],
}
