"""The meeting's transition table: status -> the statuses it may move to, by named transition."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amanat.meetings.choices import MeetingStatus


class Transition(models.TextChoices):
    HOLD = "hold", _("Mark as held")
    SIGN = "sign", _("Sign the protocol")
    CANCEL = "cancel", _("Cancel the meeting")


# name -> (from statuses, to status)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Transition.HOLD: (frozenset({MeetingStatus.PLANNED}), MeetingStatus.HELD),
    Transition.SIGN: (frozenset({MeetingStatus.HELD}), MeetingStatus.PROTOCOL_SIGNED),
    Transition.CANCEL: (frozenset({MeetingStatus.PLANNED}), MeetingStatus.CANCELLED),
}


def allowed(status: str) -> list[str]:
    """The transitions open from status, in table order."""
    return [name for name, (sources, _to) in TRANSITIONS.items() if status in sources]
