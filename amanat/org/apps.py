from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "amanat.org"
    label = "org"
    verbose_name = _("Party structure")

    def ready(self) -> None:
        from amanat.core.permissions import register_actions
        from amanat.org.permissions import ROLE_ACTIONS, OrgAction

        register_actions(OrgAction, roles=ROLE_ACTIONS)

        from amanat.audit.services import register_verbs
        from amanat.org.services.people import PeopleVerb

        register_verbs({verb.value: verb.label for verb in PeopleVerb})
