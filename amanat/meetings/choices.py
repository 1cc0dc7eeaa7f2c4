"""Kinds and statuses of meetings, roles of participants, answers to invitations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    FIELD_MEETING = "field_meeting", _("Field meeting with the population")
    MOBILE_RECEPTION = "mobile_reception", _("Mobile reception")
    PARTY_ACTIV = "party_activ", _("Party activ")
    BUREAU = "bureau", _("Bureau session")
    POLITICAL_COUNCIL = "political_council", _("Political council")
    PRIMARY = "primary", _("Primary organisation meeting")
    FACTION = "faction", _("Faction meeting")
    PUBLIC_COUNCIL = "public_council", _("Public council session")


# Kinds where people bring their problems: their raised issues become appeals.
ISSUE_KINDS = frozenset({MeetingKind.FIELD_MEETING, MeetingKind.MOBILE_RECEPTION})


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    PROTOCOL_SIGNED = "protocol_signed", _("Protocol signed")
    CANCELLED = "cancelled", _("Cancelled")


class ParticipantRole(models.TextChoices):
    DEPUTY = "deputy", _("Deputy")
    OFFICIAL = "official", _("Official")
    COUNCIL_MEMBER = "council_member", _("Council member")
    MEMBER = "member", _("Party member")
    STAFF = "staff", _("Party staff")
    GUEST = "guest", _("Guest")


class Response(models.TextChoices):
    NONE = "", _("Not invited")
    PENDING = "pending", _("Invited, no answer yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ProtocolLanguage(models.TextChoices):
    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")
