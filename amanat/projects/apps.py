from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "amanat.projects"
    label = "projects"
    verbose_name = _("Party projects, events and volunteers")

    def ready(self) -> None:
        from amanat.projects.setup import register

        register()
