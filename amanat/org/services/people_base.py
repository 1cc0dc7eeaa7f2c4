"""Shared by the people services (`people.py`, `member_import.py`): their audit verbs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amanat.audit.services import register_verbs


class PeopleVerb(models.TextChoices):
    PERSON_CREATED = "org.person_created", _("Person added")
    PERSON_CHANGED = "org.person_changed", _("Person's details changed")
    PERSON_DELETED = "org.person_deleted", _("Person deleted")
    IIN_VIEWED = "org.iin_viewed", _("Full IIN viewed")
    MEMBER_ADMITTED = "org.member_admitted", _("Admitted to the party")
    MEMBER_READMITTED = "org.member_readmitted", _("Admitted to the party again")
    MEMBER_SUSPENDED = "org.member_suspended", _("Membership suspended")
    MEMBER_REINSTATED = "org.member_reinstated", _("Membership reinstated")
    MEMBER_LEFT = "org.member_left", _("Membership ended")
    MEMBER_TRANSFERRED = "org.member_transferred", _("Transferred to another primary organisation")
    POSITION_APPOINTED = "org.position_appointed", _("Appointed to a position")
    POSITION_ENDED = "org.position_ended", _("Term in a position ended")
    MEMBERS_IMPORTED = "org.members_imported", _("Members imported from a file")


register_verbs({v.value: v.label for v in PeopleVerb})
