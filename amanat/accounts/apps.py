from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "amanat.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from amanat.accounts.api.authentication import connect_signals
        from amanat.accounts.choices import AccountsVerb
        from amanat.accounts.permissions import AccountsAction
        from amanat.accounts.services import sync_builtin_roles
        from amanat.accounts.signals import on_logged_in, on_logged_out
        from amanat.audit.services import register_verbs
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
        register_verbs({verb.value: verb.label for verb in AccountsVerb})
        post_migrate.connect(sync_builtin_roles, sender=self)
        user_logged_in.connect(on_logged_in, dispatch_uid="amanat.accounts.logged_in")
        user_logged_out.connect(on_logged_out, dispatch_uid="amanat.accounts.logged_out")
        connect_signals()
