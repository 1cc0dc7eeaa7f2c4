"""Who is told what about appeals: staff through `notify`, applicants by e-mail and SMS.

OWNED BY HELPER G — the functions below are the interface the services call after commit.
"""

from __future__ import annotations


def register_kinds() -> None:
    """Register the notification kinds of the appeals app (called from AppConfig.ready)."""


def on_registered(appeal_id: int) -> None:
    """A new appeal: tell the applicant (number, tracking code) and the executor/unit staff."""


def on_public_change(appeal_id: int, event_id: int) -> None:
    """A public step (taken, forwarded, extended, answered, closed…): tell the applicant."""


def on_review_needed(appeal_id: int) -> None:
    """A low rating or "not solved": tell party control of the appeal's unit."""
