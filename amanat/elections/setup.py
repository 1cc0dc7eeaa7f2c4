"""What the elections app registers when Django starts: its actions and the roles that hold them,
its audit verbs and its sweep."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from amanat.audit.services import register_verbs
    from amanat.core.permissions import register_actions
    from amanat.elections.audit_verbs import VERBS
    from amanat.elections.permissions import ROLE_ACTIONS, ElectionAction

    register_actions(ElectionAction, roles=ROLE_ACTIONS)
    register_verbs(VERBS)

    from amanat.elections import sweeps  # noqa: F401  (registers the elections' sweep job)
    from amanat.elections.services.nominations import NOTIFY_KIND
    from amanat.elections.services.tally import NOTIFY_KIND as RESULT_KIND
    from amanat.notifications.registry import register_kind

    register_kind(NOTIFY_KIND, _("Your nominations in party elections"))
    register_kind(RESULT_KIND, _("An election's result is published"))
