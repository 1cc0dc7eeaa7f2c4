"""What the documents app registers when Django starts: its actions and the roles that hold them,
and its audit verbs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

VERBS = {
    "documents.created": _("Party document added"),
    "documents.updated": _("Party document changed"),
    "documents.version_added": _("New version of a party document added"),
    "documents.deleted": _("Party document removed"),
}


def register() -> None:
    from amanat.audit.services import register_verbs
    from amanat.core.permissions import register_actions
    from amanat.documents.permissions import ROLE_ACTIONS, DocumentAction

    register_actions(DocumentAction, roles=ROLE_ACTIONS)
    register_verbs(VERBS)
