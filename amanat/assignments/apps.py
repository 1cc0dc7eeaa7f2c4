from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "amanat.assignments"
    label = "assignments"
    verbose_name = _("Assignments and their execution control (поручения)")

    def ready(self) -> None:
        from amanat.assignments.setup import register

        register()
