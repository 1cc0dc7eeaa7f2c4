"""The projects module's actions and which built-in roles hold them.

A primary secretary holds `projects.manage` on their own organisation only (a grant covers the
unit's subtree), so they run their own unit's events and nothing else.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectAction(models.TextChoices):
    VIEW = "projects.view", _("View party projects, events and volunteers")
    MANAGE = "projects.manage", _("Run party projects: events, shifts, attendance and results")


ALL = list(ProjectAction)

ROLE_ACTIONS = {
    "system_admin": ALL,
    "regional_admin": ALL,
    "executive_secretary": ALL,
    "primary_secretary": ALL,
    "deputy": [ProjectAction.VIEW],
    "auditor": [ProjectAction.VIEW],
}
