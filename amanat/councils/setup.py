"""What the councils app registers when Django starts: its actions and the roles that hold them,
its audit verbs, its sweep jobs and notification kinds."""

from __future__ import annotations


def register() -> None:
    from amanat.audit.services import register_verbs
    from amanat.core.permissions import register_actions
    from amanat.councils.audit_verbs import VERBS
    from amanat.councils.permissions import ROLE_ACTIONS, CouncilAction

    register_actions(CouncilAction, roles=ROLE_ACTIONS)
    register_verbs(VERBS)

    from amanat.councils import sweeps  # noqa: F401 - registers the sweep job and its notification kinds
