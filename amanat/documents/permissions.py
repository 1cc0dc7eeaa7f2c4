"""The documents module's actions and which built-in roles hold them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentAction(models.TextChoices):
    VIEW = "documents.view", _("View party documents and the assignments they created")
    MANAGE = "documents.manage", _("Add and edit party documents and their versions")


ALL = list(DocumentAction)

ROLE_ACTIONS = {
    "system_admin": ALL,
    "regional_admin": ALL,
    "executive_secretary": ALL,
    "primary_secretary": [DocumentAction.VIEW],
    "deputy": [DocumentAction.VIEW],
    "party_control": [DocumentAction.VIEW],
    "auditor": [DocumentAction.VIEW],
}
