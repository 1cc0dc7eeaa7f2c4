from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "amanat.meetings"
    label = "meetings"
    verbose_name = _("Meetings, field meetings and protocols")

    def ready(self) -> None:
        from amanat.meetings.setup import register

        register()
