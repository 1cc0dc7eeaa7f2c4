"""Kinds of party document."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    CHARTER = "charter", _("Charter")
    CONGRESS_DECISION = "congress_decision", _("Congress decision")
    BUREAU_DECISION = "bureau_decision", _("Bureau decision")
    POLITICAL_COUNCIL_DECISION = "council_decision", _("Political council decision")
    PROGRAMME = "programme", _("Programme")
    OTHER = "other", _("Other document")
