from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "amanat.programme"
    label = "programme"
    verbose_name = _("Election programme control")

    def ready(self) -> None:
        from amanat.audit.services import register_verbs
        from amanat.core.permissions import register_actions
        from amanat.programme.audit_verbs import VERBS
        from amanat.programme.permissions import ROLE_ACTIONS, ProgrammeAction

        register_actions(ProgrammeAction, roles=ROLE_ACTIONS)
        register_verbs(VERBS)

        from amanat.programme import (  # noqa: F401 - register the sweep jobs (and their notification kinds)
            sweeps,
            sweeps_control,
        )
