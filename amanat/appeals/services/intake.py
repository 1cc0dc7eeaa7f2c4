"""Registering an appeal, from any door: the staff form, the public site, the API.

An appeal is never refused: whatever the routing finds (or does not), it is registered at once
with a number and a coupon, and lands in a unit's inbox.

A registration is one short transaction: its events and queued notices, the year's counter (one
`UPDATE … RETURNING`, whose row lock keeps numbers gapless until the commit), the appeal and its
audit event. The reference data it reads (categories, places, units, the routing table, deadline
policies) comes from a per-process copy (`services.reference`).
"""

from __future__ import annotations

import copy
import datetime as dt
import hmac
import secrets
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import AnswerChannel, AppealStatus, AppealType, Channel, Language
from amanat.appeals.models import Appeal, AppealAttachment, AppealCounter, AppealEvent, Booking, Category, RoutingRule
from amanat.appeals.models.appeals import TEXT_MAX_LENGTH
from amanat.appeals.permissions import AppealAction
from amanat.appeals.services.deadlines import refresh_deadline
from amanat.appeals.services.reference import reference
from amanat.appeals.services.transitions import may_execute
from amanat.audit import services as audit
from amanat.core import uploads
from amanat.core.calendar import next_working_day
from amanat.core.crypto import keyed_hash
from amanat.core.iin import is_valid_iin
from amanat.core.permissions import require
from amanat.core.prepared import PreparedInsert
from amanat.org.models import OrgUnit, Territory

# Codes avoid letters and digits that are easy to confuse when read out over the phone.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class Intake:
    """What the applicant brought; the forms and the API serializer fill it."""

    appeal_type: str
    channel: str
    text: str
    language: str = "ru"
    subject: str = ""
    category: Category | None = None
    territory: Territory | None = None
    address: str = ""
    is_collective: bool = False
    signatories: int = 1
    is_anonymous: bool = False
    reports_threat: bool = False
    applicant_name: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    applicant_address: str = ""
    applicant_iin: str = ""
    answer_channel: str = "email"
    consent: bool = False
    org_unit: OrgUnit | None = None  # staff may choose; otherwise routing decides
    rule: Any = None  # the routing rule when the caller has already looked it up (`route`)
    booking: Any = None  # the reception booking the visitor came with (linked to the appeal)
    executor: Any = None
    received_at: dt.datetime | None = None  # a letter may arrive before it is typed in
    attachments: list[UploadedFile] = field(default_factory=list)


@dataclass(frozen=True)
class Registered:
    appeal: Appeal
    pin: str  # shown once, to the applicant; only its hash is kept
    created: bool = True  # False when an idempotent repeat returned the first appeal


def pin_hash(pin: str) -> str:
    return keyed_hash(pin, purpose="appeal-pin")


def pin_matches(appeal: Appeal, pin: str) -> bool:
    return hmac.compare_digest(appeal.pin_hash, pin_hash((pin or "").strip()))


def new_code(length: int = 10) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def next_number(year: int) -> str:
    """The next registration number for the year: `АТР-2026-000123`. Call inside a transaction:
    the counter row stays locked until it ends, so a rolled-back registration gives its number
    back and no number is skipped or given twice."""
    prefix = settings.APPEAL_NUMBER_PREFIX
    last = _take_number(prefix, year)
    if last is None:
        try:
            with transaction.atomic():
                AppealCounter.objects.create(prefix=prefix, year=year, last=0)
        except IntegrityError:
            pass  # another request created it first
        last = _take_number(prefix, year)
    return f"{prefix}-{year}-{last:06d}"


