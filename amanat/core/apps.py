from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "amanat.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from amanat.core import process_cache, signals  # noqa: F401 - connect the caches' invalidation
