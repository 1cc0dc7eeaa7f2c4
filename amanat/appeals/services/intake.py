"""Registering an appeal, from any door: the staff form, the public site, the API.

An appeal is never refused: whatever the routing finds (or does not), it is registered at once
with a number and a coupon, and lands in a unit's inbox.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import AnswerChannel, AppealStatus, AppealType, Channel, Language
from amanat.appeals.models import Appeal, AppealAttachment, AppealCounter, AppealEvent, Booking, Category, RoutingRule
from amanat.appeals.models.appeals import TEXT_MAX_LENGTH
from amanat.appeals.permissions import AppealAction
from amanat.appeals.services.deadlines import refresh_deadline
from amanat.appeals.services.transitions import may_execute
from amanat.audit import services as audit
from amanat.core.calendar import next_working_day
from amanat.core.crypto import keyed_hash
from amanat.core.iin import is_valid_iin
from amanat.core.permissions import require
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
    """The next registration number for the year: `АТР-2026-000123`. Call inside a transaction."""
    prefix = settings.APPEAL_NUMBER_PREFIX
    counter = AppealCounter.objects.select_for_update().filter(prefix=prefix, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                AppealCounter.objects.create(prefix=prefix, year=year, last=0)
        except IntegrityError:
            pass  # another request created it first
        counter = AppealCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


def route(category: Category | None, territory: Territory | None) -> RoutingRule | None:
    """The most specific routing rule for the pair (exact category and place beat their parents)."""
    cat_paths = ancestor_paths(category)
    ter_paths = ancestor_paths(territory)
    candidates = list(
        RoutingRule.objects.select_related("category", "territory", "org_unit", "default_executor", "state_body")
        .filter(Q(category__isnull=True) | Q(category__path__in=cat_paths))
        .filter(Q(territory__isnull=True) | Q(territory__path__in=ter_paths))
    )
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda r: (len(r.category.path) if r.category_id else 0, len(r.territory.path) if r.territory_id else 0),
    )


def ancestor_paths(node: Any) -> list[str]:
    if node is None:
        return []
    step = node.steplen
    return [node.path[:i] for i in range(step, len(node.path) + 1, step)]


def default_unit() -> OrgUnit:
    """Where an appeal goes when nothing else decides: the configured unit, else the top branch."""
    code = settings.APPEAL_DEFAULT_UNIT
    if code:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is not None:
            return unit
    unit = OrgUnit.objects.filter(kind="regional", is_active=True).order_by("path").first()
    return unit or OrgUnit.objects.order_by("path").first()


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


@transaction.atomic
def appeal_register(
    *, actor: Any | None, intake: Intake, public: bool = False, idempotency_key: str | None = None
) -> Registered:
    """Register an appeal and return it with its PIN. `actor` is None for the public site.

    An anonymous appeal is registered and flagged; unless it reports a crime or a threat it is
    then left without consideration by an operator (the law), never silently dropped.
    """
    if actor is not None and not public:
        require(actor, AppealAction.REGISTER, intake.org_unit)
    if idempotency_key:
        existing = Appeal.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return Registered(appeal=existing, pin="", created=False)
    _check(intake, public=public)

    now = timezone.now()
    received_at = intake.received_at or now
    rule = intake.rule if intake.rule is not None else route(intake.category, intake.territory)
    unit = intake.org_unit or (rule.org_unit if rule else None) or default_unit()
    if actor is not None and not public:
        require(actor, AppealAction.REGISTER, unit)  # the unit routing chose, not just "anywhere"
    # The rule's default executor serves the rule's own unit, not a unit the operator chose instead.
    executor = intake.executor or (rule.default_executor if rule and rule.org_unit_id == unit.pk else None)
    if executor is not None and not may_execute(executor, unit):
        if intake.executor is not None:
            raise ValidationError({"executor": [_("This person may not work on appeals of the chosen unit.")]})
        executor = None  # a stale routing rule: the appeal waits in the unit's inbox instead
    pin = f"{secrets.randbelow(1_000_000):06d}"
    registered_on = next_working_day(timezone.localtime(received_at).date())

    appeal = Appeal(
        number=next_number(registered_on.year),
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
        accepted_by=actor if actor is not None and not public else None,
        idempotency_key=idempotency_key or None,
    )
    appeal.set_iin(intake.applicant_iin)
    refresh_deadline(appeal)
    try:
        with transaction.atomic():
            appeal.save(force_insert=True)
    except IntegrityError:
        # The same idempotency key sent twice at once: the other request registered it first.
        existing = Appeal.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            raise
        return Registered(appeal=existing, pin="", created=False)
    AppealEvent.objects.create(
        appeal=appeal,
        kind="registered",
        to_status=AppealStatus.REGISTERED,
        actor=actor if actor is not None and not public else None,
        at=now,
        data={"channel": appeal.channel, "unit": unit.pk, "rule": rule.pk if rule else None},
        is_public=True,
    )
    if executor is not None:
        AppealEvent.objects.create(appeal=appeal, kind="assigned", actor=None, at=now, data={"executor": executor.pk})
    if intake.booking is not None:
        # The booking list then shows "appeal registered" instead of offering to register again.
        Booking.objects.filter(pk=intake.booking.pk, appeal__isnull=True).update(appeal=appeal)
    for upload in intake.attachments:
        attachment_add(appeal=appeal, upload=upload, actor=actor if not public else None)
    audit.record(
        actor=actor if not public else None,
        verb="appeal.registered",
        target=appeal,
        data={"channel": appeal.channel, "type": appeal.appeal_type, "anonymous": appeal.is_anonymous},
    )
    from amanat.appeals.notifications import on_registered

    appeal_id = appeal.pk
    transaction.on_commit(lambda: on_registered(appeal_id), robust=True)
    return Registered(appeal=appeal, pin=pin)


ALLOWED_TYPES = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/pdf": (".pdf",),
}
# The first bytes each type must start with: the browser's word for the type is not trusted.
MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n", "application/pdf": b"%PDF-"}


def check_upload(upload: UploadedFile) -> str:
    """The content type of an acceptable upload, or a ValidationError saying what is wrong."""
    limit = settings.APPEAL_ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file “%(name)s” is too large: at most %(mb)s MB.") % {"name": upload.name, "mb": limit // 2**20}
        )
    name = (upload.name or "").lower()
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for content_type, suffixes in ALLOWED_TYPES.items():
        if name.endswith(suffixes) and head.startswith(MAGIC[content_type]):
            return content_type
    raise ValidationError(
        _("The file “%(name)s” is not accepted: attach JPEG or PNG images or PDF documents.") % {"name": upload.name}
    )


def upload_errors(uploads: list[UploadedFile]) -> list[str]:
    """What is wrong with each of several uploads (empty when all may be kept), for forms."""
    errors: list[str] = []
    for upload in uploads:
        try:
            check_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    return errors


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
