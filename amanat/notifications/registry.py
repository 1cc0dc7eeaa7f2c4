"""Kinds of notification: each app registers the kinds it sends, with default channels.

The preferences page lists the registered kinds; `notify` refuses an unknown kind, so a typo
in a kind code fails in tests rather than silently sending nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_KINDS: dict[str, NotificationKind] = {}


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: Any  # a lazy translated string
    email: bool = True  # e-mail on unless the user switches it off
    sms: bool = False  # SMS off unless the user switches it on
    description: Any = ""

    def default_for(self, channel: str) -> bool:
        return bool(getattr(self, channel, False))


def register_kind(
    code: Any, label: Any = None, *, email: bool = True, sms: bool = False, description: Any = ""
) -> None:
    """Declare a kind (from the sending app's `AppConfig.ready`). Registering again replaces it.

    `code` may be a TextChoices member, whose label is then used when `label` is not given.
    """
    if label is None:
        label = getattr(code, "label", str(code))
    code = str(code)
    if "." not in code:
        raise ValueError(f"notification kind {code!r} must be namespaced: '<app>.<what>'")
    _KINDS[code] = NotificationKind(code=code, label=label, email=email, sms=sms, description=description)


def get_kind(code: str) -> NotificationKind:
    try:
        return _KINDS[code]
    except KeyError as exc:
        raise LookupError(f"unknown notification kind {code!r}; register it with register_kind()") from exc


def all_kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)
