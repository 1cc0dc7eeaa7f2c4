"""What the akim app registers when Django starts: its actions and the roles that hold them,
and its audit verbs."""

from __future__ import annotations


def register() -> None:
    from amanat.akim.audit_verbs import VERBS
    from amanat.akim.permissions import ROLE_ACTIONS, AkimAction
    from amanat.audit.services import register_verbs
    from amanat.core.permissions import register_actions

    register_actions(AkimAction, roles=ROLE_ACTIONS)
    register_verbs(VERBS)
