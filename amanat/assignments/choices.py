"""Statuses and levels of assignments and their executions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ControlLevel(models.TextChoices):
    REGULAR = "regular", _("Regular control")
    STRICT = "strict", _("Strict control")
    CHAIRMAN = "chairman", _("Chairman's control")


class AssignmentStatus(models.TextChoices):
    ON_CONTROL = "on_control", _("On control")
    REMOVED = "removed", _("Removed from control")


class ExecutionStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for rework")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


# Still to be done by the recipient: these run late and are escalated.
OPEN = (ExecutionStatus.ISSUED, ExecutionStatus.IN_PROGRESS, ExecutionStatus.RETURNED)
