"""The party's structure and the people it knows: territories (KATO), org units, people, members,
positions, maslikhats with deputies and factions, state bodies and their officials.

Rules that hold here: every scoped model names its way to an OrgUnit in `scope_field`;
reference data shared by the whole branch (territories, state bodies, officials) sets it to None.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from amanat.core import crypto
from amanat.core.i18n import translated
from amanat.core.iin import mask, parse_iin, validate_bin
from amanat.core.models import SoftDeleteModel, TimeStampedModel
from amanat.core.permissions import ScopedQuerySet
from amanat.org.choices import (
    FactionRole,
    MaslikhatLevel,
    MemberStatus,
    OrgUnitKind,
    PositionKind,
    Sex,
    StateBodyKind,
    TerritoryKind,
)

kato_validator = RegexValidator(r"^\d{9}$", _("A KATO code is 9 digits."))


class TreeQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    pass


class TreeManager(MP_NodeManager.from_queryset(TreeQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> TreeQuerySet:
        # treebeard's manager builds a plain MP_NodeQuerySet; ours must keep `visible_to`.
        return TreeQuerySet(self.model, using=self._db).order_by("path")


class Territory(MP_Node):
    """A place in the KATO classifier: region → city/district → rural okrug → settlement."""

    kato = models.CharField(_("KATO code"), max_length=9, unique=True, validators=[kato_validator])
    kato_version = models.DateField(_("classifier version"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=TerritoryKind.choices)
    name_kk = models.CharField(_("name (kk)"), max_length=200)
    name_ru = models.CharField(_("name (ru)"), max_length=200)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    is_centre = models.BooleanField(_("administrative centre"), default=False)

    name = translated("name")
    # No node_order_by: sorted insertion renumbers siblings on every insert and breaks (a unique
    # path collision) once an ordering field is edited; new nodes go last, lists sort by name.
    objects = TreeManager()
    scope_field = None

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")

    def __str__(self) -> str:
        return str(self.name)


class OrgUnit(MP_Node):
    """A unit of the party: central office → regional branch → city/district branch → primary."""

    kind = models.CharField(_("kind"), max_length=16, choices=OrgUnitKind.choices)
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_kk = models.CharField(_("name (kk)"), max_length=300)
    name_ru = models.CharField(_("name (ru)"), max_length=300)
    name_en = models.CharField(_("name (en)"), max_length=300, blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="org_units",
    )
    address_kk = models.CharField(_("address (kk)"), max_length=300, blank=True)
    address_ru = models.CharField(_("address (ru)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (en)"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hosts_reception = models.BooleanField(_("hosts a public reception"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    name = translated("name")
    address = translated("address")
    # No node_order_by: sorted insertion renumbers siblings on every insert and breaks (a unique
    # path collision) once an ordering field is edited; new nodes go last, lists sort by name.
    objects = TreeManager()
    scope_field = ""  # the unit itself

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def audit_org_unit(self) -> OrgUnit:
        return self

    def clean(self) -> None:
        super().clean()
        parent = OrgUnit.objects.get_parent(self) if self.pk else getattr(self, "_intended_parent", None)
        if parent is not None:
            allowed = ALLOWED_CHILDREN.get(parent.kind, ())
            if self.kind not in allowed:
                raise ValidationError({"kind": _("This kind of unit cannot be placed under the chosen parent.")})


ALLOWED_CHILDREN: dict[str, tuple[str, ...]] = {
    OrgUnitKind.CENTRAL: (OrgUnitKind.REGIONAL, OrgUnitKind.CITY),
    OrgUnitKind.REGIONAL: (OrgUnitKind.CITY, OrgUnitKind.DISTRICT, OrgUnitKind.PRIMARY),
    OrgUnitKind.CITY: (OrgUnitKind.DISTRICT, OrgUnitKind.PRIMARY),
    OrgUnitKind.DISTRICT: (OrgUnitKind.PRIMARY,),
    OrgUnitKind.PRIMARY: (),
}
OrgUnit.ALLOWED_CHILDREN = ALLOWED_CHILDREN  # type: ignore[attr-defined]  # kind -> kinds it may hold


class CodepointCharField(models.CharField):
    """Text compared by code point on every database (PostgreSQL: COLLATE "C"; SQLite's default
    is already so): a name prefix is then an index range, and lists sort the same everywhere."""

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class Person(SoftDeleteModel):
    """Anyone the platform knows: a member, a deputy, an official, later an applicant.

    The IIN is stored encrypted, with a keyed hash beside it for look-up and duplicate
    detection and its last four digits for the masked form; reading it whole is audited
    (`org.services.person_reveal_iin`).
    """

    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    iin_encrypted = models.TextField(editable=False, blank=True)
    iin_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    iin_tail = models.CharField(max_length=4, blank=True, editable=False)
    phone = models.CharField(_("phone"), max_length=16, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("keeping unit"), on_delete=models.PROTECT, related_name="people"
    )
    search_name = CodepointCharField(max_length=320, editable=False, db_index=True, default="")

    scope_field = "org_unit"

    class Meta:
        # search_name is "last first middle" lower-cased and indexed: the same order, without a sort.
        ordering = ["search_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["iin_hash"],
                condition=Q(iin_hash__isnull=False, deleted_at__isnull=True),
                name="person_unique_iin",
            )
        ]
        indexes = [
            # People lists in name order with a capped count, from the index alone (see Member).
            models.Index(
                fields=["search_name", "id", "org_unit"],
                name="person_name_idx",
                condition=Q(deleted_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def iin_masked(self) -> str:
        return mask(self.iin_tail)

    @property
    def has_iin(self) -> bool:
        return bool(self.iin_hash)

    def set_iin(self, iin: str | None) -> None:
        """Validate and store an IIN (encrypted + keyed hash); fills birth date and sex if empty."""
        if not iin:
            self.iin_encrypted, self.iin_hash, self.iin_tail = "", None, ""
            return
        info = parse_iin(iin)
        self.iin_encrypted = crypto.encrypt(iin)
        self.iin_hash = crypto.keyed_hash(iin)
        self.iin_tail = iin[-4:]
        self.birth_date = self.birth_date or info.birth_date
        self.sex = self.sex or info.sex

    def reveal_iin(self) -> str:
        """The whole IIN. Call only through the audited service."""
        return crypto.decrypt(self.iin_encrypted) if self.iin_encrypted else ""

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = self.full_name.lower()
        if kwargs.get("update_fields") is not None and "search_name" not in kwargs["update_fields"]:
            kwargs["update_fields"] = [*kwargs["update_fields"], "search_name"]
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            # Members carry a copy of the name so the member list filters and sorts without a join.
            Member.all_objects.filter(person_id=self.pk).exclude(search_name=self.search_name).update(
                search_name=self.search_name
            )


class Member(SoftDeleteModel):
    """A person's membership in a primary organisation."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships")
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("primary organisation"),
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,  # the indexes below all start with org_unit
    )
    joined_on = models.DateField(_("joined on"))
    card_number = models.CharField(_("party card number"), max_length=32, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    youth_wing = models.BooleanField(_("youth wing"), default=False)
    # A copy of person.search_name (kept by Person.save): at a million members the list must
    # filter by unit + name and sort by name from one index, without joining people.
    search_name = CodepointCharField(max_length=320, editable=False, default="")

    scope_field = "org_unit"

    class Meta:
        ordering = ["search_name", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(deleted_at__isnull=True), name="member_one_membership_per_person"
            ),
            models.UniqueConstraint(
                fields=["card_number"],
                condition=Q(card_number__isnull=False, deleted_at__isnull=True),
                name="member_unique_card",
            ),
        ]
        indexes = [
            # Counts and scans within units read names from the index, not from the table.
            models.Index(
                fields=["org_unit", "status", "search_name"],
                name="member_unit_status_idx",
                condition=Q(deleted_at__isnull=True),
            ),
            # The member list at a million rows: walking this index gives the page in name order
            # and the capped count without touching the table (unit and liveness are in it).
            models.Index(
                fields=["search_name", "id", "org_unit"],
                name="member_name_idx",
                condition=Q(deleted_at__isnull=True),
            ),
            # Unit + start of a name: one range scan per unit.
            models.Index(
                fields=["org_unit", "search_name"],
                name="member_unit_name_idx",
                condition=Q(deleted_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "person" in update_fields:
            self.search_name = self.person.search_name
            if update_fields is not None and "search_name" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "search_name"]
        super().save(*args, **kwargs)


class Position(TimeStampedModel):
    """A post in a party body (chairman, bureau member, primary secretary…) with its term."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="positions")
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="positions"
    )
    kind = models.CharField(_("position"), max_length=32, choices=PositionKind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["org_unit", "kind", "-started_on"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on >= today)


def member_import_path(instance: MemberImport, filename: str) -> str:
    # The file holds IINs: a random name, and it is deleted once the import is finished.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/members/{uuid.uuid4().hex}.{extension[:8]}"


class MemberImport(TimeStampedModel):
    """One upload of a member file: checked row by row, previewed, then committed all at once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be checked")
        VALIDATING = "validating", _("Checking the rows")
        INVALID = "invalid", _("Has errors: nothing imported")
        READY = "ready", _("Checked: waiting for confirmation")
        COMMITTING = "committing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed: nothing imported")

    file = models.FileField(_("file"), upload_to=member_import_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("into unit"), on_delete=models.PROTECT, related_name="member_imports"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    background = models.BooleanField(_("runs in the background"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    rows_valid = models.PositiveIntegerField(_("valid rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.VALIDATING, self.Status.COMMITTING}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, round(100 * self.rows_done / self.rows_total)) if self.rows_total else 0


class Maslikhat(TimeStampedModel):
    """A local representative body (regional, city or district) in a given convocation."""

    level = models.CharField(_("level"), max_length=16, choices=MaslikhatLevel.choices)
    territory = models.ForeignKey(Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="maslikhats"
    )
    convocation = models.PositiveSmallIntegerField(_("convocation"))
    name_kk = models.CharField(_("name (kk)"), max_length=300)
    name_ru = models.CharField(_("name (ru)"), max_length=300)
    name_en = models.CharField(_("name (en)"), max_length=300, blank=True)
    elected_on = models.DateField(_("elected on"), null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)

    name = translated("name")
    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["level", "name_ru"]
        verbose_name = _("maslikhat")
        verbose_name_plural = _("maslikhats")
        constraints = [
            models.UniqueConstraint(fields=["territory", "convocation"], name="maslikhat_one_per_convocation")
        ]

    def __str__(self) -> str:
        return str(self.name)


class Faction(TimeStampedModel):
    """The party's faction (deputy group) in a maslikhat."""

    maslikhat = models.OneToOneField(
        Maslikhat, verbose_name=_("maslikhat"), on_delete=models.PROTECT, related_name="faction"
    )
    name_kk = models.CharField(_("name (kk)"), max_length=300)
    name_ru = models.CharField(_("name (ru)"), max_length=300)
    name_en = models.CharField(_("name (en)"), max_length=300, blank=True)

    name = translated("name")
    objects = ScopedQuerySet.as_manager()
    scope_field = "maslikhat__org_unit"

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("faction")
        verbose_name_plural = _("factions")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def audit_org_unit(self) -> OrgUnit:
        return self.maslikhat.org_unit


class Deputy(TimeStampedModel):
    """A deputy of a maslikhat: constituency, term, and place in the party faction if any."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="mandates")
    maslikhat = models.ForeignKey(
        Maslikhat, verbose_name=_("maslikhat"), on_delete=models.PROTECT, related_name="deputies"
    )
    constituency_number = models.PositiveSmallIntegerField(_("constituency No."), null=True, blank=True)
    constituency_name = models.CharField(_("constituency"), max_length=300, blank=True)
    constituency_territory = models.ForeignKey(
        Territory,
        verbose_name=_("constituency territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term to"), null=True, blank=True)
    faction = models.ForeignKey(
        Faction, verbose_name=_("faction"), null=True, blank=True, on_delete=models.PROTECT, related_name="deputies"
    )
    faction_role = models.CharField(_("role in faction"), max_length=16, choices=FactionRole.choices, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "maslikhat__org_unit"

    class Meta:
        ordering = ["maslikhat", "constituency_number"]
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        constraints = [
            models.UniqueConstraint(fields=["faction"], condition=Q(faction_role="leader"), name="faction_one_leader"),
            models.UniqueConstraint(fields=["person", "maslikhat"], name="deputy_one_mandate_per_maslikhat"),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def audit_org_unit(self) -> OrgUnit:
        return self.maslikhat.org_unit

    def clean(self) -> None:
        super().clean()
        if self.faction_id and self.maslikhat_id and self.faction.maslikhat_id != self.maslikhat_id:
            raise ValidationError({"faction": _("The faction must belong to the deputy's maslikhat.")})
        if self.faction_role and not self.faction_id:
            raise ValidationError({"faction_role": _("A role in a faction needs a faction.")})


class StateBody(MP_Node):
    """A state body the party works with: akimats, their departments, rural okrug akims."""

    kind = models.CharField(_("kind"), max_length=24, choices=StateBodyKind.choices)
    name_kk = models.CharField(_("name (kk)"), max_length=300)
    name_ru = models.CharField(_("name (ru)"), max_length=300)
    name_en = models.CharField(_("name (en)"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bin = models.CharField(_("BIN"), max_length=12, blank=True, validators=[validate_bin])
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    name = translated("name")
    # No node_order_by: sorted insertion renumbers siblings on every insert and breaks (a unique
    # path collision) once an ordering field is edited; new nodes go last, lists sort by name.
    objects = TreeManager()
    scope_field = None

    class Meta:
        verbose_name = _("state body")
        verbose_name_plural = _("state bodies")

    def __str__(self) -> str:
        return str(self.name)


class Official(TimeStampedModel):
    """A person holding a post in a state body (akim, head of department…), from/to."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="offices")
    body = models.ForeignKey(
        StateBody, verbose_name=_("state body"), on_delete=models.PROTECT, related_name="officials"
    )
    title_kk = models.CharField(_("post (kk)"), max_length=300)
    title_ru = models.CharField(_("post (ru)"), max_length=300)
    title_en = models.CharField(_("post (en)"), max_length=300, blank=True)
    is_head = models.BooleanField(_("head of the body"), default=False)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    title = translated("title")
    objects = ScopedQuerySet.as_manager()
    scope_field = None

    class Meta:
        ordering = ["body", "-is_head", "person__last_name"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="official_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.title}"
