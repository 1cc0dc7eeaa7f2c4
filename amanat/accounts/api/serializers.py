"""API shapes for accounts: who am I, users in scope, role grants, roles."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from amanat.accounts import two_factor
from amanat.accounts.models import Role, RoleGrant, User
from amanat.accounts.permissions import AccountsAction
from amanat.accounts.selectors import grantable_roles, grantable_units
from amanat.accounts.services import role_grant_errors
from amanat.core.permissions import all_actions
from amanat.org.models import OrgUnit


class RoleSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Role
        fields = ["id", "code", "name", "name_kk", "name_ru", "name_en", "requires_2fa", "is_builtin", "actions"]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "array",
            "items": {"type": "object", "properties": {"code": {"type": "string"}, "label": {"type": "string"}}},
        }
    )
    def get_actions(self, role: Role) -> list[dict[str, str]]:
        labels = all_actions()
        return [{"code": code, "label": str(labels.get(code, code))} for code in role.actions]


class RoleRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Role
        fields = ["id", "code", "name"]
        read_only_fields = fields


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class GrantSerializer(serializers.ModelSerializer):
    """A role held on an org unit (and its subtree) between two dates."""

    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())
    user_name = serializers.CharField(source="user.full_name", read_only=True)
    role = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Role.objects.none(),
        error_messages={"does_not_exist": _("Choose one of the roles you may grant.")},
    )
    role_name = serializers.CharField(source="role.name", read_only=True)
    org_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.none(),
        error_messages={"does_not_exist": _("Choose a unit within your scope.")},
    )
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    status = serializers.CharField(read_only=True)
    granted_by = serializers.PrimaryKeyRelatedField(read_only=True)
    valid_from = serializers.DateField(required=False)

    class Meta:
        model = RoleGrant
        fields = [
            "id",
            "user",
            "user_name",
            "role",
            "role_name",
            "org_unit",
            "org_unit_name",
            "valid_from",
            "valid_to",
            "status",
            "granted_by",
            "revoked_at",
            "created_at",
        ]
        read_only_fields = ["id", "status", "granted_by", "revoked_at", "created_at"]
        # The database constraint on dates is checked in validate() with a clear message.
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        actor = getattr(request, "user", None)
        if actor is not None:
            self.fields["user"].queryset = User.objects.visible_to(actor, AccountsAction.MANAGE_GRANTS)
            self.fields["role"].queryset = grantable_roles(actor)
            self.fields["org_unit"].queryset = grantable_units(actor)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from django.utils import timezone

        attrs.setdefault("valid_from", timezone.localdate())
        errors = role_grant_errors(
            actor=self.context["request"].user,
            user=attrs["user"],
            role=attrs["role"],
            org_unit=attrs["org_unit"],
            valid_from=attrs["valid_from"],
            valid_to=attrs.get("valid_to"),
        )
        if errors:
            raise serializers.ValidationError({k: [str(v)] for k, v in errors.items()})
        return attrs


class ScopedGrantSerializer(serializers.ModelSerializer):
    role = RoleRefSerializer(read_only=True)
    org_unit = UnitRefSerializer(read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "role", "org_unit", "valid_from", "valid_to", "status"]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    grants = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "full_name", "email", "phone", "language", "is_active", "last_login", "grants"]
        read_only_fields = fields

    @extend_schema_field(ScopedGrantSerializer(many=True))
    def get_grants(self, user: User) -> list[dict[str, Any]]:
        # Only the grants in the caller's scope, prefetched by the selector.
        return ScopedGrantSerializer(getattr(user, "scoped_grants", []), many=True).data


class MeSerializer(serializers.ModelSerializer):
    grants = serializers.SerializerMethodField()
    two_factor_enabled = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "full_name", "email", "phone", "language", "is_superuser", "two_factor_enabled", "grants"]
        read_only_fields = fields

    def get_two_factor_enabled(self, user: User) -> bool:
        return two_factor.has_two_factor(user)

    @extend_schema_field(ScopedGrantSerializer(many=True))
    def get_grants(self, user: User) -> list[dict[str, Any]]:
        grants = RoleGrant.objects.filter(user=user, revoked_at__isnull=True).select_related("role", "org_unit")
        return ScopedGrantSerializer(grants.order_by("-valid_from", "pk"), many=True).data
