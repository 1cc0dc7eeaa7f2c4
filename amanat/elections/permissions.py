"""The elections module's actions and which built-in roles hold them.

Secrecy does not rest on these: nobody who can run the server, whatever their role, can read a
vote (ELECTIONS.md). The actions decide who may administer an election (the commission), who may
see the staff pages, and who validates nominations.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ElectionAction(models.TextChoices):
    VIEW = "elections.view", _("View intra-party elections and their commissions")
    MANAGE = "elections.manage", _("Run intra-party elections: timetable, census, nominations, tally")


ALL = list(ElectionAction)

ROLE_ACTIONS = {
    "system_admin": ALL,
    "regional_admin": ALL,
    "executive_secretary": ALL,
    "election_commission": ALL,
    "primary_secretary": [ElectionAction.VIEW],
    "auditor": [ElectionAction.VIEW],
}
