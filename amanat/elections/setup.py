"""What the elections app registers when Django starts: its actions and the roles that hold them,
its audit verbs and its sweep."""

from __future__ import annotations


def register() -> None:
    from amanat.audit.services import register_verbs
    from amanat.core.permissions import register_actions
    from amanat.elections.audit_verbs import VERBS
    from amanat.elections.permissions import ROLE_ACTIONS, ElectionAction

    register_actions(ElectionAction, roles=ROLE_ACTIONS)
    register_verbs(VERBS)
