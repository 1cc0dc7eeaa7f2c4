from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "amanat.elections"
    label = "elections"
    verbose_name = _("Intra-party elections")

    def ready(self) -> None:
        from amanat.elections.setup import register

        register()
