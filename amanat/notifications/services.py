"""Telling people things: the one `notify` every module calls, reading, preferences, delivery.

A notification is rendered in each recipient's own language when it is sent, kept in the
in-app list, and sent by e-mail and SMS as the recipient's preferences say — by background
tasks enqueued after commit, so nothing is sent for a write that was rolled back.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise

from amanat.audit.services import record
from amanat.notifications.choices import OPTIONAL_CHANNELS, Channel, DeliveryStatus
from amanat.notifications.models import Delivery, Notification, Preference
from amanat.notifications.registry import get_kind
from amanat.notifications.sms import send_sms

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A delivery claimed longer ago than this belongs to a worker that died; it may be claimed again.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
# A pending delivery nobody picked up for this long is enqueued again by the sweep.
PENDING_GRACE = dt.timedelta(minutes=5)
SMS_MAX_LENGTH = 300


def _language(user: Any) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    lang = getattr(user, "language", "") or ""
    return lang if lang in codes else settings.LANGUAGE_CODE


def _context_value(value: Any) -> Any:
    if callable(value) and not isinstance(value, Promise):
        value = value()
    return str(value) if isinstance(value, Promise) else value


def render_text(text: Any, context: Mapping[str, Any] | None) -> str:
    """Text (lazy or plain) in the active language, with `{name}` filled from context.

    Context values may be lazy strings or callables (e.g. `lambda: role.name`), resolved in the
    active language too. Without context the text is taken as is (braces and all).
    """
    if text is None:
        return ""
    rendered = str(text)
    if context:
        rendered = rendered.format_map({key: _context_value(value) for key, value in context.items()})
    return rendered


def _wanted_channels(channels: Iterable[Any] | None) -> set[str]:
    if channels is None:
        return {str(c) for c in OPTIONAL_CHANNELS}
    wanted = {str(c) for c in channels}
    unknown = wanted - set(Channel.values)
    if unknown:
        raise ValueError(f"unknown channels: {sorted(unknown)}")
    return wanted


def email_address(user: Any) -> str:
    """The user's e-mail address, or "" (a login by phone leaves none)."""
    address = getattr(user, "email", None) or ""
    return address if "@" in address else ""


def _unique_active(recipients: Iterable[Any]) -> list[Any]:
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is None or not getattr(user, "pk", None) or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: Any,
    body: Any = "",
    url: str = "",
    target: models.Model | None = None,
    channels: Iterable[Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> list[Notification]:
    """Tell each recipient something: in the platform always, by e-mail/SMS as they prefer.

    `title` and `body` are rendered per recipient in their language (pass gettext_lazy strings,
    with `{name}` placeholders filled from `context`). `channels` limits the extra channels of
    this message (e.g. `[Channel.EMAIL]`); the recipient's own opt-outs still apply. Inactive
    users and duplicates are skipped. E-mail and SMS are enqueued after commit.
    """
    kind_def = get_kind(str(kind))
    wanted = _wanted_channels(channels)
    users = _unique_active(recipients)
    if not users:
        return []
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=[u.pk for u in users], kind=kind_def.code)}
    target_type = ContentType.objects.get_for_model(target, for_concrete_model=True) if target is not None else None
    now = timezone.now()
    notifications = []
    for user in users:
        with translation.override(_language(user)):
            rendered_title = render_text(title, context)
            rendered_body = render_text(body, context)
        notifications.append(
            Notification(
                user=user,
                kind=kind_def.code,
                title=" ".join(rendered_title.split())[:255],
                body=rendered_body,
                url=str(url or "")[:500],
                target_type=target_type,
                target_id=str(target.pk) if target is not None else "",
                created_at=now,
            )
        )
    Notification.objects.bulk_create(notifications)

    deliveries = []
    for notification, user in zip(notifications, users, strict=True):
        pref = prefs.get(user.pk)
        for channel, address in ((Channel.EMAIL, email_address(user)), (Channel.SMS, user.phone)):
            chosen = getattr(pref, channel.value) if pref is not None else kind_def.default_for(channel.value)
            if channel.value in wanted and chosen and address:
                deliveries.append(Delivery(notification=notification, channel=channel, address=address, created_at=now))
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        jobs = [(d.channel, d.notification_id) for d in deliveries]
        transaction.on_commit(partial(_enqueue_all, jobs))
    return notifications


def _enqueue_all(jobs: Iterable[tuple[str, int]]) -> None:
    from amanat.notifications import tasks

    for channel, notification_id in jobs:
        task = tasks.send_email_notification if channel == Channel.EMAIL else tasks.send_sms_notification
        try:
            task.enqueue(notification_id=notification_id)
        except Exception:
            # The notification is committed; the sweep (deliveries_retry) will enqueue it again.
            logger.exception("could not enqueue %s delivery of notification %s", channel, notification_id)


