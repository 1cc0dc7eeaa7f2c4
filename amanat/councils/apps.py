from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "amanat.councils"
    label = "councils"
    verbose_name = _("Public councils and the fate of their recommendations")

    def ready(self) -> None:
        from amanat.councils.setup import register

        register()
