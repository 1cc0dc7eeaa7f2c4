"""The assignments module's actions and which built-in roles hold them.

- `assignments.view` on the issuing branch (or above) shows its assignments and every recipient;
- `assignments.issue` on a branch issues assignments in its name to units under it and to people;
- `assignments.accept` on the issuing branch (or above) accepts or returns reports, decides
  extensions and removes an assignment from control;
- `assignments.execute`: a recipient's work. A unit's assignments are carried out by those who hold
  `execute` and `view` through a grant on that very unit (its secretary), not by everyone above it;
  a person named as recipient always sees their own execution.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentAction(models.TextChoices):
    VIEW = "assignments.view", _("View assignments and their execution")
    ISSUE = "assignments.issue", _("Issue assignments")
    EXECUTE = "assignments.execute", _("Carry out assignments and report on them")
    ACCEPT = "assignments.accept", _("Accept or return reports on assignments")


ALL = list(AssignmentAction)

ROLE_ACTIONS = {
    "system_admin": ALL,
    "regional_admin": ALL,
    "executive_secretary": ALL,
    "primary_secretary": [AssignmentAction.VIEW, AssignmentAction.EXECUTE],
    "deputy": [AssignmentAction.EXECUTE],
    "party_control": [AssignmentAction.VIEW],
    "auditor": [AssignmentAction.VIEW],
}
