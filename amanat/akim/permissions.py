"""The akim campaigns module's actions and which built-in roles hold them.

A district branch runs the campaigns in its rural okrugs: its executive secretary holds
`akim.manage` on the branch (a grant covers the unit's subtree) and sees nothing of other districts.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AkimAction(models.TextChoices):
    VIEW = "akim.view", _("View rural akim election campaigns")
    MANAGE = "akim.manage", _("Run rural akim election campaigns: nominee, events, outcome")


ALL = list(AkimAction)

ROLE_ACTIONS = {
    "system_admin": ALL,
    "regional_admin": ALL,
    "executive_secretary": ALL,
    "election_commission": [AkimAction.VIEW],
    "primary_secretary": [AkimAction.VIEW],
    "deputy": [AkimAction.VIEW],
    "auditor": [AkimAction.VIEW],
}
