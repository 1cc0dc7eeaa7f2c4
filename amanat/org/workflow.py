"""Membership status transitions: which status may follow which, by name.

    active ──suspend──▶ suspended ──reinstate──▶ active
    active / suspended ──leave──▶ left      (final: only a new admission brings a person back)

Pure data and one look-up; the service `member_transition` applies it, audited.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amanat.org.choices import MemberStatus


class MemberTransition(models.TextChoices):
    SUSPEND = "suspend", _("Suspend membership")
    REINSTATE = "reinstate", _("Reinstate membership")
    LEAVE = "leave", _("End membership (left the party)")


# transition -> (allowed from, to)
MEMBER_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    MemberTransition.SUSPEND: (frozenset({MemberStatus.ACTIVE}), MemberStatus.SUSPENDED),
    MemberTransition.REINSTATE: (frozenset({MemberStatus.SUSPENDED}), MemberStatus.ACTIVE),
    MemberTransition.LEAVE: (frozenset({MemberStatus.ACTIVE, MemberStatus.SUSPENDED}), MemberStatus.LEFT),
}


def allowed_targets(status: str) -> list[str]:
    """The statuses a member in `status` may move to."""
    return [to for sources, to in MEMBER_TRANSITIONS.values() if status in sources]


def transition_to(status: str, target: str) -> MemberTransition | None:
    """The named transition from status to target, or None when the table does not allow it."""
    for name, (sources, to) in MEMBER_TRANSITIONS.items():
        if to == target and status in sources:
            return MemberTransition(name)
    return None
