from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AkimConfig(AppConfig):
    name = "amanat.akim"
    label = "akim"
    verbose_name = _("Rural akim elections")

    def ready(self) -> None:
        from amanat.akim.setup import register

        register()
