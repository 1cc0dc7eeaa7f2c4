"""The akim campaigns module's fixed lists."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    NOMINEE_CHOSEN = "nominee_chosen", _("Nominee chosen")
    REGISTERED = "registered", _("Nominee registered")
    CAMPAIGNING = "campaigning", _("Campaigning")
    RESULT = "result", _("Result known")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChosenBy(models.TextChoices):
    INTERNAL_VOTE = "internal_vote", _("Internal vote of members")
    DECISION = "decision", _("Decision of a party body")


class DecisionBody(models.TextChoices):
    BUREAU = "bureau", _("Bureau of the political council")
    POLITICAL_COUNCIL = "political_council", _("Political council")
    CONFERENCE = "conference", _("Conference")


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Meeting with voters")
    DOOR_TO_DOOR = "door_to_door", _("Door-to-door visits")
    DEBATE = "debate", _("Debate")
    OTHER = "other", _("Other")


class NominatedBy(models.TextChoices):
    PARTY = "party", _("A political party")
    SELF = "self", _("Self-nominated")
    ASSOCIATION = "association", _("A public association")


class Outcome(models.TextChoices):
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    SECOND_ROUND = "second_round", _("Goes to a second round")


FINAL_OUTCOMES = (Outcome.WON, Outcome.LOST)
