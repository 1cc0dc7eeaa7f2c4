"""Intra-party elections as data (design: ELECTIONS.md; formats: docs/elections-protocol.md).

What the server holds never lets it read a vote: ballots are encrypted under a key that only t of
the n trustees together can use, and each ballot is signed with a credential whose secret the
server never saw. The bulletin board (`BoardEntry`) is the public record; everything else here is
its working copy for pages and queries.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from amanat.core.i18n import translated
from amanat.core.models import TimeStampedModel
from amanat.core.permissions import ScopedQuerySet
from amanat.elections.choices import (
    CandidateStatus,
    CommissionRole,
    ElectionKind,
    Method,
    NominatedBy,
    Phase,
    TrusteeStatus,
)
from amanat.org.models import Member, OrgUnit


class Election(TimeStampedModel):
    """One contest: a primary, an election of a body or delegates, a poll or an akim nominee."""

    uuid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="elections"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ElectionKind.choices)
    title_kk = models.CharField(_("title (kk)"), max_length=300)
    title_ru = models.CharField(_("title (ru)"), max_length=300)
    title_en = models.CharField(_("title (en)"), max_length=300, blank=True)
    description_kk = models.TextField(_("description (kk)"), blank=True)
    description_ru = models.TextField(_("description (ru)"), blank=True)
    description_en = models.TextField(_("description (en)"), blank=True)
    # Rules (fixed at the freeze).
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, default=Method.SINGLE)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    min_choices = models.PositiveSmallIntegerField(_("fewest choices on a ballot"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("most choices on a ballot"), default=1)
    joined_before = models.DateField(_("members who joined before"))
    min_unit_voters = models.PositiveIntegerField(_("fewest voters for a unit's own result"), default=20)
    threshold = models.PositiveSmallIntegerField(_("trustees needed to decrypt"), default=3)
    # Timetable.
    nominations_open_at = models.DateTimeField(_("nominations open"), null=True, blank=True)
    nominations_close_at = models.DateTimeField(_("nominations close"), null=True, blank=True)
    voting_opens_at = models.DateTimeField(_("voting opens"))
    voting_closes_at = models.DateTimeField(_("voting closes"))
    # State.
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.DRAFT)
    census_hash = models.CharField(max_length=64, blank=True, editable=False)
    census_count = models.PositiveIntegerField(default=0, editable=False)
    credentials_hash = models.CharField(max_length=64, blank=True, editable=False)
    public_key = models.CharField(_("election public key"), max_length=66, blank=True, editable=False)
    manifest = models.TextField(blank=True, editable=False)  # canonical JSON, once frozen
    manifest_hash = models.CharField(max_length=64, blank=True, editable=False)
    result = models.JSONField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    title = translated("title")
    description = translated("description")
    objects = ScopedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-voting_opens_at", "pk"]
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        constraints = [
            models.CheckConstraint(
                condition=Q(voting_closes_at__gt=models.F("voting_opens_at")), name="election_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(min_choices__lte=models.F("max_choices")), name="election_choices_range"
            ),
            models.CheckConstraint(condition=Q(threshold__gte=1), name="election_threshold_positive"),
        ]

    def __str__(self) -> str:
        return str(self.title)


class CommissionMember(TimeStampedModel):
    """A member of the election's commission. The secretary is the credential authority."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="commission")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=CommissionRole.choices)

    objects = ScopedQuerySet.as_manager()
    scope_field = "election__unit"

    class Meta:
        ordering = ["election", "role", "pk"]
        verbose_name = _("commission member")
        verbose_name_plural = _("commission members")
        constraints = [
            models.UniqueConstraint(fields=["election", "user"], name="commission_member_once"),
            models.UniqueConstraint(
                fields=["election"], condition=Q(role="secretary"), name="commission_one_secretary"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Candidate(TimeStampedModel):
    """A ballot option: a nominated member, or a poll answer (no member, a label instead)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label_kk = models.CharField(_("answer (kk)"), max_length=300, blank=True)
    label_ru = models.CharField(_("answer (ru)"), max_length=300, blank=True)
    label_en = models.CharField(_("answer (en)"), max_length=300, blank=True)
    nominated_by = models.CharField(_("nominated by"), max_length=16, choices=NominatedBy.choices)
    nominating_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("nominating organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=CandidateStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    biography_kk = models.TextField(_("biography (kk)"), blank=True)
    biography_ru = models.TextField(_("biography (ru)"), blank=True)
    biography_en = models.TextField(_("biography (en)"), blank=True)
    programme_kk = models.TextField(_("programme (kk)"), blank=True)
    programme_ru = models.TextField(_("programme (ru)"), blank=True)
    programme_en = models.TextField(_("programme (en)"), blank=True)
    position = models.PositiveSmallIntegerField(_("order on the ballot"), default=0)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    label = translated("label")
    biography = translated("biography")
    programme = translated("programme")
    objects = ScopedQuerySet.as_manager()
    scope_field = "election__unit"

    class Meta:
        ordering = ["election", "position", "pk"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "member"],
                condition=Q(member__isnull=False) & ~Q(status__in=["declined", "rejected", "withdrawn"]),
                name="candidate_once_per_election",
            ),
        ]

    def __str__(self) -> str:
        return str(self.member.person) if self.member_id else str(self.label)


def candidate_document_path(instance: CandidateDocument, filename: str) -> str:
    return f"elections/{instance.candidate.election_id}/candidates/{instance.candidate_id}/{uuid.uuid4().hex}"


class CandidateDocument(TimeStampedModel):
    """A nomination document (application, consent, decision of the primary organisation)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=candidate_document_path)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["candidate", "pk"]

    def __str__(self) -> str:
        return self.title


class CensusEntry(models.Model):
    """One eligible member, frozen with the census. `tally_unit` is the child of the election's unit
    (or the unit itself) under which the member's ballot is tallied for per-unit results."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="census")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    member_number = models.CharField(max_length=32)
    tally_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["election", "member_number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="census_member_once"),
            models.UniqueConstraint(fields=["election", "member_number"], name="census_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_number}"


class Credential(models.Model):
    """A public credential from the credential authority. The first ballot binds it to the member
    who cast it; from then on only that member may cast under it, and that member under no other."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="credentials")
    public = models.CharField(max_length=64)
    voter = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    tally_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    first_cast_at = models.DateTimeField(null=True, blank=True)
    last_cast_at = models.DateTimeField(null=True, blank=True)
    ballots_cast = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["election", "public"]
        constraints = [
            models.UniqueConstraint(fields=["election", "public"], name="credential_once"),
            models.UniqueConstraint(
                fields=["election", "voter"], condition=Q(voter__isnull=False), name="credential_one_per_voter"
            ),
        ]

    def __str__(self) -> str:
        return self.public


class Trustee(TimeStampedModel):
    """A holder of a share of the election key (t of n are needed to decrypt)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="trustees")
    index = models.PositiveSmallIntegerField(_("number"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name as published"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=TrusteeStatus.choices, default=TrusteeStatus.NAMED)
    public = models.CharField(max_length=66, blank=True)  # E_i
    registration = models.JSONField(null=True, blank=True)
    deal = models.JSONField(null=True, blank=True)
    shares_check = models.JSONField(null=True, blank=True)
    verification_key = models.CharField(max_length=66, blank=True)  # Y_i

    objects = ScopedQuerySet.as_manager()
    scope_field = "election__unit"

    class Meta:
        ordering = ["election", "index"]
        verbose_name = _("trustee")
        verbose_name_plural = _("trustees")
        constraints = [
            models.UniqueConstraint(fields=["election", "index"], name="trustee_index_once"),
            models.UniqueConstraint(fields=["election", "user"], name="trustee_user_once"),
        ]

    def __str__(self) -> str:
        return f"{self.index}. {self.name}"


class Ballot(models.Model):
    """A cast ballot as it stands on the board. The last one per credential counts."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="ballots")
    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="ballots")
    tracker = models.CharField(max_length=64)
    body = models.TextField()  # canonical JSON of the ballot, as on the board
    ciphertexts = models.BinaryField()  # a‖b of each candidate, 66 bytes each: what aggregation reads
    tally_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    board_seq = models.PositiveBigIntegerField()
    cast_at = models.DateTimeField()
    replaced = models.BooleanField(default=False)

    class Meta:
        ordering = ["election", "board_seq"]
        constraints = [
            models.UniqueConstraint(fields=["election", "tracker"], name="ballot_tracker_once"),
            models.UniqueConstraint(
                fields=["credential"], condition=Q(replaced=False), name="ballot_one_counted_per_credential"
            ),
        ]
        indexes = [models.Index(fields=["election", "replaced", "tally_unit"], name="ballot_counted_idx")]

    def __str__(self) -> str:
        return self.tracker


