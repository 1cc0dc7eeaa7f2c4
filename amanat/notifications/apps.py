from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "amanat.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from amanat.notifications.choices import BuiltinKind
        from amanat.notifications.registry import register_kind

        register_kind(BuiltinKind.SYSTEM_MESSAGE, email=True, sms=False)
        # Sent by accounts when a role is granted; registered here until accounts registers it.
        register_kind(BuiltinKind.ROLE_GRANTED, email=True, sms=False)
