"""notify(): in-app always, e-mail and SMS by preference, in each recipient's language, after commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy

from amanat.accounts.models import User
from amanat.audit.models import AuditEvent
from amanat.notifications import registry
from amanat.notifications.choices import BuiltinKind, Channel, DeliveryStatus
from amanat.notifications.models import Delivery, Notification, Preference
from amanat.notifications.registry import all_kinds, register_kind
from amanat.notifications.selectors import preferences_for, unread_count
from amanat.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    notify,
    preferences_save,
    render_text,
)

pytestmark = pytest.mark.django_db


def phone_only_user(phone: str = "+77011234567", language: str = "ru") -> User:
    return User.objects.create_user(phone, "correct-horse-battery", full_name="Phone Only", language=language)


class BoomError(Exception):
    pass


def test_each_recipient_reads_the_title_in_their_own_language(person: Any) -> None:
    kazakh, russian = person(language="kk"), person(language="ru")
    notify(
        recipients=[kazakh, russian],
        kind=BuiltinKind.SYSTEM_MESSAGE,
        title=gettext_lazy("Password"),  # Django's own catalogue translates this one
        body="[{lang}]",
        context={"lang": translation.get_language},
    )
    by_user = {n.user_id: n for n in Notification.objects.all()}
    assert by_user[russian.pk].title == "Пароль"
    assert by_user[russian.pk].body == "[ru]"
    assert by_user[kazakh.pk].body == "[kk]"


def test_placeholders_are_filled_and_text_without_context_is_kept_as_is() -> None:
    assert render_text("Role {role} on {unit}", {"role": "operator", "unit": lambda: "Makat"}) == (
        "Role operator on Makat"
    )
    assert render_text("Braces {stay} without context", None) == "Braces {stay} without context"


def test_in_app_notification_keeps_link_kind_and_target(person: Any, tree: Any) -> None:
    user = person()
    [notification] = notify(
        recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title="Hello", url="/manage/", target=tree.makat
    )
    notification.refresh_from_db()
    assert notification.user == user
    assert notification.kind == "system.message"
    assert notification.url == "/manage/"
    assert notification.target_id == str(tree.makat.pk)
    assert notification.target_type.model == "orgunit"
    assert notification.read_at is None
    assert unread_count(user) == 1


def test_email_is_sent_after_commit_with_an_absolute_link(person: Any, django_capture_on_commit_callbacks: Any) -> None:
    user = person(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = notify(
            recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title="Meeting moved", body="To Friday.", url="/x/"
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Meeting moved"
    assert "To Friday." in message.body
    assert "https://amanat.example.kz/x/" in message.body
    delivery = Delivery.objects.get(notification=notification)
    assert delivery.channel == Channel.EMAIL
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None


def test_nothing_is_kept_or_sent_when_the_callers_transaction_rolls_back(
    person: Any, django_capture_on_commit_callbacks: Any, sms_outbox: list
) -> None:
    user = person()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(BoomError),
        transaction.atomic(),
    ):
        notify(recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title="Never")
        raise BoomError
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_sms_goes_only_to_users_who_switched_it_on(
    person: Any, django_capture_on_commit_callbacks: Any, sms_outbox: list
) -> None:
    quiet = person(phone="+77011110000")
    keen = person(phone="+77012220000")
    preferences_save(user=keen, choices={BuiltinKind.SYSTEM_MESSAGE: {"email": False, "sms": True}})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[quiet, keen], kind=BuiltinKind.SYSTEM_MESSAGE, title="Flood warning", body="Stay home.")
    assert sms_outbox == [("+77012220000", "Flood warning — Stay home.")]
    assert [m.to for m in mail.outbox] == [[quiet.email]]  # keen switched e-mail off


def test_sms_text_is_cut_to_a_readable_length(
    person: Any, django_capture_on_commit_callbacks: Any, sms_outbox: list
) -> None:
    user = person(phone="+77013330000")
    preferences_save(user=user, choices={BuiltinKind.SYSTEM_MESSAGE: {"email": False, "sms": True}})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title="T", body="x" * 1000, url="/a/")
    [(_phone, text)] = sms_outbox
    assert len(text) < 350
    assert text.endswith("https://amanat.example.kz/a/")


def test_user_without_email_gets_no_email_but_still_the_in_app_notification(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = phone_only_user()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title="Hi")
    assert Notification.objects.filter(user=user).count() == 1
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_channels_argument_limits_this_message_to_in_app(person: Any, django_capture_on_commit_callbacks: Any) -> None:
    user = person(phone="+77014440000")
    preferences_save(user=user, choices={BuiltinKind.SYSTEM_MESSAGE: {"email": True, "sms": True}})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title="Chatty", channels=[Channel.IN_APP])
    assert Notification.objects.count() == 1
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_channels_argument_does_not_override_an_opt_out(person: Any, django_capture_on_commit_callbacks: Any) -> None:
    user = person()
    preferences_save(user=user, choices={BuiltinKind.SYSTEM_MESSAGE: {"email": False, "sms": False}})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title="x", channels=[Channel.EMAIL])
    assert mail.outbox == []


def test_unknown_kind_or_channel_is_refused_and_nothing_is_created(person: Any) -> None:
    user = person()
    with pytest.raises(LookupError, match="unknown notification kind"):
        notify(recipients=[user], kind="appeals.tyop", title="x")
    with pytest.raises(ValueError, match="unknown channels"):
        notify(recipients=[user], kind=BuiltinKind.SYSTEM_MESSAGE, title="x", channels=["pigeon"])
    assert Notification.objects.count() == 0


def test_inactive_duplicate_and_missing_recipients_are_skipped(person: Any) -> None:
    active, gone = person(), person(is_active=False)
    created = notify(recipients=[active, active, gone, None], kind=BuiltinKind.SYSTEM_MESSAGE, title="x")
    assert [n.user_id for n in created] == [active.pk]
    assert notify(recipients=[], kind=BuiltinKind.SYSTEM_MESSAGE, title="x") == []


def test_many_recipients_cost_a_fixed_number_of_queries(person: Any, django_assert_max_num_queries: Any) -> None:
    users = [person() for _ in range(30)]
    with django_assert_max_num_queries(8):
        notify(recipients=users, kind=BuiltinKind.SYSTEM_MESSAGE, title="To everyone")
    assert Notification.objects.count() == 30
    assert Delivery.objects.count() == 30


def test_marking_read_is_for_the_owner_only(person: Any) -> None:
    owner, other = person(), person()
    [notification] = notify(recipients=[owner], kind=BuiltinKind.SYSTEM_MESSAGE, title="x")
    with pytest.raises(PermissionDenied):
        notification_mark_read(user=other, notification=notification)
    notification.refresh_from_db()
    assert notification.read_at is None
    notification_mark_read(user=owner, notification=notification)
    first_read = Notification.objects.get(pk=notification.pk).read_at
    assert first_read is not None
    notification_mark_read(user=owner, notification=notification)  # again: harmless, time kept
    assert Notification.objects.get(pk=notification.pk).read_at == first_read


def test_mark_all_read_touches_only_the_users_unread(person: Any) -> None:
    me, other = person(), person()
    notify(recipients=[me, other], kind=BuiltinKind.SYSTEM_MESSAGE, title="a")
    notify(recipients=[me], kind=BuiltinKind.SYSTEM_MESSAGE, title="b")
    assert notifications_mark_all_read(user=me) == 2
    assert unread_count(me) == 0
    assert unread_count(other) == 1
    assert notifications_mark_all_read(user=me) == 0


def test_preferences_default_to_the_kinds_defaults_and_changes_are_audited(person: Any) -> None:
    user = person()
    rows = {row["kind"].code: row for row in preferences_for(user)}
    assert rows["system.message"]["email"] is True
    assert rows["system.message"]["sms"] is False
    assert {"system.message", "accounts.role_granted"} <= set(rows)

    preferences_save(user=user, choices={"system.message": {"email": False, "sms": True}})
    pref = Preference.objects.get(user=user, kind="system.message")
    assert (pref.email, pref.sms) == (False, True)
    event = AuditEvent.objects.get(verb="notifications.preferences_changed")
    assert event.changes == {"system.message.email": [True, False], "system.message.sms": [False, True]}

    preferences_save(user=user, choices={"system.message": {"email": False, "sms": True}})
    assert AuditEvent.objects.filter(verb="notifications.preferences_changed").count() == 1  # no change, no event


def test_preferences_for_an_unknown_kind_are_refused_and_nothing_saved(person: Any) -> None:
    user = person()
    with pytest.raises(LookupError):
        preferences_save(user=user, choices={"system.message": {"email": False}, "no.such": {"email": True}})
    assert not Preference.objects.exists()


def test_registered_kinds_need_a_namespace_and_carry_their_defaults(monkeypatch: Any) -> None:
    monkeypatch.setattr(registry, "_KINDS", dict(registry._KINDS))
    with pytest.raises(ValueError, match="namespaced"):
        register_kind("plain", "Plain")
    register_kind("tests.loud", "Loud", email=False, sms=True)
    loud = next(k for k in all_kinds() if k.code == "tests.loud")
    assert (loud.email, loud.sms, str(loud.label)) == (False, True, "Loud")
