"""Names of what happens in accounts: the audit verbs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountsVerb(models.TextChoices):
    LOGIN = "accounts.login", _("Logged in")
    LOGIN_FAILED = "accounts.login_failed", _("Failed login")
    LOCKED_OUT = "accounts.locked_out", _("Login refused: too many failures")
    LOGOUT = "accounts.logout", _("Logged out")
    TWO_FACTOR_VERIFIED = "accounts.two_factor_verified", _("Second factor verified")
    TWO_FACTOR_FAILED = "accounts.two_factor_failed", _("Wrong second-factor code")
    TWO_FACTOR_ENABLED = "accounts.two_factor_enabled", _("Two-factor login turned on")
    TWO_FACTOR_DISABLED = "accounts.two_factor_disabled", _("Two-factor login turned off")
    PASSWORD_CHANGED = "accounts.password_changed", _("Password changed")
    PASSWORD_RESET_REQUESTED = "accounts.password_reset_requested", _("Password reset requested")
    PASSWORD_RESET = "accounts.password_reset", _("Password set from an e-mailed link")
    PROFILE_CHANGED = "accounts.profile_changed", _("Profile changed")
    USER_CREATED = "accounts.user_created", _("User account created")
    ROLE_GRANTED = "accounts.role_granted", _("Role granted")
    ROLE_REVOKED = "accounts.role_revoked", _("Role revoked")
    API_TOKEN_ISSUED = "accounts.api_token_issued", _("API token created")
    API_TOKEN_REVOKED = "accounts.api_token_revoked", _("API token revoked")
