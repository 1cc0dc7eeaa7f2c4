"""Users (login by e-mail or phone), roles as sets of actions, grants on org units, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.core.i18n import translated
from amanat.core.models import TimeStampedModel

PHONE_RE = re.compile(r"^\+7\d{10}$")


def normalize_phone(raw: str) -> str:
    """Kazakhstan numbers as +7XXXXXXXXXX; "8 701 …" and "7701…" are accepted."""
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    return "+" + digits if digits else ""


def validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(value):
        raise ValidationError(_("Enter a Kazakhstan phone number: +7 and ten digits."), code="phone")


class UserQuerySet(models.QuerySet):
    def visible_to(self, user: Any, action: Any) -> UserQuerySet:
        """Users holding a (not revoked) grant on a unit where `user` holds action."""
        from amanat.core.permissions import grants_for

        if grants_for(user).everywhere:
            return self.all()
        grants = RoleGrant.objects.visible_to(user, action).filter(revoked_at__isnull=True)
        return self.filter(pk__in=grants.values("user_id"))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def _create(self, login: str, password: str | None, **extra: Any) -> User:
        if "@" in login:
            extra["email"] = self.normalize_email(login).lower()
        else:
            extra["phone"] = normalize_phone(login)
        user = self.model(**extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, login: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(login, password, **extra)

    def create_superuser(self, login: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("full_name", "Administrator")
        return self._create(login, password, **extra)

    def get_by_login(self, login: str) -> User:
        login = (login or "").strip()
        if "@" in login:
            return self.get(email__iexact=login)
        return self.get(phone=normalize_phone(login))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=16, unique=True, null=True, blank=True, validators=[validate_phone])
    full_name = models.CharField(_("full name"), max_length=255)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="kk")
    person = models.OneToOneField(
        "org.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can open the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False), name="user_has_email_or_phone"
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    def clean_fields(self, exclude: Any = None) -> None:
        # One spelling before the validators run: "8 701 123 45 67" is a valid number.
        self.phone = normalize_phone(self.phone) if self.phone else None
        self.email = self.email.strip().lower() if self.email else None
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        # Not AbstractBaseUser.clean: it writes get_username() (the e-mail *or the phone*) back
        # into USERNAME_FIELD, which would put a phone-only user's number into `email`.
        models.Model.clean(self)
        self.email = self.email.strip().lower() if self.email else None
        self.phone = normalize_phone(self.phone) if self.phone else None
        if not self.email and not self.phone:
            raise ValidationError(_("A user needs an e-mail or a phone number to log in."))

    def get_username(self) -> str:
        return self.email or self.phone or ""

    @property
    def needs_two_factor(self) -> bool:
        """Roles that see personal data require a second factor (setting TWO_FACTOR_REQUIRED)."""
        if not settings.TWO_FACTOR_REQUIRED:
            return False
        if self.is_superuser:
            return True
        return RoleGrant.objects.active().filter(user=self, role__requires_2fa=True).exists()


class Role(models.Model):
    """A named set of actions. Built-in roles are kept in sync with the code after migrate."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_kk = models.CharField(_("name (kk)"), max_length=200)
    name_ru = models.CharField(_("name (ru)"), max_length=200)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    requires_2fa = models.BooleanField(_("requires two-factor login"), default=False)
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)

    name = translated("name")

    class Meta:
        ordering = ["code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return str(self.name)


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    FUTURE = "future", _("not yet started")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")


class RoleGrantQuerySet(models.QuerySet):
    def active(self, *, on: dt.date | None = None) -> RoleGrantQuerySet:
        day = on or timezone.localdate()
        return self.filter(
            Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            revoked_at__isnull=True,
            user__is_active=True,
        )

    def visible_to(self, user: Any, action: Any) -> RoleGrantQuerySet:
        from amanat.core.permissions import scope_q

        q = scope_q(user, action, "org_unit")
        return self.none() if q is None else self.filter(q)


class RoleGrant(TimeStampedModel):
    """A role held on an org unit and its whole subtree, between two dates."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants")
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="grants")
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="grants"
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, verbose_name=_("granted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()
    scope_field = "org_unit"

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="grant_valid_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} @ {self.org_unit}"

    def status_on(self, day: dt.date | None = None) -> GrantStatus:
        day = day or timezone.localdate()
        if self.revoked_at is not None:
            return GrantStatus.REVOKED
        if self.valid_from > day:
            return GrantStatus.FUTURE
        if self.valid_to is not None and self.valid_to < day:
            return GrantStatus.EXPIRED
        return GrantStatus.ACTIVE

    @property
    def status(self) -> GrantStatus:
        return self.status_on()


class LoginFailure(models.Model):
    """A failed login, kept to lock out repeated guessing by account and by address."""

    login = models.CharField(max_length=255, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.login} {self.at:%Y-%m-%d %H:%M}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True)


class ApiToken(TimeStampedModel):
    """A personal API token; only its hash is stored, the secret is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, *, user: User, name: str, expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
        raw = "amt_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:12], key_hash=hash_token(raw), expires_at=expires_at
        )
        return token, raw

    @classmethod
    def find(cls, raw: str) -> ApiToken | None:
        # The hash is unique: no ordering to compile (this runs on every API request).
        found = cls.objects.usable().select_related("user").filter(key_hash=hash_token(raw)).order_by()[:1]
        return next(iter(found), None)