# --- Reading --------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user: Any, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (again is harmless)."""
    if notification.user_id != getattr(user, "pk", None):
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: Any) -> int:
    """Mark all the user's unread notifications read; returns how many were unread."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


# --- Preferences ----------------------------------------------------------------------------


@transaction.atomic
def preferences_save(*, user: Any, choices: Mapping[str, Mapping[str, bool]]) -> None:
    """Save the user's e-mail/SMS choice per kind: {kind: {"email": bool, "sms": bool}}.

    Kinds not registered are refused (nothing is saved).
    """
    kinds = {kind: get_kind(kind) for kind in choices}
    existing = {p.kind: p for p in Preference.objects.filter(user=user, kind__in=list(kinds))}
    changes: dict[str, Any] = {}
    for code, kind_def in kinds.items():
        chosen = {
            ch.value: bool(choices[code].get(ch.value, kind_def.default_for(ch.value))) for ch in OPTIONAL_CHANNELS
        }
        pref = existing.get(code)
        before = (
            {"email": pref.email, "sms": pref.sms}
            if pref is not None
            else {ch.value: kind_def.default_for(ch.value) for ch in OPTIONAL_CHANNELS}
        )
        for channel, value in chosen.items():
            if before[channel] != value:
                changes[f"{code}.{channel}"] = [before[channel], value]
        if pref is None:
            Preference.objects.create(user=user, kind=code, **chosen)
        elif before != chosen:
            Preference.objects.filter(pk=pref.pk).update(**chosen)
    if changes:
        record(actor=user, verb="notifications.preferences_changed", target=user, changes=changes)


# --- Delivery (called by the tasks) ---------------------------------------------------------


def _claim(notification_id: int, channel: str, now: dt.datetime) -> bool:
    """Take the delivery for this worker; False when it is sent, taken, given up or absent."""
    retryable = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    claimed = Delivery.objects.filter(
        retryable, notification_id=notification_id, channel=channel, attempts__lt=MAX_ATTEMPTS
    ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return claimed == 1


def site_link(url: str) -> str:
    """An absolute link for e-mail and SMS: relative paths get settings.SITE_URL in front."""
    if not url or url.startswith(("http://", "https://")):
        return url
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if base else url


def _send_email(delivery: Delivery) -> None:
    notification = delivery.notification
    with translation.override(_language(notification.user)):
        text = render_to_string(
            "notifications/email.txt", {"notification": notification, "link": site_link(notification.url)}
        )
        EmailMessage(subject=notification.title, body=text, to=[delivery.address]).send(fail_silently=False)


def _sms_text(notification: Notification) -> str:
    parts = [notification.title]
    if notification.body:
        parts.append(notification.body)
    link = site_link(notification.url)
    text = " — ".join(" ".join(p.split()) for p in parts)
    if len(text) > SMS_MAX_LENGTH:
        text = text[: SMS_MAX_LENGTH - 1] + "…"
    if link.startswith("http"):
        text = f"{text} {link}"
    return text


def _send_sms(delivery: Delivery) -> None:
    send_sms(delivery.address, _sms_text(delivery.notification))


SENDERS: dict[str, Callable[[Delivery], None]] = {Channel.EMAIL.value: _send_email, Channel.SMS.value: _send_sms}


def deliver(*, notification_id: int, channel: str) -> str:
    """Send one notification by one channel, once; returns the delivery's status afterwards.

    Safe to run twice or at once on two workers: only the worker that claims the delivery
    sends. A failure is recorded and left for `deliveries_retry` until MAX_ATTEMPTS.
    """
    channel = str(channel)
    now = timezone.now()
    if not _claim(notification_id, channel, now):
        found = Delivery.objects.filter(notification_id=notification_id, channel=channel).first()
        return found.status if found is not None else ""
    delivery = Delivery.objects.select_related("notification__user").get(
        notification_id=notification_id, channel=channel
    )
    try:
        SENDERS[channel](delivery)
    except Exception as exc:
        logger.warning("%s delivery of notification %s failed: %s", channel, notification_id, exc)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:500]
        )
        return DeliveryStatus.FAILED
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    return DeliveryStatus.SENT


def deliveries_retry(*, now: dt.datetime | None = None) -> int:
    """Enqueue again what is due: failed (under MAX_ATTEMPTS), never picked up, or stuck.

    For the periodic sweep; returns how many deliveries were enqueued.
    """
    now = now or timezone.now()
    due = Delivery.objects.filter(
        Q(status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=DeliveryStatus.PENDING, created_at__lt=now - PENDING_GRACE)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT, attempts__lt=MAX_ATTEMPTS)
    ).values_list("channel", "notification_id")
    jobs = list(due[:5000])
    _enqueue_all(jobs)
    return len(jobs)
