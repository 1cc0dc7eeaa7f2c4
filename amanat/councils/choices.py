"""The councils module's fixed lists."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    NGO = "ngo", _("NGO representative")
    EXPERT = "expert", _("Expert")
    DEPUTY = "deputy", _("Deputy")
    BUSINESS = "business", _("Business representative")
    OTHER = "other", pgettext_lazy("council member kind", "Other")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY_CHAIR = "deputy_chair", _("Deputy chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class VoteChoice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("council recommendation", "Draft")
    ADOPTED = "adopted", pgettext_lazy("council recommendation", "Adopted")
    NOT_ADOPTED = "not_adopted", pgettext_lazy("council recommendation", "Not adopted")
    SENT = "sent", pgettext_lazy("council recommendation", "Sent to the addressee")
    ANSWERED = "answered", pgettext_lazy("council recommendation", "Answered")
    IMPLEMENTED = "implemented", pgettext_lazy("council recommendation", "Implemented")
    NOT_IMPLEMENTED = "not_implemented", pgettext_lazy("council recommendation", "Not implemented")
    ASSESSED = "assessed", pgettext_lazy("council recommendation", "Assessed by the council")


class ResponseKind(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("response to a recommendation", "Accepted")
    PARTLY = "partly", pgettext_lazy("response to a recommendation", "Partly accepted")
    REJECTED = "rejected", pgettext_lazy("response to a recommendation", "Rejected")


class Assessment(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    PARTLY = "partly", _("Partly satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")
