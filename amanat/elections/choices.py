from django.db import models
from django.utils.translation import gettext_lazy as _


class ElectionKind(models.TextChoices):
    PRIMARY_MASLIKHAT = "primary_maslikhat", _("Primary: candidates for a maslikhat")
    PRIMARY_MAZHILIS = "primary_mazhilis", _("Primary: candidates for the Mazhilis")
    BRANCH_BODY = "branch_body", _("Election of a branch body")
    DELEGATES = "delegates", _("Election of delegates to a conference")
    POLL = "poll", _("Internal poll")
    AKIM_NOMINEE = "akim_nominee", _("Nominee for a rural akim election")


class Method(models.TextChoices):
    SINGLE = "single", _("One choice")
    APPROVAL = "approval", _("Approval: from 1 to k choices")


class Phase(models.TextChoices):
    """draft → nominations → preparation → frozen → voting → closed → tallied → published.

    `preparation`: the census is frozen and credentials and keys are being made; `frozen`: the
    manifest is fixed and nothing about the rules can change until voting opens.
    """

    DRAFT = "draft", _("Draft")
    NOMINATIONS = "nominations", _("Nominations")
    PREPARATION = "preparation", _("Preparation: census, credentials, keys")
    FROZEN = "frozen", _("Frozen, waiting for the opening")
    VOTING = "voting", _("Voting")
    CLOSED = "closed", _("Closed, waiting for the tally")
    TALLIED = "tallied", _("Tallied, waiting for the trustees")
    PUBLISHED = "published", _("Result published")
    CANCELLED = "cancelled", _("Cancelled")


class CommissionRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary (credential authority)")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class NominatedBy(models.TextChoices):
    SELF = "self", _("Self-nomination")
    PRIMARY = "primary", _("Nominated by a primary organisation")
    COMMISSION = "commission", _("Entered by the commission")


class CandidateStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for the candidate")
    ACCEPTED = "accepted", _("Accepted by the candidate")
    DECLINED = "declined", _("Declined by the candidate")
    VALIDATED = "validated", _("Registered by the commission")
    REJECTED = "rejected", _("Refused by the commission")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TrusteeStatus(models.TextChoices):
    NAMED = "named", _("Named")
    REGISTERED = "registered", _("Key registered")
    DEALT = "dealt", _("Shares dealt")
    READY = "ready", _("Shares checked")
    COMPLAINED = "complained", _("Complained about a share")
