"""Volunteers: signing up for a shift, cancelling by the link in the e-mail, and the organiser's
confirmation of attendance and hours.

Rules:
- consent to the processing of personal data is required, and a phone or an e-mail;
- one live sign-up per phone, e-mail or account on a shift ("signed up twice" is refused);
- a full shift refuses new sign-ups. The shift row is locked while the places are counted, and
  the place is taken by a conditional UPDATE (taken < capacity) that the database also checks, so
  two people racing for the last place get one sign-up and one clear refusal;
- status changes only through the transition table in `workflow` (signed up → attended with
  hours / did not come / cancelled), each recorded with who, when and why.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from amanat.accounts.models import normalize_phone, validate_phone
from amanat.audit import services as audit
from amanat.core.ratelimit import hourly_limited
from amanat.projects import workflow
from amanat.projects.choices import AgeGroup, SignUpStatus
from amanat.projects.models import Shift, SignUp, SignUpTransition
from amanat.projects.services.projects import need_manage

logger = logging.getLogger(__name__)

MIN_AGE = 14


def duplicate_message() -> str:
    return _("You are already signed up for this shift.")


def full_message() -> str:
    return _("This shift is full: choose another shift.")


@dataclass(frozen=True)
class Volunteer:
    """What a volunteer gives on the sign-up form (or what the account already knows)."""

    name: str
    phone: str = ""
    email: str = ""
    birth_year: int | None = None
    age_group: str = ""
    consent: bool = False


def age_group_of(birth_year: int, today: dt.date) -> str:
    age = today.year - birth_year
    if age < 18:
        return AgeGroup.UNDER_18
    if age <= 35:
        return AgeGroup.YOUTH
    return AgeGroup.OVER_35


def _clean(volunteer: Volunteer, today: dt.date) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = " ".join((volunteer.name or "").split())
    if not name:
        errors["name"] = [_("Give your name.")]
    elif len(name) > 200:
        errors["name"] = [_("The name is too long.")]
    phone = normalize_phone(volunteer.phone) if (volunteer.phone or "").strip() else ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    email = (volunteer.email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if not phone and not email and "phone" not in errors and "email" not in errors:
        errors["phone"] = [_("Give a phone number or an e-mail so that the organisers can reach you.")]
    birth_year = volunteer.birth_year
    age_group = volunteer.age_group or ""
    if birth_year is not None:
        if birth_year > today.year - MIN_AGE:
            errors["birth_year"] = [_("Volunteers must be at least %(age)s years old.") % {"age": MIN_AGE}]
        elif birth_year < today.year - 100:
            errors["birth_year"] = [_("Check the year of birth.")]
        else:
            age_group = age_group_of(birth_year, today)
    if age_group and age_group not in AgeGroup.values:
        errors["age_group"] = [_("Choose an age group from the list.")]
    if not volunteer.consent:
        errors["consent"] = [_("Without consent to the processing of personal data we cannot sign you up.")]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "phone": phone, "email": email, "birth_year": birth_year, "age_group": age_group}


def _is_duplicate(shift: Shift, *, phone: str, email: str, user: Any) -> bool:
    from django.db.models import Q

    q = Q()
    if phone:
        q |= Q(phone=phone)
    if email:
        q |= Q(email=email)
    if user is not None:
        q |= Q(user=user)
    return shift.signups.exclude(status=SignUpStatus.CANCELLED).filter(q).exists()


def volunteer_from_user(user: Any) -> Volunteer:
    """One-click sign-up of a logged-in member: the account's name and contacts."""
    person = getattr(user, "person", None)
    birth = getattr(person, "birth_date", None)
    return Volunteer(
        name=user.full_name or str(person or ""),
        phone=user.phone or getattr(person, "phone", "") or "",
        email=user.email or getattr(person, "email", "") or "",
        birth_year=birth.year if birth else None,
        consent=True,
    )


