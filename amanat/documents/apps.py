from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "amanat.documents"
    label = "documents"
    verbose_name = _("Party documents: charter, decisions, programmes, with versions")

    def ready(self) -> None:
        from amanat.documents.setup import register

        register()
