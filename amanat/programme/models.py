"""The election programme as measurable commitments: a tree of items with weights, indicators with
planned and actual values per quarter, and reports that count once party control has verified them.

Progress is never typed in: it comes from the indicators (`services.progress`), and an item's
status from documented rules (`services.status`); a manual status needs a reason and is audited.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node

from amanat.core.i18n import translated
from amanat.core.models import SoftDeleteModel, TimeStampedModel
from amanat.core.permissions import ScopedQuerySet
from amanat.org.models import Deputy, Faction, Official, OrgUnit, StateBody, Territory, TreeManager, TreeQuerySet
from amanat.programme.choices import BudgetSource, Direction, EvidenceKind, ItemKind, ItemStatus, ReportState

MONEY = {"max_digits": 16, "decimal_places": 2}
VALUE = {"max_digits": 18, "decimal_places": 4}


class Programme(TimeStampedModel):
    """An election programme as the branch controls it (e.g. «Халықпен бірге!» 2023–2027)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    title_kk = models.CharField(_("title (kk)"), max_length=300)
    title_ru = models.CharField(_("title (ru)"), max_length=300)
    title_en = models.CharField(_("title (en)"), max_length=300, blank=True)
    first_year = models.PositiveSmallIntegerField(_("from year"), validators=[MinValueValidator(2000)])
    last_year = models.PositiveSmallIntegerField(_("to year"), validators=[MaxValueValidator(2100)])
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="programmes"
    )
    is_published = models.BooleanField(_("published"), default=False)

    title = translated("title")
    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["-first_year", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(condition=Q(last_year__gte=models.F("first_year")), name="programme_years_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.first_year}–{self.last_year})"


class ItemQuerySet(TreeQuerySet):
    def published(self) -> ItemQuerySet:
        return self.filter(is_published=True, programme__is_published=True)


class ItemManager(TreeManager.from_queryset(ItemQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> ItemQuerySet:
        return ItemQuerySet(self.model, using=self._db).order_by("path")


class Item(MP_Node):
    """A node of the programme: direction → commitment → road-map item (any depth, weighted)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices, default=ItemKind.ROADMAP)
    code = models.CharField(_("number"), max_length=32, blank=True, help_text=_("As in the programme: 2.3.1"))
    title_kk = models.CharField(_("title (kk)"), max_length=500)
    title_ru = models.CharField(_("title (ru)"), max_length=500)
    title_en = models.CharField(_("title (en)"), max_length=500, blank=True)
    description_kk = models.TextField(_("description (kk)"), blank=True)
    description_ru = models.TextField(_("description (ru)"), blank=True)
    description_en = models.TextField(_("description (en)"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(Decimal("0.01"))]
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("controlling branch"),
        on_delete=models.PROTECT,
        related_name="programme_items",
        help_text=_("The party branch whose deputies and commission control the item."),
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_body = models.ForeignKey(
        StateBody,
        verbose_name=_("responsible state body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme_items",
    )
    responsible_official = models.ForeignKey(
        Official,
        verbose_name=_("responsible official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme_items",
    )
    co_executors = models.ManyToManyField(
        StateBody, verbose_name=_("co-executors"), blank=True, related_name="programme_co_items"
    )
    curator_faction = models.ForeignKey(
        Faction, verbose_name=_("curating faction"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    curator_deputy = models.ForeignKey(
        Deputy, verbose_name=_("curating deputy"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    budget_planned = models.DecimalField(_("budget planned, ₸"), null=True, blank=True, **MONEY)
    budget_spent = models.DecimalField(_("budget spent, ₸"), null=True, blank=True, **MONEY)
    budget_source = models.CharField(_("source of funds"), max_length=16, choices=BudgetSource.choices, blank=True)
    appeals = models.ManyToManyField(
        "appeals.Appeal", verbose_name=_("appeals it answers"), blank=True, related_name="programme_items"
    )
    is_published = models.BooleanField(_("shown on the public tracker"), default=True)

    # Computed (services.progress / services.status), never typed in.
    progress_claimed = models.DecimalField(_("progress as reported"), max_digits=5, decimal_places=4, default=0)
    progress_verified = models.DecimalField(_("progress verified"), max_digits=5, decimal_places=4, default=0)
    computed_status = models.CharField(
        _("status by the rules"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    status_override = models.CharField(_("status set by hand"), max_length=16, choices=ItemStatus.choices, blank=True)
    override_reason = models.TextField(_("reason for the status set by hand"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    # Kept with progress for the analysis (one grouped query over items, not a join over reports).
    reports_total = models.PositiveIntegerField(_("reports"), default=0, editable=False)
    reports_verified = models.PositiveIntegerField(_("reports verified"), default=0, editable=False)
    reports_late = models.PositiveIntegerField(_("reports late"), default=0, editable=False)
    last_verified_quarter = models.PositiveIntegerField(null=True, blank=True, editable=False)  # year × 4 + q − 1
    trend_weight = models.FloatField(default=0, editable=False)  # own indicators with an actual value
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    title = translated("title")
    description = translated("description")
    objects = ItemManager()
    scope_field = "org_unit"

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        indexes = [
            models.Index(fields=["programme", "path"], name="programme_item_tree_idx"),
            models.Index(fields=["responsible_body", "computed_status"], name="programme_item_body_idx"),
            models.Index(fields=["org_unit", "computed_status"], name="programme_item_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="programme_item_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="programme_item_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def status(self) -> str:
        """What the item shows: the status set by hand when there is one, else the rules'."""
        return self.status_override or self.computed_status

    def get_status_display(self) -> str:
        return str(ItemStatus(self.status).label)


class ProgressMove(models.Model):
    """How much one item's own indicators moved the programme's trend in a quarter: the weighted
    change of their claimed and verified attainment (services.progress writes them with the item's
    progress). The trend at a quarter's end is the sum of the moves up to it over the weights."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="progress_moves")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    claimed = models.FloatField(default=0)
    verified = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "year", "quarter"], name="progress_move_one_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.year} Q{self.quarter}"


class TrendCell(models.Model):
    """The moves of one branch's items of one programme in a quarter, added up (services.progress
    keeps them with the moves): the analysis trends of a branch scope read these few rows."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    claimed = models.FloatField(default=0)
    verified = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "org_unit", "year", "quarter"], name="trend_cell_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.org_unit_id} {self.year} Q{self.quarter}"


class ProgrammeVersion(models.Model):
    """A version of the programme as adopted (the first, then each revision by a decision): the
    tree of items with their indicators, frozen at adoption, so every change stays visible."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    adopted_on = models.DateField(_("adopted on"))
    basis = models.CharField(
        _("basis"), max_length=500, help_text=_("The decision that adopted it: body, date and number.")
    )
    note_kk = models.TextField(_("what changed (kk)"), blank=True)
    note_ru = models.TextField(_("what changed (ru)"), blank=True)
    note_en = models.TextField(_("what changed (en)"), blank=True)
    snapshot = models.JSONField(default=dict, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    note = translated("note")

    class Meta:
        ordering = ["programme", "-number"]
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="programme_version_unique")]

    def __str__(self) -> str:
        return f"{self.programme.code} v{self.number}"


class Indicator(TimeStampedModel):
    """A measurable target of an item: from baseline to target, one way better than the other."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="indicators")
    name_kk = models.CharField(_("name (kk)"), max_length=300)
    name_ru = models.CharField(_("name (ru)"), max_length=300)
    name_en = models.CharField(_("name (en)"), max_length=300, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=50, help_text=_("km, %, households, beds…"))
    baseline = models.DecimalField(_("baseline"), **VALUE)
    target = models.DecimalField(_("target"), **VALUE)
    direction = models.CharField(_("better when"), max_length=8, choices=Direction.choices, default=Direction.MORE)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(Decimal("0.01"))]
    )
    source = models.CharField(_("data source"), max_length=300, blank=True)

    name = translated("name")
    objects = ScopedQuerySet.as_manager()
    scope_field = "item__org_unit"

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(condition=~Q(target=models.F("baseline")), name="indicator_target_differs"),
            models.CheckConstraint(
                condition=Q(direction="more", target__gt=models.F("baseline"))
                | Q(direction="less", target__lt=models.F("baseline")),
                name="indicator_direction_matches",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.unit}"


