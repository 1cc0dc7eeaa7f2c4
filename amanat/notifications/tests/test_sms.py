"""The SMS adapter: the backend named in settings.SMS_BACKEND sends."""

from __future__ import annotations

from typing import Any

import pytest

from amanat.notifications.sms import (
    BaseSmsBackend,
    ConsoleSmsBackend,
    LocmemSmsBackend,
    SmsError,
    get_backend,
    send_sms,
)


def test_locmem_backend_keeps_messages_for_tests(sms_outbox: list) -> None:
    send_sms("+77011234567", "Сәлем")
    assert sms_outbox == [("+77011234567", "Сәлем")]


def test_locmem_backend_refuses_an_empty_number(sms_outbox: list) -> None:
    with pytest.raises(SmsError):
        send_sms("", "text")
    assert sms_outbox == []


def test_console_backend_prints_the_message(settings: Any, capsys: Any) -> None:
    settings.SMS_BACKEND = "amanat.notifications.sms.ConsoleSmsBackend"
    assert isinstance(get_backend(), ConsoleSmsBackend)
    send_sms("+77011234567", "Hello")
    assert "SMS to +77011234567: Hello" in capsys.readouterr().out


def test_backend_is_chosen_by_setting_and_a_gateway_must_implement_send(settings: Any) -> None:
    assert isinstance(get_backend(), LocmemSmsBackend)
    with pytest.raises(NotImplementedError):
        BaseSmsBackend().send("+77011234567", "x")
