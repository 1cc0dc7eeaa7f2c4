"""The admin site for accounts: roles are reference data; users and grants read-mostly.

Grants are given and revoked in the staff pages (audited, scoped); here they are only read.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from amanat.accounts.models import ApiToken, LoginFailure, Role, RoleGrant, User


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name_kk", "name_ru", "name_en", "requires_2fa", "is_builtin"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]
    readonly_fields = ["is_builtin"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PhoneFormMixin(forms.ModelForm):
    # Longer than the stored +7XXXXXXXXXX: "+7 (701) 123-45-67" is typed, then normalised.
    phone = forms.CharField(label=_("phone"), required=False, max_length=30, empty_value=None)


class UserChangeForm(PhoneFormMixin, auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = (
            "email",
            "phone",
            "password",
            "full_name",
            "language",
            "person",
            "is_active",
            "is_staff",
            "is_superuser",
        )


class UserCreationForm(PhoneFormMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "phone", "full_name", "language")


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    """Also where an administrator sets a new password for someone who has only a phone."""

    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (_("Personal details"), {"fields": ("full_name", "language", "person")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "phone", "full_name", "language", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ["full_name", "email", "phone", "language", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["full_name", "email", "phone"]
    ordering = ["full_name"]
    filter_horizontal = ()
    readonly_fields = ["last_login", "date_joined"]
    raw_id_fields = ["person"]


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "org_unit", "valid_from", "valid_to", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["user__full_name", "user__email", "user__phone"]
    list_select_related = ["user", "role", "org_unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__full_name"]


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    list_display = ["login", "ip", "at"]
    search_fields = ["login", "ip"]