def _take_number(prefix: str, year: int) -> int | None:
    # One round trip instead of SELECT … FOR UPDATE and UPDATE: the row lock is what every
    # registration queues on, so it is held for as short a time as possible.
    table = connection.ops.quote_name(AppealCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "last" = "last" + 1 WHERE "prefix" = %s AND "year" = %s RETURNING "last"',  # noqa: S608 - the table name is ours
            [prefix, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def route(category: Category | None, territory: Territory | None) -> RoutingRule | None:
    """The most specific routing rule for the pair (exact category and place beat their parents;
    the category counts first).

    A copy: the caller may read `default_executor` (loaded then) without touching the shared one.
    """
    rules = reference().rules
    for category_path in [*reversed(ancestor_paths(category)), ""]:
        for territory_path in [*reversed(ancestor_paths(territory)), ""]:
            rule = rules.get((category_path, territory_path))
            if rule is not None:
                return copy.copy(rule)
    return None


def ancestor_paths(node: Any) -> list[str]:
    if node is None:
        return []
    step = node.steplen
    return [node.path[:i] for i in range(step, len(node.path) + 1, step)]


def default_unit() -> OrgUnit:
    """Where an appeal goes when nothing else decides: the configured unit, else the top branch."""
    return reference().default_unit(settings.APPEAL_DEFAULT_UNIT)


def _check(intake: Intake, *, public: bool) -> None:
    errors: dict[str, list[Any]] = {}
    text = (intake.text or "").strip()
    if not text:
        errors["text"] = [_("Describe the matter of the appeal.")]
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = [
            _("The text is too long: at most %(max)s characters.") % {"max": f"{TEXT_MAX_LENGTH:,}".replace(",", " ")}
        ]
    if intake.appeal_type not in AppealType.values:
        errors["appeal_type"] = [_("Choose a type of appeal.")]
    if intake.channel not in Channel.values:
        errors["channel"] = [_("Choose how the appeal arrived.")]
    if intake.language not in Language.values:
        errors["language"] = [_("Choose the language of the appeal: Kazakh or Russian.")]
    if intake.answer_channel not in AnswerChannel.values:
        errors["answer_channel"] = [_("Choose how the answer should reach the applicant.")]
    if intake.received_at is not None and intake.received_at > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = [_("The appeal cannot be received in the future.")]
    if intake.applicant_iin and not is_valid_iin(intake.applicant_iin):
        errors["applicant_iin"] = [_("This is not a valid IIN: check the 12 digits.")]
    if intake.is_collective and intake.signatories < 2:
        errors["signatories"] = [_("A collective appeal has at least two signatories.")]
    if not intake.is_anonymous and not intake.applicant_name.strip():
        errors["applicant_name"] = [_("Enter the applicant's name, or mark the appeal as anonymous.")]
    if public and not intake.consent:
        errors["consent"] = [_("Without consent to processing personal data the appeal cannot be sent.")]
    if public and not intake.is_anonymous and not (intake.applicant_phone or intake.applicant_email):
        errors["applicant_phone"] = [_("Give a phone number or an e-mail so that the answer can reach you.")]
    if errors:
        raise ValidationError(errors)


def appeal_register(
    *, actor: Any | None, intake: Intake, public: bool = False, idempotency_key: str | None = None
) -> Registered:
    """Register an appeal and return it with its PIN. `actor` is None for the public site.

    An anonymous appeal is registered and flagged; unless it reports a crime or a threat it is
    then left without consideration by an operator (the law), never silently dropped.
    With an `idempotency_key`, a repeat (even one sent at the same instant) registers nothing and
    returns the first appeal (`created` False): the key is unique, so the repeat's insert fails
    and its whole transaction, its number included, is rolled back.
    """
    try:
        return _register(actor=actor, intake=intake, public=public, idempotency_key=idempotency_key)
    except IntegrityError:
        first = appeal_with_key(idempotency_key) if idempotency_key else None
        if first is None:
            raise
        return Registered(appeal=first, pin="", created=False)


def appeal_with_key(key: str) -> Appeal | None:
    """The appeal registered with this idempotency key, if any."""
    return Appeal.objects.select_related("org_unit").filter(idempotency_key=key).first()


@transaction.atomic
def _register(*, actor: Any | None, intake: Intake, public: bool, idempotency_key: str | None) -> Registered:
    staff = actor if actor is not None and not public else None
    if staff is not None:
        require(staff, AppealAction.REGISTER, intake.org_unit)
    _check(intake, public=public)

    now = timezone.now()
    received_at = intake.received_at or now
    rule = intake.rule if intake.rule is not None else route(intake.category, intake.territory)
    unit = intake.org_unit or (rule.org_unit if rule else None) or default_unit()
    if staff is not None:
        require(staff, AppealAction.REGISTER, unit)  # the unit routing chose, not just "anywhere"
    # The rule's default executor serves the rule's own unit, not a unit the operator chose instead.
    executor = intake.executor or (rule.default_executor if rule and rule.org_unit_id == unit.pk else None)
    if executor is not None and not may_execute(executor, unit):
        if intake.executor is not None:
            raise ValidationError({"executor": [_("This person may not work on appeals of the chosen unit.")]})
        executor = None  # a stale routing rule: the appeal waits in the unit's inbox instead
    pin = f"{secrets.randbelow(1_000_000):06d}"
    registered_on = next_working_day(timezone.localtime(received_at).date())

    appeal = Appeal(
        tracking_code=new_code(),
        pin_hash=pin_hash(pin),
        appeal_type=intake.appeal_type,
        channel=intake.channel,
        language=intake.language,
        subject=intake.subject.strip()[:200],
        text=intake.text.strip(),
        category=intake.category,
        territory=intake.territory,
        address=intake.address.strip(),
        is_collective=intake.is_collective,
        signatories=max(intake.signatories, 1),
        is_anonymous=intake.is_anonymous,
        reports_threat=intake.reports_threat,
        applicant_name="" if intake.is_anonymous else intake.applicant_name.strip(),
        applicant_phone=intake.applicant_phone.strip(),
        applicant_email=intake.applicant_email.strip(),
        applicant_address=intake.applicant_address.strip(),
        answer_channel=intake.answer_channel,
        consent_at=now if intake.consent else None,
        org_unit=unit,
        executor=executor,
        state_body=rule.state_body if rule else None,
        status=AppealStatus.REGISTERED,
        received_at=received_at,
        registered_on=registered_on,
        accepted_by=staff,
        idempotency_key=idempotency_key or None,
    )
    appeal.set_iin(intake.applicant_iin)
    refresh_deadline(appeal, policy=reference().policy(appeal.appeal_type))
    # From taking a number to the commit every other registration waits for the year's counter.
    # Where the database gives the appeal's id beforehand (PostgreSQL), the rows that need only the
    # id are written before (foreign keys are checked at the commit), and the appeal's and its
    # audit event's INSERTs are compiled before: under the lock go only their round trips.
    write_history = partial(
        _write_history, appeal, at=now, staff=staff, rule=rule, executor=executor, booking=intake.booking
    )
    registered = partial(
        audit.prepare,
        actor=staff,
        verb="appeal.registered",
        target=appeal,
        data={"channel": appeal.channel, "type": appeal.appeal_type, "anonymous": appeal.is_anonymous},
    )
    if _reserve_id(appeal):
        write_history()
        appeal.number = ""
        insert_appeal, insert_event = PreparedInsert(appeal), PreparedInsert(registered())
        number = next_number(registered_on.year)
        insert_appeal.set("number", number)
        insert_event.set("target_repr", number)
        insert_appeal.execute()
        insert_event.execute()
    else:
        appeal.number = next_number(registered_on.year)
        appeal.save(force_insert=True)
        write_history()
        registered().save(force_insert=True)
    for upload in intake.attachments:
        attachment_add(appeal=appeal, upload=upload, actor=staff)
    return Registered(appeal=appeal, pin=pin)


def _reserve_id(appeal: Appeal) -> bool:
    """Give the new appeal its id from PostgreSQL's sequence; False elsewhere (SQLite lets one
    writer in at a time anyway: there is no lock to shorten)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Appeal._meta.db_table])
        appeal.pk = cursor.fetchone()[0]
    return True


def _write_history(
    appeal: Appeal, *, at: dt.datetime, staff: Any, rule: RoutingRule | None, executor: Any, booking: Any
) -> None:
    """The rows of a registration that need the appeal's id but not its number: its events, the
    link from the booking it came with, its queued notices."""
    events = [
        AppealEvent(
            appeal=appeal,
            kind="registered",
            to_status=AppealStatus.REGISTERED,
            actor=staff,
            at=at,
            data={"channel": appeal.channel, "unit": appeal.org_unit_id, "rule": rule.pk if rule else None},
            is_public=True,
        )
    ]
    if executor is not None:
        events.append(AppealEvent(appeal=appeal, kind="assigned", actor=None, at=at, data={"executor": executor.pk}))
    AppealEvent.objects.bulk_create(events)
    if booking is not None:
        # The booking list then shows "appeal registered" instead of offering to register again.
        Booking.objects.filter(pk=booking.pk, appeal__isnull=True).update(appeal=appeal)
    from amanat.appeals.notifications import queue_registered

    queue_registered(appeal.pk)


def check_upload(upload: UploadedFile) -> str:
    """The content type of an acceptable attachment, or a ValidationError saying what is wrong."""
    return uploads.check_upload(upload, limit=settings.APPEAL_ATTACHMENT_MAX_BYTES)


def upload_errors(files: list[UploadedFile]) -> list[str]:
    """What is wrong with each of several attachments (empty when all may be kept), for forms."""
    return uploads.upload_errors(files, limit=settings.APPEAL_ATTACHMENT_MAX_BYTES)


@transaction.atomic
def attachment_add(
    *, appeal: Appeal, upload: UploadedFile, actor: Any | None, kind: str = "applicant"
) -> AppealAttachment:
    """Keep a checked file with the appeal (callers have checked the actor's right to add it)."""
    content_type = check_upload(upload)
    attachment = AppealAttachment(
        appeal=appeal,
        kind=kind,
        original_name=(upload.name or "file")[-255:],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name or "file", upload, save=False)
    attachment.save()
    audit.record(
        actor=actor,
        verb="appeal.attachment_added",
        target=appeal,
        data={"attachment": attachment.pk, "name": attachment.original_name, "kind": kind},
    )
    return attachment
