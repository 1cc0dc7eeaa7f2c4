from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "amanat.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from amanat.audit.db import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="amanat-audit-sqlite")
