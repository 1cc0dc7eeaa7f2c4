"""Background sending of notifications. Tasks take ids and may run twice (see services.deliver)."""

from __future__ import annotations

from django_tasks import task

from amanat.notifications.choices import Channel
from amanat.notifications.services import deliver


@task()
def send_email_notification(notification_id: int) -> str:
    return deliver(notification_id=notification_id, channel=Channel.EMAIL)


@task()
def send_sms_notification(notification_id: int) -> str:
    return deliver(notification_id=notification_id, channel=Channel.SMS)
