from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "amanat.appeals"
    label = "appeals"
    verbose_name = _("Public reception")

    def ready(self) -> None:
        from amanat.appeals.notifications import register_kinds
        from amanat.appeals.permissions import ROLE_ACTIONS, AppealAction
        from amanat.core.permissions import register_actions

        register_actions(AppealAction, roles=ROLE_ACTIONS)
        register_kinds()

        from amanat.appeals.audit_verbs import VERBS
        from amanat.audit.services import register_verbs

        register_verbs(VERBS)

        # Importing these registers their `amanat sweep` jobs.
        from amanat.appeals import (
            intelligence,  # noqa: F401
            sweeps,  # noqa: F401
        )
        from amanat.appeals.services import receptions, routing  # noqa: F401
