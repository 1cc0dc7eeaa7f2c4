"""Citizens who follow a public item by e-mail: ask, confirm by a link, be told of status changes.

No account: the address is proven by a confirmation link, every message carries a link to stop,
and the answer to a request is the same whether or not the address already follows (no probing).
Requests are limited per address and hour. Mail goes out after the transaction commits.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amanat.core.i18n import LANGUAGE_CODES
from amanat.notifications.services import site_link
from amanat.programme.models import Follower, Item

logger = logging.getLogger(__name__)

FOLLOW_PER_HOUR = 5  # requests per address and hour


def _normalise(email: str) -> str:
    return (email or "").strip().lower()


def _rate_key(email: str) -> str:
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    return f"programme:follow:{digest}:{int(time.time() // 3600)}"


def _count_rate(email: str) -> bool:
    """Count one request for the address; False when the address is past its hourly limit."""
    key = _rate_key(email)
    if cache.add(key, 1, 3600):
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)
        count = 1
    return count <= FOLLOW_PER_HOUR


def _language(language: str) -> str:
    code = (language or "").split("-")[0]
    return code if code in LANGUAGE_CODES else "ru"


def _send(follower_id: int, template: str) -> None:
    """Render and send one message to a follower in their language (after commit; never raises)."""
    follower = Follower.objects.select_related("item", "item__programme").filter(pk=follower_id).first()
    if follower is None:
        return
    with translation.override(follower.language):
        context = {
            "item": follower.item,
            "follower": follower,
            "item_link": site_link(reverse("programme:tracker-item", args=[follower.item_id])),
            "confirm_link": site_link(reverse("programme:follow-confirm", args=[follower.token])),
            "unfollow_link": site_link(reverse("programme:unfollow", args=[follower.token])),
        }
        subjects = {
            "confirm": _("Confirm that you want to follow a programme item"),
            "already": _("You already follow this programme item"),
            "status": _("The status of a programme item has changed"),
        }
        body = render_to_string(f"programme/email/{template}.txt", context)
        subject = f"{subjects[template]}: {follower.item.code}".strip()
    try:
        EmailMessage(subject=subject, body=body, to=[follower.email]).send(fail_silently=False)
    except Exception:  # a mail server down must not break the page that caused the message
        logger.exception("programme: could not send %s mail to follower %s", template, follower_id)


def _send_on_commit(follower_id: int, template: str) -> None:
    transaction.on_commit(lambda: _send(follower_id, template), robust=True)


@transaction.atomic
def follow_request(*, item: Item, email: str, language: str = "ru") -> None:
    """Ask to follow a published item. Sends a confirmation link (or, to an address that already
    follows, a reminder with the link to stop); the caller shows the same answer either way.

    Raises ValidationError({"email": ...}) for a bad address or an address past its hourly limit.
    """
    address = _normalise(email)
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if not Item.objects.published().filter(pk=item.pk).exists():
        raise ValidationError({"email": _("This item is not shown on the public tracker.")})
    if not _count_rate(address):
        raise ValidationError({"email": _("Too many requests for this address. Please try again in an hour.")})
    existing = Follower.objects.filter(item=item, email=address).first()
    if existing is not None:
        _send_on_commit(existing.pk, "already" if existing.confirmed_at else "confirm")
        return
    try:
        with transaction.atomic():
            follower = Follower.objects.create(
                item=item, email=address, language=_language(language), token=secrets.token_urlsafe(32)
            )
    except IntegrityError:  # the same address asked twice at once: the first request wins
        return
    _send_on_commit(follower.pk, "confirm")


@transaction.atomic
def follow_confirm(*, token: str) -> Follower | None:
    """Confirm the address behind this token; None when the token is unknown."""
    follower = Follower.objects.select_for_update().filter(token=token or "").first()
    if follower is None:
        return None
    if follower.confirmed_at is None:
        follower.confirmed_at = timezone.now()
        follower.save(update_fields=["confirmed_at"])
    return follower


@transaction.atomic
def unfollow(*, token: str) -> bool:
    """Stop following: the record (and the address with it) is deleted. False for an unknown token."""
    deleted, _rows = Follower.objects.filter(token=token or "").delete()
    return bool(deleted)


def notify_status_changes(items: Iterable[Item]) -> int:
    """Tell the confirmed followers of each changed published item, after commit, in their language,
    with the link to stop. Returns how many messages were queued."""
    ids = {item.pk for item in items}
    if not ids:
        return 0
    followers = Follower.objects.filter(
        item__in=Item.objects.published().filter(pk__in=ids), confirmed_at__isnull=False
    ).values_list("pk", flat=True)
    count = 0
    for follower_id in followers:
        _send_on_commit(follower_id, "status")
        count += 1
    return count
