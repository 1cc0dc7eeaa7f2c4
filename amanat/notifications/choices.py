"""Channels a notification travels by, and the states of a delivery."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the platform")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


# Channels a user can switch on or off; the in-app list always gets everything.
OPTIONAL_CHANNELS = (Channel.EMAIL, Channel.SMS)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class BuiltinKind(models.TextChoices):
    """Kinds registered by the platform itself (apps register theirs in `AppConfig.ready`)."""

    SYSTEM_MESSAGE = "system.message", _("Messages from the administrators")
    ROLE_GRANTED = "accounts.role_granted", _("A role was granted to me")
