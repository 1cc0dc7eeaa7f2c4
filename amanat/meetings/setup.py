"""What the meetings app registers when Django starts: its actions and the roles that hold them,
its audit verbs and its notification kinds."""

from __future__ import annotations


def register() -> None:
    from amanat.audit.services import register_verbs
    from amanat.core.permissions import register_actions
    from amanat.meetings.audit_verbs import VERBS
    from amanat.meetings.notifications import register_kinds
    from amanat.meetings.permissions import ROLE_ACTIONS, MeetingAction

    register_actions(MeetingAction, roles=ROLE_ACTIONS)
    register_verbs(VERBS)
    register_kinds()