class DecryptionShare(TimeStampedModel):
    """A trustee's decryption share of the encrypted tally, with its proofs (verified on upload)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="shares")
    trustee = models.ForeignKey(Trustee, on_delete=models.PROTECT, related_name="shares")
    payload = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "trustee"], name="share_once_per_trustee")]

    def __str__(self) -> str:
        return f"{self.election_id}/{self.trustee_id}"


class BoardEntry(models.Model):
    """One entry of the election's append-only, hash-chained bulletin board."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="board")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=24)
    at = models.CharField(max_length=32)  # ISO 8601 UTC exactly as hashed
    prev = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    payload = models.TextField()  # canonical JSON exactly as hashed

    class Meta:
        ordering = ["election", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["election", "seq"], name="board_seq_once"),
        ]
        indexes = [models.Index(fields=["election", "type", "seq"], name="board_type_idx")]

    def __str__(self) -> str:
        return f"{self.election_id}#{self.seq} {self.type}"


class Checkpoint(models.Model):
    """A signed statement of the board's head at a point in time (Ed25519)."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="checkpoints")
    seq = models.PositiveBigIntegerField()
    head = models.CharField(max_length=64)
    at = models.CharField(max_length=32)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["election", "seq"]
        constraints = [models.UniqueConstraint(fields=["election", "seq"], name="checkpoint_seq_once")]

    def __str__(self) -> str:
        return f"{self.election_id}@{self.seq}"
