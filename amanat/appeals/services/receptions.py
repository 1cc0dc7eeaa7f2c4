"""Receptions, the hours hosts keep there, the slots made from them, and citizens' bookings.

Two citizens can never hold the same slot: the database's partial unique constraint
`booking_one_live_per_slot` decides, the slot row is locked while a booking is made, and a lost
race answers "this time has just been taken". Slots come from weekly hours, skipping days off,
and generating them twice adds nothing (unique host and start time).
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from amanat.accounts.models import PHONE_RE, normalize_phone
from amanat.appeals.choices import BookingStatus
from amanat.appeals.models import Booking, Reception, ReceptionHours, ReceptionSlot
from amanat.appeals.permissions import AppealAction
from amanat.appeals.services.intake import CODE_ALPHABET
from amanat.audit import services as audit
from amanat.core.calendar import holiday_name, is_working_day
from amanat.core.permissions import has_action, require
from amanat.core.ratelimit import hourly_limited
from amanat.core.sweep import sweep_job

logger = logging.getLogger(__name__)

BOOKING_CODE_LENGTH = 8
# Slots the sweep keeps ready ahead of today, and the public site shows.
SWEEP_WEEKS = 4
PUBLIC_DAYS = 14
NAME_MAX = 255
TOPIC_MAX = 500

RECEPTION_FIELDS = (
    "org_unit",
    "name_kk",
    "name_ru",
    "name_en",
    "territory",
    "address_kk",
    "address_ru",
    "hours_kk",
    "hours_ru",
    "phone",
    "email",
    "is_active",
)
HOURS_FIELDS = ("host", "weekday", "start_time", "end_time", "slot_minutes", "valid_from", "valid_to")

TAKEN_MESSAGE = _("This time has just been taken: choose another.")

audit.register_verbs(
    {
        "appeals.reception_created": _("Reception created"),
        "appeals.reception_changed": _("Reception changed"),
        "appeals.hours_created": _("Reception hours added"),
        "appeals.hours_changed": _("Reception hours changed"),
        "appeals.hours_deleted": _("Reception hours removed"),
        "appeals.slots_generated": _("Reception slots generated"),
        "appeals.slot_cancelled": _("Reception slot cancelled"),
        "appeals.booking_created": _("Reception time booked"),
        "appeals.booking_cancelled": _("Booking cancelled"),
        "appeals.booking_marked": _("Visit marked"),
    }
)


class SlotTakenError(ValidationError):
    """Somebody else holds the slot (or took it a moment ago)."""

    def __init__(self) -> None:
        super().__init__({"slot": [TAKEN_MESSAGE]}, code="taken")


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def is_reception_day(day: dt.date) -> bool:
    """Receptions are held on working days; hours set on a weekend keep it unless it is a holiday."""
    if day.weekday() < 5:
        return is_working_day(day)
    return holiday_name(day, "en") is None


def new_booking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(BOOKING_CODE_LENGTH))


# --- receptions ------------------------------------------------------------------------------


def _check_reception(fields: dict[str, Any]) -> None:
    errors: dict[str, list[Any]] = {}
    for name in ("name_kk", "name_ru", "address_kk", "address_ru"):
        if name in fields and not str(fields[name] or "").strip():
            errors[name] = [_("This field is required.")]
    if fields.get("email"):
        try:
            validate_email(fields["email"])
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reception_create(*, actor: Any, org_unit: Any, staff: Iterable[Any] = (), **fields: Any) -> Reception:
    """Open a public reception on a unit the actor manages receptions of."""
    require(actor, AppealAction.MANAGE_RECEPTIONS, org_unit)
    unknown = set(fields) - set(RECEPTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown reception fields: {sorted(unknown)}")
    _check_reception({**dict.fromkeys(("name_kk", "name_ru", "address_kk", "address_ru"), ""), **fields})
    reception = Reception(org_unit=org_unit, **fields)
    reception.save()
    staff = list(staff)
    if staff:
        reception.staff.set(staff)
    audit.record(
        actor=actor,
        verb="appeals.reception_created",
        target=reception,
        data={**audit.snapshot(reception, RECEPTION_FIELDS), "staff": [u.pk for u in staff]},
    )
    return reception


@transaction.atomic
def reception_update(*, actor: Any, reception: Reception, changes: dict[str, Any]) -> Reception:
    """Change a reception; moving it to another unit needs the right on both units."""
    require(actor, AppealAction.MANAGE_RECEPTIONS, reception.org_unit)
    changes = dict(changes)
    staff = changes.pop("staff", None)
    unknown = set(changes) - set(RECEPTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown reception fields: {sorted(unknown)}")
    if "org_unit" in changes:
        require(actor, AppealAction.MANAGE_RECEPTIONS, changes["org_unit"])
    _check_reception(changes)
    reception = Reception.objects.select_for_update().get(pk=reception.pk)
    before = audit.snapshot(reception, RECEPTION_FIELDS)
    for name, value in changes.items():
        setattr(reception, name, value)
    reception.save()
    data: dict[str, Any] = {}
    if staff is not None:
        old = sorted(reception.staff.values_list("pk", flat=True))
        reception.staff.set(staff)
        new = sorted(u.pk for u in staff)
        if old != new:
            data["staff"] = [old, new]
    delta = audit.diff(before, audit.snapshot(reception, RECEPTION_FIELDS))
    if delta or data:
        audit.record(actor=actor, verb="appeals.reception_changed", target=reception, changes={**delta, **data})
    return reception


# --- hours -----------------------------------------------------------------------------------


def _check_hours(hours: ReceptionHours) -> None:
    errors: dict[str, list[Any]] = {}
    try:
        hours.clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if hours.weekday is None or not 0 <= int(hours.weekday) <= 6:
        errors["weekday"] = [_("Choose a weekday.")]
    if hours.host_id is None:
        errors["host"] = [_("Choose who receives.")]
    elif not has_action(hours.host, AppealAction.HOST_RECEPTION, hours.reception.org_unit):
        errors["host"] = [_("This person may not hold reception hours at this reception's unit.")]
    if not errors and hours.start_time and hours.end_time:
        overlapping = (
            ReceptionHours.objects.filter(
                host_id=hours.host_id,
                weekday=hours.weekday,
                start_time__lt=hours.end_time,
                end_time__gt=hours.start_time,
            )
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=hours.valid_from))
            .exclude(pk=hours.pk)
        )
        if hours.valid_to:
            overlapping = overlapping.filter(valid_from__lte=hours.valid_to)
        if overlapping.exists():
            errors["start_time"] = [_("This person already receives at this time on this weekday.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def hours_create(*, actor: Any, reception: Reception, **fields: Any) -> ReceptionHours:
    """Weekly hours of a host at a reception (the host must hold reception hours on its unit)."""
    require(actor, AppealAction.MANAGE_RECEPTIONS, reception.org_unit)
    unknown = set(fields) - set(HOURS_FIELDS)
    if unknown:
        raise TypeError(f"unknown hours fields: {sorted(unknown)}")
    fields = {k: v for k, v in fields.items() if not (k == "valid_from" and v is None)}
    hours = ReceptionHours(reception=reception, **fields)
    _check_hours(hours)
    hours.save()
    audit.record(
        actor=actor,
        verb="appeals.hours_created",
        target=hours,
        org_unit=reception.org_unit,
        data=audit.snapshot(hours, HOURS_FIELDS),
    )
    return hours


@transaction.atomic
def hours_update(*, actor: Any, hours: ReceptionHours, changes: dict[str, Any]) -> ReceptionHours:
    """Change hours. Free future slots made from the old hours are removed and made afresh;
    booked ones stay (the citizen keeps the time, staff may cancel it and say so)."""
    require(actor, AppealAction.MANAGE_RECEPTIONS, hours.reception.org_unit)
    unknown = set(changes) - set(HOURS_FIELDS)
    if unknown:
        raise TypeError(f"unknown hours fields: {sorted(unknown)}")
    hours = ReceptionHours.objects.select_for_update().select_related("reception__org_unit").get(pk=hours.pk)
    before = audit.snapshot(hours, HOURS_FIELDS)
    for name, value in changes.items():
        if name == "valid_from" and value is None:
            continue
        setattr(hours, name, value)
    _check_hours(hours)
    hours.save()
    delta = audit.diff(before, audit.snapshot(hours, HOURS_FIELDS))
    if delta:
        _drop_free_future_slots(hours)
        audit.record(
            actor=actor, verb="appeals.hours_changed", target=hours, org_unit=hours.reception.org_unit, changes=delta
        )
    return hours


@transaction.atomic
def hours_delete(*, actor: Any, hours: ReceptionHours) -> None:
    """Remove hours and their free future slots; booked slots stay until cancelled."""
    require(actor, AppealAction.MANAGE_RECEPTIONS, hours.reception.org_unit)
    unit = hours.reception.org_unit
    data = audit.snapshot(hours, HOURS_FIELDS)
    dropped = _drop_free_future_slots(hours)
    audit.record(
        actor=actor,
        verb="appeals.hours_deleted",
        target=hours,
        org_unit=unit,
        data={**data, "free_slots_removed": dropped},
    )
    hours.delete()


def _drop_free_future_slots(hours: ReceptionHours) -> int:
    free = ReceptionSlot.objects.filter(hours=hours, starts_at__gt=timezone.now(), bookings__isnull=True)
    deleted, _by_model = free.delete()
    return deleted


# --- slots -----------------------------------------------------------------------------------


def _slot_times(hours: ReceptionHours, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    tz = zone()
    start = dt.datetime.combine(day, hours.start_time, tzinfo=tz)
    end = dt.datetime.combine(day, hours.end_time, tzinfo=tz)
    step = dt.timedelta(minutes=hours.slot_minutes)
    times = []
    while start + step <= end:
        times.append((start, start + step))
        start += step
    return times


def slots_generate(
    *, hours: ReceptionHours, weeks: int = SWEEP_WEEKS, actor: Any = None, start: dt.date | None = None
) -> int:
    """Make the bookable slots of hours for the next `weeks` weeks; returns how many were added.

    Days off are skipped, times already past are not made, and running it again adds nothing.
    """
    if actor is not None:
        require(actor, AppealAction.MANAGE_RECEPTIONS, hours.reception.org_unit)
    weeks = max(0, min(int(weeks), 26))
    now = timezone.now()
    first = start or timezone.localdate()
    last = first + dt.timedelta(days=7 * weeks - 1)
    if hours.valid_from and hours.valid_from > first:
        first = hours.valid_from
    if hours.valid_to and hours.valid_to < last:
        last = hours.valid_to
    wanted: list[tuple[dt.datetime, dt.datetime]] = []
    day = first
    while day <= last:
        if day.weekday() == hours.weekday and is_reception_day(day):
            wanted.extend((s, e) for s, e in _slot_times(hours, day) if s > now)
        day += dt.timedelta(days=1)
    if not wanted:
        return 0
    with transaction.atomic():
        existing = set(
            ReceptionSlot.objects.filter(
                host_id=hours.host_id, starts_at__gte=wanted[0][0], starts_at__lte=wanted[-1][0]
            ).values_list("starts_at", flat=True)
        )
        new = [
            ReceptionSlot(reception_id=hours.reception_id, hours=hours, host_id=hours.host_id, starts_at=s, ends_at=e)
            for s, e in wanted
            if s not in existing
        ]
        # Another sweep may add the same slots at the same moment: the unique (host, start) skips them.
        ReceptionSlot.objects.bulk_create(new, ignore_conflicts=True)
        if new and actor is not None:
            audit.record(
                actor=actor,
                verb="appeals.slots_generated",
                target=hours,
                org_unit=hours.reception.org_unit,
                data={"weeks": weeks, "added": len(new)},
            )
    return len(new)


@sweep_job("appeals.reception_slots")
def generate_reception_slots() -> str:
    """Keep slots ready four weeks ahead for every valid schedule of an open reception."""
    today = timezone.localdate()
    valid = (
        ReceptionHours.objects.filter(
            reception__is_active=True, valid_from__lte=today + dt.timedelta(weeks=SWEEP_WEEKS)
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("reception")
    )
    added = sum(slots_generate(hours=hours, weeks=SWEEP_WEEKS) for hours in valid)
    return f"{added} slots added"


@transaction.atomic
def slot_cancel(*, actor: Any, slot: ReceptionSlot, reason: str = "") -> ReceptionSlot:
    """Cancel a slot; a citizen who booked it is told (SMS, and e-mail when given)."""
    slot = ReceptionSlot.objects.select_for_update().select_related("reception__org_unit").get(pk=slot.pk)
    require(actor, AppealAction.MANAGE_RECEPTIONS, slot.reception.org_unit)
    if slot.is_cancelled:
        return slot
    slot.is_cancelled = True
    slot.save(update_fields=["is_cancelled"])
    live = list(slot.bookings.filter(status=BookingStatus.BOOKED))
    for booking in live:
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status"])
    audit.record(
        actor=actor,
        verb="appeals.slot_cancelled",
        target=slot,
        org_unit=slot.reception.org_unit,
        data={"reason": reason[:500], "bookings": [b.code for b in live]},
    )
    for booking in live:
        booking_id = booking.pk
        transaction.on_commit(lambda booking_id=booking_id: tell_slot_cancelled(booking_id, reason=reason[:500]))
    return slot


# --- bookings --------------------------------------------------------------------------------


def _clean_booking(*, name: str, phone: str, email: str, topic: str, consent: bool) -> dict[str, str]:
    errors: dict[str, list[Any]] = {}
    name = " ".join((name or "").split())
    topic = (topic or "").strip()
    email = (email or "").strip()
    phone_n = normalize_phone(phone or "")
    if not name:
        errors["name"] = [_("Enter your name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("The name is too long: at most %(max)s characters.") % {"max": NAME_MAX}]
    if not PHONE_RE.match(phone_n):
        errors["phone"] = [_("Enter a Kazakhstan phone number: +7 and ten digits.")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if not topic:
        errors["topic"] = [_("Say briefly what you want to talk about.")]
    elif len(topic) > TOPIC_MAX:
        errors["topic"] = [
            _("At most %(max)s characters, please: the rest you will tell in person.") % {"max": TOPIC_MAX}
        ]
    if not consent:
        errors["consent"] = [_("Without consent to processing personal data the time cannot be booked.")]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "phone": phone_n, "email": email, "topic": topic}


def bookable_slots() -> Any:
    """Slots a citizen may book now: future, not cancelled, at an open reception, not held."""
    return ReceptionSlot.objects.filter(
        is_cancelled=False, reception__is_active=True, starts_at__gt=timezone.now()
    ).exclude(bookings__status__in=[BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW])


def _held(slot: ReceptionSlot) -> bool:
    return slot.bookings.exclude(status=BookingStatus.CANCELLED).exists()


def booking_create(*, slot_id: int, name: str, phone: str, topic: str, consent: bool, email: str = "") -> Booking:
    """Book a slot for a citizen (no account). Raises ValidationError on bad input and
    SlotTakenError when someone holds the time; the database constraint settles a race."""
    data = _clean_booking(name=name, phone=phone, email=email, topic=topic, consent=consent)
    with transaction.atomic():
        slot = (
            ReceptionSlot.objects.select_for_update(of=("self",))
            .select_related("reception__org_unit", "host")
            .filter(pk=slot_id)
            .first()
        )
        if slot is None or not slot.reception.is_active:
            raise ValidationError({"slot": [_("There is no such reception time.")]}, code="missing")
        if slot.is_cancelled:
            raise ValidationError({"slot": [_("This time has been cancelled: choose another.")]}, code="cancelled")
        if slot.starts_at <= timezone.now():
            raise ValidationError({"slot": [_("This time has already passed: choose another.")]}, code="past")
        if not is_reception_day(timezone.localtime(slot.starts_at, zone()).date()):
            raise ValidationError({"slot": [_("There is no reception on this day: choose another.")]}, code="day_off")
        if _held(slot):
            raise SlotTakenError
        for _attempt in range(5):
            booking = Booking(slot=slot, code=new_booking_code(), consent_at=timezone.now(), **data)
            try:
                with transaction.atomic():  # a savepoint: the outer transaction survives a lost race
                    booking.save(force_insert=True)
                break
            except IntegrityError as exc:
                if _held(slot) or "code" not in str(exc).lower():
                    raise SlotTakenError from exc
        else:  # pragma: no cover - five random codes in a row already taken
            raise SlotTakenError
        audit.record(
            actor=None,
            verb="appeals.booking_created",
            target=booking,
            org_unit=slot.reception.org_unit,
            data={"slot": slot.pk, "reception": slot.reception_id},
        )
    transaction.on_commit(lambda: tell_booked(booking.pk))
    return booking


def _find_booking(code: str, phone: str) -> Booking | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 12:
        return None
    booking = Booking.objects.select_for_update().filter(code=code).first()
    if booking is None:
        return None
    if not hmac.compare_digest(booking.phone, normalize_phone(phone or "")):
        return None
    return booking


@transaction.atomic
def booking_cancel(*, code: str, phone: str, actor: Any = None) -> Booking:
    """A citizen cancels their booking with its code and phone (staff: actor, any code in scope)."""
    booking = _find_booking(code, phone) if actor is None else Booking.objects.select_for_update().get(code=code)
    if booking is None:
        raise ValidationError({"code": [_("No booking with this code and phone number.")]}, code="missing")
    slot = ReceptionSlot.objects.select_related("reception__org_unit").get(pk=booking.slot_id)
    if actor is not None:
        require(actor, AppealAction.MANAGE_RECEPTIONS, slot.reception.org_unit)
    if booking.status == BookingStatus.CANCELLED:
        return booking
    if booking.status != BookingStatus.BOOKED or slot.starts_at <= timezone.now():
        raise ValidationError({"code": [_("This visit has already taken place and cannot be cancelled.")]})
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status"])
    audit.record(
        actor=actor, verb="appeals.booking_cancelled", target=booking, org_unit=slot.reception.org_unit, data={}
    )
    return booking


def can_mark(user: Any, booking: Booking) -> bool:
    """Reception staff of the unit, or the host of the slot, mark who came."""
    slot = booking.slot
    return slot.host_id == getattr(user, "pk", None) or has_action(
        user, AppealAction.MANAGE_RECEPTIONS, slot.reception.org_unit
    )


MARKABLE = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


@transaction.atomic
def booking_mark(*, actor: Any, booking: Booking, status: str) -> Booking:
    """Mark a visit as attended or missed (or undo the mark), once its time has begun."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    booking.slot = ReceptionSlot.objects.select_related("reception__org_unit").get(pk=booking.slot_id)
    if not can_mark(actor, booking):
        raise PermissionDenied
    if status not in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW, BookingStatus.BOOKED):
        raise ValidationError({"status": [_("Choose whether the visitor came.")]})
    if booking.status not in MARKABLE:
        raise ValidationError({"status": [_("A cancelled booking cannot be marked.")]})
    if status != BookingStatus.BOOKED and booking.slot.starts_at > timezone.now() + dt.timedelta(minutes=30):
        raise ValidationError({"status": [_("The visit has not begun yet.")]})
    if booking.status == status:
        return booking
    old = booking.status
    booking.status = status
    booking.save(update_fields=["status"])
    audit.record(
        actor=actor,
        verb="appeals.booking_marked",
        target=booking,
        org_unit=booking.slot.reception.org_unit,
        changes={"status": [old, status]},
    )
    return booking