def _is_member(user: Any) -> bool:
    person = getattr(user, "person", None)
    if person is None:
        return False
    return person.memberships.filter(status="active").exists()


def signup_create(*, shift_id: int, volunteer: Volunteer, user: Any = None, now: dt.datetime | None = None) -> SignUp:
    """Sign a volunteer up for a shift of a public project's event (`user`: a logged-in member)."""
    now = now or timezone.now()
    data = _clean(volunteer, timezone.localdate(now))
    user = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        shift = (
            Shift.objects.select_for_update(of=("self",))
            .select_related("event__project", "event__org_unit")
            .filter(pk=shift_id, event__deleted_at__isnull=True, event__project__deleted_at__isnull=True)
            .first()
        )
        if shift is None or not shift.event.project.is_public:
            raise ValidationError({"shift": [_("There is no such shift.")]}, code="missing")
        if shift.starts_at <= now:
            raise ValidationError({"shift": [_("This shift has already begun: choose another.")]}, code="past")
        if _is_duplicate(shift, phone=data["phone"], email=data["email"], user=user):
            raise ValidationError({"shift": [duplicate_message()]}, code="duplicate")
        took = Shift.objects.filter(pk=shift.pk, taken__lt=F("capacity")).update(taken=F("taken") + 1)
        if not took:
            raise ValidationError({"shift": [full_message()]}, code="full")
        signup = SignUp(
            shift=shift,
            user=user,
            is_member=_is_member(user) if user else False,
            consent_at=now,
            cancel_token=secrets.token_urlsafe(32),
            **data,
        )
        try:
            with transaction.atomic():  # a savepoint: a lost race at the constraint says "already"
                signup.save(force_insert=True)
        except IntegrityError as exc:
            raise ValidationError({"shift": [duplicate_message()]}, code="duplicate") from exc
        SignUpTransition.objects.create(
            signup=signup, from_status="", to_status=SignUpStatus.SIGNED_UP, actor=user, at=now
        )
        audit.record(
            actor=user,
            verb="projects.signup_created",
            target=signup,
            org_unit=shift.event.org_unit,
            data={"shift": shift.pk, "event": shift.event_id},
        )
    signup_id = signup.pk
    transaction.on_commit(lambda: tell_signed_up(signup_id))
    return signup


def _release(signup: SignUp) -> None:
    Shift.objects.filter(pk=signup.shift_id, taken__gt=0).update(taken=F("taken") - 1)


def _move(
    signup: SignUp, *, to: str, actor: Any, hours: Decimal | None = None, note: str = "", now: dt.datetime
) -> SignUp:
    old = signup.status
    holds_before = old != SignUpStatus.CANCELLED
    signup.status = to
    signup.hours = hours if to == SignUpStatus.ATTENDED else None
    signup.save(update_fields=["status", "hours", "updated_at"])
    if holds_before and to == SignUpStatus.CANCELLED:
        _release(signup)
    SignUpTransition.objects.create(
        signup=signup, from_status=old, to_status=to, hours=signup.hours, actor=actor, note=note[:500], at=now
    )
    audit.record(
        actor=actor,
        verb="projects.signup_transition",
        target=signup,
        org_unit=signup.shift.event.org_unit,
        changes={"status": [old, to]} | ({"hours": [None, str(hours)]} if hours is not None else {}),
        data={"note": note[:500]} if note else {},
    )
    return signup


