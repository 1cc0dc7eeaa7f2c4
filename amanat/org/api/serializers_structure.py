"""Serializers for territories, org units, maslikhats, factions, deputies, state bodies, officials.

They check the shape of the input only; the rules (kinds in the tree, one faction leader, BIN,
scope) are the services', whose errors come back as 400 with errors field by field. Ids in a
request body outside the caller's scope are "not found" like any other unknown id.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from amanat.core.permissions import units_for
from amanat.org.choices import FactionRole
from amanat.org.models import Deputy, Faction, Maslikhat, Official, OrgUnit, Person, StateBody, Territory
from amanat.org.permissions import OrgAction
from amanat.org.selectors import structure as sel


def _user(field: serializers.Field) -> Any:
    request = field.context.get("request")
    return getattr(request, "user", None)


class ScopedField(serializers.PrimaryKeyRelatedField):
    """An id among the objects `scope(user)` returns; any other id is "does not exist"."""

    def __init__(self, *, scope: Any, model: type, **kwargs: Any) -> None:
        self.scope = scope
        kwargs.setdefault("queryset", model.objects.none())  # the model, for the schema
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        user = _user(self)
        return self.scope(user) if user is not None else self.queryset


def _units(action: str) -> Any:
    return lambda user: units_for(user, action)


def _people(user: Any) -> Any:
    return Person.objects.visible_to(user, OrgAction.VIEW_PERSON)


def _maslikhats(user: Any) -> Any:
    return Maslikhat.objects.visible_to(user, OrgAction.CHANGE_DEPUTY).select_related("org_unit")


def _factions(user: Any) -> Any:
    return Faction.objects.visible_to(user, OrgAction.CHANGE_DEPUTY)


# --- territories and units -------------------------------------------------------------------


class KatoField(serializers.SlugRelatedField):
    """A territory named by its KATO code; anything but nine digits is answered as an unknown
    code without a database look-up."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or len(data) != 9 or not data.isascii() or not data.isdigit():
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:20])
        return super().to_internal_value(data)


class TerritorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    parent = KatoField(
        slug_field="kato",
        queryset=Territory.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text=_("KATO code of the territory this one is in; empty for a region."),
    )
    parent_kato = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Territory
        fields = [
            "id",
            "kato",
            "kato_version",
            "kind",
            "name",
            "name_kk",
            "name_ru",
            "name_en",
            "is_centre",
            "depth",
            "parent",
            "parent_kato",
        ]
        read_only_fields = ["depth"]
        extra_kwargs = {"kato": {"validators": []}}  # the service checks the format and uniqueness


class TerritoryUpdateSerializer(TerritorySerializer):
    parent = None  # a territory is not moved through the API

    class Meta(TerritorySerializer.Meta):
        fields = [f for f in TerritorySerializer.Meta.fields if f != "parent"]


class OrgUnitSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    parent = ScopedField(
        scope=_units(OrgAction.CHANGE_UNIT),
        model=OrgUnit,
        write_only=True,
        help_text=_("The unit to create this one under (you must be allowed to change it)."),
    )
    parent_id = serializers.IntegerField(source="parent_pk", read_only=True, allow_null=True)
    territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all(), required=False, allow_null=True)
    active_members = serializers.IntegerField(read_only=True)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "code",
            "kind",
            "name",
            "name_kk",
            "name_ru",
            "name_en",
            "territory",
            "address_kk",
            "address_ru",
            "address_en",
            "phone",
            "email",
            "hosts_reception",
            "is_active",
            "depth",
            "parent",
            "parent_id",
            "active_members",
        ]
        read_only_fields = ["is_active", "depth"]
        extra_kwargs = {"code": {"validators": []}}  # the service says "taken" beside the field


class OrgUnitUpdateSerializer(OrgUnitSerializer):
    parent = None  # units are not moved through the API

    class Meta(OrgUnitSerializer.Meta):
        fields = [f for f in OrgUnitSerializer.Meta.fields if f != "parent"]
        read_only_fields = ["is_active", "depth", "kind"]


class DeactivateSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


# --- maslikhats, factions, deputies ----------------------------------------------------------


class MaslikhatSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all())
    org_unit = ScopedField(
        scope=_units(OrgAction.CHANGE_DEPUTY),
        model=OrgUnit,
        help_text=_("The party branch that follows this maslikhat."),
    )
    faction_id = serializers.SerializerMethodField()
    deputies_count = serializers.IntegerField(read_only=True, help_text=_("Deputies sitting today."))

    class Meta:
        model = Maslikhat
        fields = [
            "id",
            "level",
            "territory",
            "org_unit",
            "convocation",
            "name",
            "name_kk",
            "name_ru",
            "name_en",
            "elected_on",
            "seats",
            "faction_id",
            "deputies_count",
        ]
        validators: list[Any] = []  # the service names the field with a clear message

    def get_faction_id(self, obj: Maslikhat) -> int | None:
        faction = sel.maslikhat_faction(obj)
        return faction.pk if faction is not None else None


class LeaderSerializer(serializers.Serializer):
    deputy_id = serializers.IntegerField(source="pk")
    person_id = serializers.IntegerField()
    full_name = serializers.CharField(source="person.full_name")
    faction_role = serializers.ChoiceField(choices=FactionRole.choices)


class FactionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    maslikhat = ScopedField(scope=_maslikhats, model=Maslikhat)
    leaders = LeaderSerializer(many=True, read_only=True, help_text=_("The leader and deputy leaders."))
    members_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Faction
        fields = ["id", "maslikhat", "name", "name_kk", "name_ru", "name_en", "leaders", "members_count"]
        validators: list[Any] = []


class FactionUpdateSerializer(FactionSerializer):
    maslikhat = serializers.IntegerField(source="maslikhat_id", read_only=True)


class DeputySerializer(serializers.ModelSerializer):
    person = ScopedField(scope=_people, model=Person, help_text=_("A person in your scope."))
    full_name = serializers.CharField(source="person.full_name", read_only=True)
    maslikhat = ScopedField(scope=_maslikhats, model=Maslikhat)
    maslikhat_name = serializers.CharField(source="maslikhat.name", read_only=True)
    faction = ScopedField(scope=_factions, model=Faction, required=False, allow_null=True)
    constituency_territory = serializers.PrimaryKeyRelatedField(
        queryset=Territory.objects.all(), required=False, allow_null=True
    )
    is_sitting = serializers.SerializerMethodField()

    class Meta:
        model = Deputy
        fields = [
            "id",
            "person",
            "full_name",
            "maslikhat",
            "maslikhat_name",
            "constituency_number",
            "constituency_name",
            "constituency_territory",
            "term_start",
            "term_end",
            "faction",
            "faction_role",
            "is_sitting",
        ]
        validators: list[Any] = []

    def get_is_sitting(self, obj: Deputy) -> bool:
        return sel.is_sitting(obj)


class DeputyUpdateSerializer(DeputySerializer):
    person = serializers.IntegerField(source="person_id", read_only=True)
    maslikhat = serializers.IntegerField(source="maslikhat_id", read_only=True)


# --- state bodies and officials --------------------------------------------------------------


class StateBodySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=StateBody.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text=_("The body to place this one under; empty for a top-level body."),
    )
    parent_id = serializers.IntegerField(source="parent_pk", read_only=True, allow_null=True)
    territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all(), required=False, allow_null=True)

    class Meta:
        model = StateBody
        fields = [
            "id",
            "kind",
            "name",
            "name_kk",
            "name_ru",
            "name_en",
            "short_name",
            "territory",
            "bin",
            "address",
            "phone",
            "email",
            "is_active",
            "depth",
            "parent",
            "parent_id",
        ]
        read_only_fields = ["depth"]


class StateBodyUpdateSerializer(StateBodySerializer):
    parent = None

    class Meta(StateBodySerializer.Meta):
        fields = [f for f in StateBodySerializer.Meta.fields if f != "parent"]


class OfficialSerializer(serializers.ModelSerializer):
    person = ScopedField(scope=_people, model=Person, help_text=_("A person in your scope."))
    full_name = serializers.CharField(source="person.full_name", read_only=True)
    body = serializers.PrimaryKeyRelatedField(queryset=StateBody.objects.all())
    body_name = serializers.CharField(source="body.name", read_only=True)
    title = serializers.CharField(read_only=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Official
        fields = [
            "id",
            "person",
            "full_name",
            "body",
            "body_name",
            "title",
            "title_kk",
            "title_ru",
            "title_en",
            "is_head",
            "started_on",
            "ended_on",
            "is_current",
        ]

    def get_is_current(self, obj: Official) -> bool:
        return sel.is_current_official(obj)


class OfficialUpdateSerializer(OfficialSerializer):
    person = serializers.IntegerField(source="person_id", read_only=True)
    body = serializers.IntegerField(source="body_id", read_only=True)
