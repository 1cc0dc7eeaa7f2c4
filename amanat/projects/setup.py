"""What the projects app registers when Django starts: its actions and the roles that hold them,
and its audit verbs."""

from __future__ import annotations


def register() -> None:
    from amanat.audit.services import register_verbs
    from amanat.core.permissions import register_actions
    from amanat.projects.audit_verbs import VERBS
    from amanat.projects.permissions import ROLE_ACTIONS, ProjectAction

    register_actions(ProjectAction, roles=ROLE_ACTIONS)
    register_verbs(VERBS)