# --- rate limit and messages to citizens -----------------------------------------------------


def booking_rate_limited(ip: str | None, *, count: bool = False) -> bool:
    """Whether the address has booked too often this hour (`count` adds one booking first)."""
    return hourly_limited("booking", ip, int(getattr(settings, "RECEPTION_BOOKINGS_PER_HOUR", 5)), count=count)


def _when(slot: ReceptionSlot) -> str:
    return timezone.localtime(slot.starts_at, zone()).strftime("%d.%m.%Y %H:%M")


def _send(booking: Booking, subject: str, text: str) -> None:
    from amanat.notifications.sms import SmsError, send_sms

    try:
        send_sms(booking.phone, text)
    except (SmsError, OSError):
        logger.warning("SMS to booking %s failed", booking.pk, exc_info=True)
    if booking.email:
        try:
            send_mail(subject, text, None, [booking.email])
        except OSError:
            logger.warning("e-mail to booking %s failed", booking.pk, exc_info=True)


def tell_booked(booking_id: int) -> None:
    booking = Booking.objects.select_related("slot__reception").filter(pk=booking_id).first()
    if booking is None:
        return
    with override(settings.LANGUAGE_CODE):
        text = str(
            _("Reception booked: %(when)s, %(place)s. Code %(code)s (to cancel: the site, code and phone).")
            % {"when": _when(booking.slot), "place": booking.slot.reception.address, "code": booking.code}
        )
        _send(booking, str(_("Your reception time")), text)


def tell_slot_cancelled(booking_id: int, *, reason: str = "") -> None:
    booking = Booking.objects.select_related("slot__reception").filter(pk=booking_id).first()
    if booking is None:
        return
    with override(settings.LANGUAGE_CODE):
        text = str(
            _("Your reception time %(when)s (%(place)s, code %(code)s) is cancelled. Please book another time.")
            % {"when": _when(booking.slot), "place": booking.slot.reception.name, "code": booking.code}
        )
        if reason:
            text = f"{text} {reason}"
        _send(booking, str(_("Your reception time is cancelled")), text)
