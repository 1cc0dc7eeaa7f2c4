from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "amanat.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from amanat.accounts.permissions import AccountsAction
        from amanat.accounts.services import sync_builtin_roles
        from amanat.core.permissions import register_actions

        register_actions(
            AccountsAction,
            roles={
                "system_admin": list(AccountsAction),
                "regional_admin": list(AccountsAction),
                "executive_secretary": list(AccountsAction),
                "auditor": [AccountsAction.VIEW_USER, AccountsAction.VIEW_AUDIT],
            },
        )
        post_migrate.connect(sync_builtin_roles, sender=self)
