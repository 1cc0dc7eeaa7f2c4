"""The projects module's fixed lists."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    CLEANUP = "cleanup", _("Clean-up")
    TREE_PLANTING = "planting", _("Tree planting")
    CONSULTATION = "consultation", _("Free consultation")
    CHARITY = "charity", _("Charity")
    ACTION = "action", _("Action")
    OTHER = "other", _("Other")


class AgeGroup(models.TextChoices):
    """Young people are 14–35 by the law on state youth policy."""

    UNDER_18 = "under_18", _("14–17")
    YOUTH = "youth", _("18–35")
    OVER_35 = "over_35", _("36 and older")


class SignUpStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


# Sign-ups that hold a place on the shift.
HOLDING = (SignUpStatus.SIGNED_UP, SignUpStatus.ATTENDED, SignUpStatus.NO_SHOW)
