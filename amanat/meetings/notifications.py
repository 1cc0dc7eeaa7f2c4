"""Notification kinds the meetings module sends."""

from django.utils.translation import gettext_lazy as _

from amanat.notifications.registry import register_kind

INVITED = "meetings.invited"
CANCELLED = "meetings.cancelled"


def register_kinds() -> None:
    register_kind(INVITED, _("I am invited to a meeting"))
    register_kind(CANCELLED, _("A meeting I am invited to is cancelled"))