def signup_transition(
    *,
    actor: Any,
    signup: SignUp,
    to: str,
    hours: Any = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> SignUp:
    """The organiser confirms attendance (with hours), marks a no-show, or cancels a sign-up."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = (
            SignUp.objects.select_for_update(of=("self",)).select_related("shift__event__org_unit").get(pk=signup.pk)
        )
        need_manage(actor, signup.shift.event.org_unit)
        if to not in SignUpStatus.values or not workflow.allowed(signup.status, to):
            raise ValidationError(
                {"status": [_("A sign-up that is “%(status)s” cannot be changed this way.") % {
                    "status": signup.get_status_display()
                }]}
            )  # fmt: skip
        amount = None
        if to in (SignUpStatus.ATTENDED, SignUpStatus.NO_SHOW) and signup.shift.starts_at > now:
            raise ValidationError({"status": [_("Attendance is confirmed once the shift has begun.")]})
        if to == SignUpStatus.ATTENDED:
            try:
                amount = Decimal(str(hours)) if hours not in (None, "") else None
            except InvalidOperation:
                amount = None
            length = Decimal((signup.shift.ends_at - signup.shift.starts_at).total_seconds()) / 3600
            if amount is None or not amount.is_finite() or amount <= 0:
                raise ValidationError({"hours": [_("Give the hours the volunteer worked (more than zero).")]})
            if amount > length.quantize(Decimal("0.01")) + Decimal("0.01"):
                raise ValidationError(
                    {"hours": [_("The shift lasted %(hours)s hours: the volunteer cannot have worked more.") % {
                        "hours": length.quantize(Decimal("0.1")).normalize()
                    }]}
                )  # fmt: skip
            amount = amount.quantize(Decimal("0.01"))
        if to == SignUpStatus.CANCELLED and signup.shift.starts_at <= now:
            raise ValidationError({"status": [_("The shift has begun: mark the volunteer as not come instead.")]})
        return _move(signup, to=to, actor=actor, hours=amount, note=note, now=now)


def signup_cancel_by_token(*, token: str, now: dt.datetime | None = None) -> SignUp:
    """The volunteer cancels with the link from the confirmation e-mail (before the shift begins)."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = (
            SignUp.objects.select_for_update(of=("self",))
            .select_related("shift__event__org_unit")
            .filter(cancel_token=(token or "")[:64])
            .first()
            if token
            else None
        )
        if signup is None:
            raise ValidationError({"token": [_("This link is not valid.")]}, code="missing")
        if signup.status == SignUpStatus.CANCELLED:
            return signup
        if signup.status != SignUpStatus.SIGNED_UP or signup.shift.starts_at <= now:
            raise ValidationError({"token": [_("The shift has already begun: it can no longer be cancelled.")]})
        return _move(signup, to=SignUpStatus.CANCELLED, actor=None, note="cancelled by the volunteer", now=now)


# --- rate limit and the confirmation e-mail ---------------------------------------------------


def signup_rate_limited(ip: str | None, *, count: bool = False) -> bool:
    """Whether the address has signed up too often this hour (`count` adds one sign-up first)."""
    return hourly_limited("project-signup", ip, int(getattr(settings, "PROJECT_SIGNUPS_PER_HOUR", 10)), count=count)


def cancel_url(signup: SignUp) -> str:
    path = reverse("projects:public-cancel", args=[signup.cancel_token])
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"


def tell_signed_up(signup_id: int) -> None:
    signup = SignUp.objects.select_related("shift__event__project").filter(pk=signup_id).first()
    if signup is None or not signup.email:
        return
    shift = signup.shift
    language = getattr(signup.user, "language", None) or settings.LANGUAGE_CODE
    with override(language):
        when = timezone.localtime(shift.starts_at).strftime("%d.%m.%Y %H:%M")
        text = _(
            "You are signed up as a volunteer: %(event)s (%(project)s), %(when)s, %(place)s.\n"
            "Thank you! If you cannot come, cancel here so that someone else can take the place: %(link)s"
        ) % {
            "event": shift.event.title,
            "project": shift.event.project.title,
            "when": when,
            "place": shift.event.address or "—",
            "link": cancel_url(signup),
        }
        try:
            send_mail(str(_("You are signed up as a volunteer")), text, None, [signup.email])
        except OSError:
            logger.warning("e-mail to volunteer sign-up %s failed", signup.pk, exc_info=True)
