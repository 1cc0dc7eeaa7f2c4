"""The programme module's actions and which built-in roles hold them.

Officials of state bodies report on the items their body answers for: they hold
`programme.report` (role "state_reporter", granted on the branch that controls the items), and
`selectors.reportable_items` keeps them to their own body's items (their current posts, through
their person record).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeAction(models.TextChoices):
    VIEW = "programme.view", _("View the election programme and its control")
    MANAGE = "programme.manage", _("Edit programmes, items and indicators; import road maps")
    REPORT = "programme.report", _("Report on items for a state body")
    VERIFY = "programme.verify", _("Verify reports (party control)")
    OVERRIDE = "programme.override", _("Set an item's status by hand, with a reason")


ALL = list(ProgrammeAction)

ROLE_ACTIONS = {
    "system_admin": ALL,
    "regional_admin": ALL,
    "executive_secretary": ALL,
    "party_control": [ProgrammeAction.VIEW, ProgrammeAction.VERIFY, ProgrammeAction.OVERRIDE],
    "deputy": [ProgrammeAction.VIEW, ProgrammeAction.VERIFY],
    "state_reporter": [ProgrammeAction.REPORT],
    "auditor": [ProgrammeAction.VIEW],
}
