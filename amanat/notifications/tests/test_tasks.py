"""Delivery tasks: idempotent (a task run twice sends once), failures recorded and retried."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from amanat.notifications import tasks
from amanat.notifications.choices import BuiltinKind, DeliveryStatus
from amanat.notifications.models import Delivery
from amanat.notifications.services import MAX_ATTEMPTS, deliveries_retry, notify, preferences_save
from amanat.notifications.sms import LocmemSmsBackend, SmsError

pytestmark = pytest.mark.django_db


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("mail server went away")


class RefusingSmsBackend(LocmemSmsBackend):
    def send(self, phone: str, text: str) -> None:
        raise SmsError("gateway says no")


@pytest.fixture
def pending(person: Any) -> Delivery:
    """A committed notification whose e-mail has not been sent yet (the task not yet run)."""
    user = person()
    [notification] = notify(recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title="Report due")
    return Delivery.objects.get(notification=notification)


def test_running_the_email_task_twice_sends_one_email(pending: Delivery) -> None:
    first = tasks.send_email_notification.enqueue(notification_id=pending.notification_id)
    second = tasks.send_email_notification.enqueue(notification_id=pending.notification_id)
    assert first.return_value == DeliveryStatus.SENT
    assert second.return_value == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == (DeliveryStatus.SENT, 1)


def test_task_for_a_notification_without_that_channel_does_nothing(pending: Delivery, sms_outbox: list) -> None:
    result = tasks.send_sms_notification.enqueue(notification_id=pending.notification_id)
    assert result.return_value == ""
    assert sms_outbox == []


def test_failed_email_is_recorded_and_the_sweep_sends_it_later(pending: Delivery, settings: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    tasks.send_email_notification.enqueue(notification_id=pending.notification_id)
    pending.refresh_from_db()
    assert pending.status == DeliveryStatus.FAILED
    assert "mail server went away" in pending.last_error
    assert pending.sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliveries_retry() == 1
    pending.refresh_from_db()
    assert (pending.status, pending.attempts, pending.last_error) == (DeliveryStatus.SENT, 2, "")
    assert len(mail.outbox) == 1
    assert deliveries_retry() == 0


def test_failed_sms_is_recorded(person: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.SMS_BACKEND = f"{__name__}.RefusingSmsBackend"
    user = person(phone="+77015550000")
    preferences_save(user=user, choices={BuiltinKind.SYSTEM_MESSAGE: {"email": False, "sms": True}})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title="x")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "gateway says no" in delivery.last_error


def test_delivery_gives_up_after_the_last_attempt(pending: Delivery, settings: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    for _ in range(MAX_ATTEMPTS + 2):
        tasks.send_email_notification.enqueue(notification_id=pending.notification_id)
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert deliveries_retry() == 0


def test_a_delivery_being_sent_is_not_sent_again_until_its_claim_is_stale(pending: Delivery) -> None:
    # Another worker claimed it a minute ago: leave it alone.
    Delivery.objects.filter(pk=pending.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(minutes=1), attempts=1
    )
    tasks.send_email_notification.enqueue(notification_id=pending.notification_id)
    assert mail.outbox == []
    # That worker died long ago: the sweep takes the delivery over.
    Delivery.objects.filter(pk=pending.pk).update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    assert deliveries_retry() == 1
    assert len(mail.outbox) == 1


def test_sweep_enqueues_pending_deliveries_that_no_worker_picked_up(pending: Delivery) -> None:
    assert deliveries_retry() == 0  # just created: its own task is still on the way
    assert deliveries_retry(now=timezone.now() + dt.timedelta(minutes=30)) == 1
    assert len(mail.outbox) == 1