class Report(TimeStampedModel):
    """The responsible body's report on an item for a quarter: a claim until party control's verdict."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    narrative = models.TextField(_("what was done"))
    money_spent = models.DecimalField(_("money spent in the quarter, ₸"), null=True, blank=True, **MONEY)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    is_late = models.BooleanField(_("submitted late"), default=False)
    state = models.CharField(_("verification"), max_length=16, choices=ReportState.choices, default=ReportState.CLAIMED)
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verdict_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verdict_comment = models.TextField(_("verification comment"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_field = "item__org_unit"

    class Meta:
        ordering = ["-year", "-quarter", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["item", "year", "quarter"], name="report_one_per_quarter")]

    def __str__(self) -> str:
        return f"{self.item.code} {self.year} Q{self.quarter}"

    @property
    def is_verified(self) -> bool:
        return self.state in (ReportState.CONFIRMED, ReportState.PARTLY)


class IndicatorValue(models.Model):
    """An indicator's planned and actual value for a quarter; the actual comes with a report."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    planned = models.DecimalField(_("planned"), null=True, blank=True, **VALUE)
    actual = models.DecimalField(_("actual"), null=True, blank=True, **VALUE)
    report = models.ForeignKey(
        Report, verbose_name=_("report"), null=True, blank=True, on_delete=models.SET_NULL, related_name="values"
    )

    class Meta:
        ordering = ["indicator", "year", "quarter"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "quarter"], name="indicator_value_one_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year} Q{self.quarter}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"programme/{instance.report.item_id}/{instance.report_id}/{instance.kind}/{filename}"


