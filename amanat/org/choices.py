from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    REGION = "region", _("Region")
    CITY = "city", _("City of regional significance")
    DISTRICT = "district", _("District")
    RURAL_OKRUG = "rural_okrug", _("Rural okrug")
    SETTLEMENT = "settlement", _("Settlement")


class OrgUnitKind(models.TextChoices):
    CENTRAL = "central", _("Central office")
    REGIONAL = "regional", _("Regional branch")
    CITY = "city", _("City branch")
    DISTRICT = "district", _("District branch")
    PRIMARY = "primary", _("Primary party organisation")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left the party")


class PositionKind(models.TextChoices):
    CHAIRMAN = "chairman", _("Chairman")
    FIRST_DEPUTY = "first_deputy", _("First deputy chairman")
    DEPUTY_CHAIRMAN = "deputy_chairman", _("Deputy chairman")
    EXECUTIVE_SECRETARY = "executive_secretary", _("Executive secretary")
    BUREAU_MEMBER = "bureau_member", _("Bureau member")
    POLITICAL_COUNCIL_MEMBER = "political_council_member", _("Political council member")
    CONTROL_COMMISSION_CHAIR = "control_commission_chair", _("Chairman of the party control commission")
    CONTROL_COMMISSION_MEMBER = "control_commission_member", _("Party control commission member")
    PRIMARY_SECRETARY = "primary_secretary", _("Primary organisation secretary")
    YOUTH_WING_LEADER = "youth_wing_leader", _("Youth wing leader")


class MaslikhatLevel(models.TextChoices):
    REGIONAL = "regional", _("Regional maslikhat")
    CITY = "city", _("City maslikhat")
    DISTRICT = "district", _("District maslikhat")


class FactionRole(models.TextChoices):
    LEADER = "leader", _("Faction leader")
    DEPUTY_LEADER = "deputy_leader", _("Deputy faction leader")
    MEMBER = "member", _("Faction member")


class StateBodyKind(models.TextChoices):
    REGIONAL_AKIMAT = "regional_akimat", _("Regional akimat")
    DEPARTMENT = "department", _("Department (basqarma) of the akimat")
    CITY_AKIMAT = "city_akimat", _("City akimat")
    DISTRICT_AKIMAT = "district_akimat", _("District akimat")
    DISTRICT_DEPARTMENT = "district_department", _("District department")
    RURAL_AKIMAT = "rural_akimat", _("Rural okrug akim's office")
    OTHER = "other", _("Other state body")
