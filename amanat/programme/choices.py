"""The programme module's fixed lists."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    DIRECTION = "direction", _("Direction")
    COMMITMENT = "commitment", _("Commitment")
    ROADMAP = "roadmap", _("Road-map item")


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")
    CANCELLED = "cancelled", _("Cancelled")
    UNVERIFIABLE = "unverifiable", _("Cannot be verified")


class Direction(models.TextChoices):
    """Which way an indicator gets better."""

    MORE = "more", _("More is better")
    LESS = "less", _("Less is better")


class BudgetSource(models.TextChoices):
    REPUBLICAN = "republican", _("Republican budget")
    LOCAL = "local", _("Local budget")
    NATIONAL_FUND = "national_fund", _("National Fund")
    PRIVATE = "private", _("Private investment")
    OTHER = "other", _("Other")


class ReportState(models.TextChoices):
    """A report is only the responsible body's claim until party control gives its verdict."""

    CLAIMED = "claimed", _("Claimed, not yet verified")
    CONFIRMED = "confirmed", _("Confirmed")
    PARTLY = "partly", _("Partly confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")


VERDICTS = (ReportState.CONFIRMED, ReportState.PARTLY, ReportState.NOT_CONFIRMED)


class EvidenceKind(models.TextChoices):
    REPORT = "report", _("Evidence of the report")
    VERDICT = "verdict", _("Evidence of the verification")
