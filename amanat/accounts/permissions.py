from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountsAction(models.TextChoices):
    VIEW_USER = "accounts.view_user", _("View users and their roles")
    MANAGE_GRANTS = "accounts.manage_grants", _("Grant and revoke roles")
    VIEW_AUDIT = "accounts.view_audit", _("Read the audit log")
