"""Reference data that decides where an appeal goes and how long it may take."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from amanat.appeals.choices import AppealType
from amanat.core.calendar import CONVENTIONS, NEXT_DAY, SAME_DAY
from amanat.core.i18n import translated
from amanat.core.models import TimeStampedModel
from amanat.org.models import OrgUnit, StateBody, Territory, TreeManager


class Category(MP_Node):
    """A subject of appeals (housing → heating …), a tree editable by an admin."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_kk = models.CharField(_("name (kk)"), max_length=200)
    name_ru = models.CharField(_("name (ru)"), max_length=200)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = TreeManager()
    scope_field = None  # shared reference data

    name = translated("name")

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return str(self.name)


class RoutingRule(TimeStampedModel):
    """Category × territory → the unit responsible, its default executor, the competent body.

    The most specific rule wins: a rule for the exact category beats one for its parent, a rule
    for a settlement beats one for its district; an empty category or territory means "any".
    """

    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="appeal_rules"
    )
    default_executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default executor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state_body = models.ForeignKey(
        StateBody,
        verbose_name=_("competent state body"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_field = "org_unit"

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            # One rule per pair, "any" (NULL) included: COALESCE makes the empty sides comparable on
            # SQLite too, which has no NULLS NOT DISTINCT.
            models.UniqueConstraint(
                Coalesce("category", Value(0)), Coalesce("territory", Value(0)), name="routing_one_rule_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} × {self.territory or '*'} → {self.org_unit}"


class DeadlinePolicy(TimeStampedModel):
    """The deadline rules for one type of appeal (defaults from DOMAIN.md §1, editable)."""

    appeal_type = models.CharField(_("type of appeal"), max_length=16, choices=AppealType.choices, unique=True)
    term_days = models.PositiveSmallIntegerField(
        _("term, working days"), default=15, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    forward_days = models.PositiveSmallIntegerField(
        _("forward to the competent body within, working days"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    max_total_months = models.PositiveSmallIntegerField(
        _("longest term with an extension, months"), default=2, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=1)
    notify_extension_days = models.PositiveSmallIntegerField(
        _("tell the applicant of an extension within, working days"), default=3
    )
    convention = models.CharField(
        _("counting"),
        max_length=16,
        choices=[(NEXT_DAY, _("from the day after receipt")), (SAME_DAY, _("the day of receipt is day 1"))],
        default=NEXT_DAY,
    )
    reminder_days = models.CharField(
        _("remind the executor, working days before the deadline"),
        max_length=50,
        default="3,1",
        help_text=_("Comma-separated, e.g. 3,1"),
    )
    escalation_days = models.CharField(
        _("escalate, working days after the deadline"),
        max_length=50,
        default="0,2,5",
        help_text=_("Three numbers: to the executor, the head of the unit, the parent branch's executive secretary"),
    )
    reopen_days = models.PositiveSmallIntegerField(_("the applicant may reopen within, days"), default=30)
    review_below = models.PositiveSmallIntegerField(
        _("a rating below this goes to control review"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )

    scope_field = None

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")

    def __str__(self) -> str:
        return str(AppealType(self.appeal_type).label)

    def clean(self) -> None:
        super().clean()
        errors = {}
        for field in ("reminder_days", "escalation_days"):
            try:
                values = _int_list(getattr(self, field))
            except ValueError:
                errors[field] = _("Enter whole numbers separated by commas.")
                continue
            if field == "escalation_days" and (len(values) != 3 or values != sorted(values)):
                errors[field] = _("Enter three numbers in increasing order.")
        if self.convention not in CONVENTIONS:
            errors["convention"] = _("Unknown counting convention.")
        if errors:
            raise ValidationError(errors)

    @property
    def reminders(self) -> list[int]:
        return sorted(set(_int_list(self.reminder_days)), reverse=True)

    @property
    def escalations(self) -> list[int]:
        return _int_list(self.escalation_days)

    @classmethod
    def for_type(cls, appeal_type: str) -> DeadlinePolicy:
        """The stored policy, or an unsaved one with the law's defaults."""
        policy = cls.objects.filter(appeal_type=appeal_type).first()
        if policy is None:
            policy = cls(appeal_type=appeal_type, term_days=20 if appeal_type == AppealType.COMPLAINT else 15)
        return policy


def _int_list(value: str) -> list[int]:
    parts = [p.strip() for p in (value or "").split(",") if p.strip()]
    numbers = [int(p) for p in parts]
    if any(n < 0 for n in numbers):
        raise ValueError("negative")
    return numbers