class Evidence(models.Model):
    """A photo or document that backs a report, or party control's verdict on it."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices, default=EvidenceKind.REPORT)
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["report", "kind", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class Follower(models.Model):
    """A citizen who asked to be told by e-mail when a public item's status changes. No account:
    the address is confirmed by a link first, and every message carries a link to stop."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=2, default="ru")
    token = models.CharField(max_length=64, unique=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["item", "email"], name="follower_once_per_item")]

    def __str__(self) -> str:
        return f"{self.email} → {self.item_id}"


# Party control work (section 4): the commission's plan, monitoring visits with their
# recommendations, and control posts on construction sites with their regular checks.


class ObjectKind(models.TextChoices):
    SCHOOL = "school", _("School")
    ROAD = "road", _("Road")
    CLINIC = "clinic", _("Clinic")
    HOUSING = "housing", _("Housing")
    OTHER = "other", _("Other")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")


class RecommendationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("recommendation", "Open")
    DONE = "done", _("Carried out")
    OVERDUE = "overdue", _("Overdue")
    REJECTED = "rejected", _("Rejected")


class CheckResult(models.TextChoices):
    OK = "ok", _("In order")
    ISSUE = "issue", _("Issue found")


class ControlPlan(TimeStampedModel):
    """The regional commission's annual plan of control work."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="control_plans"
    )
    title_kk = models.CharField(_("title (kk)"), max_length=300)
    title_ru = models.CharField(_("title (ru)"), max_length=300)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    title = translated("title")
    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("control plan")
        verbose_name_plural = _("control plans")

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"


class MonitoringVisit(TimeStampedModel):
    """A visit of party control to an object (a school, a road, a clinic) with its findings."""

    plan = models.ForeignKey(
        ControlPlan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="monitoring_visits"
    )
    object_name = models.CharField(_("object"), max_length=300)
    kind = models.CharField(_("kind of object"), max_length=16, choices=ObjectKind.choices, default=ObjectKind.OTHER)
    address = models.CharField(_("address"), max_length=500, blank=True)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("date of the visit"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="monitoring_visits"
    )
    items = models.ManyToManyField(
        Item, verbose_name=_("programme items"), blank=True, related_name="monitoring_visits"
    )
    findings = models.TextField(_("findings"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("monitoring visit")
        verbose_name_plural = _("monitoring visits")

    def __str__(self) -> str:
        return f"{self.object_name} ({self.visited_on:%d.%m.%Y})"


def visit_photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"programme/visits/{instance.visit_id}/{filename}"


class VisitPhoto(SoftDeleteModel):
    """A photo (or scanned document) taken on a monitoring visit; a removed one is kept, hidden."""

    visit = models.ForeignKey(MonitoringVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=visit_photo_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    scope_field = "visit__org_unit"

    class Meta:
        ordering = ["visit", "id"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self) -> str:
        return self.original_name


class Recommendation(TimeStampedModel):
    """What a visit asks a state body to do, by a deadline in working days, and its follow-up."""

    visit = models.ForeignKey(
        MonitoringVisit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="recommendations"
    )
    text = models.TextField(_("recommendation"))
    addressee_body = models.ForeignKey(
        StateBody, verbose_name=_("addressee"), on_delete=models.PROTECT, related_name="control_recommendations"
    )
    addressee_official = models.ForeignKey(
        Official,
        verbose_name=_("addressee official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="control_recommendations",
    )
    issued_on = models.DateField(_("issued on"))
    deadline_days = models.PositiveSmallIntegerField(_("term, working days"), default=15)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=RecommendationStatus.choices, default=RecommendationStatus.OPEN
    )
    response = models.TextField(_("response"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reminder_sent_on = models.DateField(_("reminder sent"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_field = "visit__org_unit"

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        indexes = [models.Index(fields=["status", "deadline"], name="programme_rec_due_idx")]

    def __str__(self) -> str:
        return f"{self.addressee_body}: {self.text[:60]}"

    @property
    def org_unit(self) -> OrgUnit:
        return self.visit.org_unit


class ControlPost(TimeStampedModel):
    """A party control post on a construction site, checked regularly."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="control_posts"
    )
    object_name = models.CharField(_("object"), max_length=300)
    address = models.CharField(_("address"), max_length=500, blank=True)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    items = models.ManyToManyField(Item, verbose_name=_("programme items"), blank=True, related_name="control_posts")
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("control post")
        verbose_name_plural = _("control posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="control_post_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.object_name


class PostCheck(models.Model):
    """One check at a control post: quality, spending, safety and wage arrears, each in order or not."""

    post = models.ForeignKey(ControlPost, verbose_name=_("post"), on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField(_("checked on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT, related_name="+"
    )
    quality = models.CharField(_("quality of work"), max_length=8, choices=CheckResult.choices)
    quality_note = models.TextField(_("note on quality"), blank=True)
    spending = models.CharField(_("spending"), max_length=8, choices=CheckResult.choices)
    spending_note = models.TextField(_("note on spending"), blank=True)
    safety = models.CharField(_("safety"), max_length=8, choices=CheckResult.choices)
    safety_note = models.TextField(_("note on safety"), blank=True)
    wage_arrears = models.CharField(_("wage arrears"), max_length=8, choices=CheckResult.choices)
    wage_arrears_note = models.TextField(_("note on wage arrears"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "post__org_unit"

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("post check")
        verbose_name_plural = _("post checks")

    def __str__(self) -> str:
        return f"{self.post} {self.checked_on:%d.%m.%Y}"

    @property
    def has_issues(self) -> bool:
        return CheckResult.ISSUE in (self.quality, self.spending, self.safety, self.wage_arrears)
