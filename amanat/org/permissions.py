"""The org app's actions and which built-in roles hold them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgAction(models.TextChoices):
    VIEW_UNIT = "org.view_unit", _("View org units")
    CHANGE_UNIT = "org.change_unit", _("Create and edit org units")
    VIEW_PERSON = "org.view_person", _("View people")
    CHANGE_PERSON = "org.change_person", _("Create and edit people")
    VIEW_IIN = "org.view_iin", _("See a full IIN (every view is audited)")
    VIEW_MEMBER = "org.view_member", _("View party members")
    CHANGE_MEMBER = "org.change_member", _("Admit members and change their status")
    IMPORT_MEMBERS = "org.import_members", _("Import members from a file")
    VIEW_POSITION = "org.view_position", _("View positions in party bodies")
    CHANGE_POSITION = "org.change_position", _("Appoint to positions")
    VIEW_DEPUTY = "org.view_deputy", _("View maslikhats, deputies and factions")
    CHANGE_DEPUTY = "org.change_deputy", _("Edit maslikhats, deputies and factions")
    VIEW_STATE_BODY = "org.view_state_body", _("View state bodies and officials")
    CHANGE_STATE_BODY = "org.change_state_body", _("Edit state bodies and officials")


ALL = list(OrgAction)
VIEW = [a for a in OrgAction if ".view_" in a.value and a != OrgAction.VIEW_IIN]

ROLE_ACTIONS = {
    "system_admin": ALL,
    "regional_admin": ALL,
    "executive_secretary": ALL,
    "reception_operator": [
        OrgAction.VIEW_UNIT,
        OrgAction.VIEW_PERSON,
        OrgAction.CHANGE_PERSON,
        OrgAction.VIEW_DEPUTY,
        OrgAction.VIEW_STATE_BODY,
    ],
    "deputy": [OrgAction.VIEW_UNIT, OrgAction.VIEW_DEPUTY, OrgAction.VIEW_STATE_BODY],
    "party_control": [OrgAction.VIEW_UNIT, OrgAction.VIEW_DEPUTY, OrgAction.VIEW_STATE_BODY, OrgAction.VIEW_POSITION],
    "primary_secretary": [
        OrgAction.VIEW_UNIT,
        OrgAction.VIEW_PERSON,
        OrgAction.CHANGE_PERSON,
        OrgAction.VIEW_MEMBER,
        OrgAction.CHANGE_MEMBER,
        OrgAction.IMPORT_MEMBERS,
        OrgAction.VIEW_POSITION,
        OrgAction.VIEW_IIN,
    ],
    "council_secretary": [OrgAction.VIEW_UNIT, OrgAction.VIEW_STATE_BODY, OrgAction.VIEW_DEPUTY],
    "election_commission": [OrgAction.VIEW_UNIT, OrgAction.VIEW_MEMBER, OrgAction.VIEW_PERSON],
    "auditor": [*VIEW, OrgAction.VIEW_IIN],
    "member": [OrgAction.VIEW_UNIT],
}
