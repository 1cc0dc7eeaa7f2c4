"""Serializers for people, members and positions. The full IIN is write-only: it is never sent out."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from amanat.accounts.models import normalize_phone, validate_phone
from amanat.core.iin import parse_iin
from amanat.org.choices import MemberStatus, PositionKind
from amanat.org.models import Member, OrgUnit, Person, Position, Territory
from amanat.org.permissions import OrgAction
from amanat.org.selectors.people import units_for
from amanat.org.services.people import DUPLICATE_IIN, person_with_iin


@extend_schema_field(OpenApiTypes.INT)
class ScopedUnitField(serializers.PrimaryKeyRelatedField):
    """An org unit id the requesting user holds `action` on; any other id is "not found"."""

    def __init__(self, *, action: str, **kwargs: Any) -> None:
        self.action = action
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return units_for(user, self.action) if user else OrgUnit.objects.none()


@extend_schema_field(OpenApiTypes.INT)
class ScopedPersonField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return Person.objects.visible_to(user, OrgAction.VIEW_PERSON) if user else Person.objects.none()


class PersonBriefSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    iin_masked = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "iin_masked", "birth_date"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    iin = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=_("12 digits. Write-only: responses carry only iin_masked. An empty value removes the IIN."),
    )
    iin_masked = serializers.CharField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30, help_text=_("+7 and ten digits."))
    org_unit = ScopedUnitField(action=OrgAction.CHANGE_PERSON)
    territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "last_name",
            "first_name",
            "middle_name",
            "full_name",
            "iin",
            "iin_masked",
            "birth_date",
            "sex",
            "phone",
            "email",
            "address",
            "territory",
            "org_unit",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_iin(self, value: str) -> str:
        value = "".join((value or "").split())
        if not value:
            return ""
        try:
            parse_iin(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        if person_with_iin(value, exclude_pk=getattr(self.instance, "pk", None)):
            raise serializers.ValidationError(str(DUPLICATE_IIN))
        return value

    def validate_phone(self, value: str) -> str:
        phone = normalize_phone(value)
        if value and not phone:
            raise serializers.ValidationError(_("Enter a Kazakhstan phone number: +7 and ten digits."))
        try:
            validate_phone(phone)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return phone

    def validate_birth_date(self, value: Any) -> Any:
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("The date of birth cannot be in the future."))
        return value


class MemberSerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "person",
            "org_unit",
            "org_unit_name",
            "joined_on",
            "card_number",
            "status",
            "status_changed_on",
            "status_reason",
            "youth_wing",
            "created_at",
        ]
        read_only_fields = fields


class MemberAdmitSerializer(serializers.Serializer):
    person = ScopedPersonField(help_text=_("Id of a person you can see."))
    org_unit = ScopedUnitField(action=OrgAction.CHANGE_MEMBER, help_text=_("A primary organisation in your scope."))
    joined_on = serializers.DateField()
    card_number = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=32)
    youth_wing = serializers.BooleanField(required=False, default=False)


class MemberTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=MemberStatus.choices, help_text=_("The new status."))
    date = serializers.DateField(required=False, help_text=_("Defaults to today."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class PositionSerializer(serializers.ModelSerializer):
    person = ScopedPersonField()
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    org_unit = ScopedUnitField(action=OrgAction.CHANGE_POSITION)
    kind = serializers.ChoiceField(choices=PositionKind.choices)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "person",
            "person_name",
            "org_unit",
            "kind",
            "started_on",
            "ended_on",
            "note",
            "is_current",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("started_on"), attrs.get("ended_on")
        if start and end and end < start:
            raise serializers.ValidationError({"ended_on": _("The end of the term cannot be before its start.")})
        return attrs


class PositionEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
