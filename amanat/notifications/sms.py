"""Sending SMS through a pluggable backend, chosen by `settings.SMS_BACKEND`.

A real gateway (Kcell, Beeline, Mobizon…) is one subclass of `BaseSmsBackend` whose `send`
raises `SmsError` on failure; the delivery task records the error and may retry.
"""

from __future__ import annotations

import logging
import sys
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not accept the message."""


class BaseSmsBackend:
    def send(self, phone: str, text: str) -> None:
        """Send text to phone (+7XXXXXXXXXX) or raise SmsError."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes messages to the console and the log: for the demo and development."""

    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"SMS to {phone}: {text}\n")
        sys.stdout.flush()
        logger.info("SMS to %s: %s", phone, text)


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in `LocmemSmsBackend.outbox` (a list of (phone, text)): for tests."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        if not phone:
            raise SmsError("no phone number")
        self.outbox.append((phone, text))


def get_backend(path: str | None = None) -> BaseSmsBackend:
    return import_string(path or settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    get_backend().send(phone, text)
