"""Django admin for the org app: reading everything, correcting reference data.

New records are made in the staff workspace, whose services place nodes in the trees, check the
rules and audit each step; the admin adds and deletes nothing. Corrections made here are audited
too. People, members, positions and imports are read-only, and no IIN is ever shown (not even
its encrypted form or hash): only the masked last four digits.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from amanat.audit.services import diff, record, register_verbs, snapshot
from amanat.org.models import (
    Deputy,
    Faction,
    Maslikhat,
    Member,
    MemberImport,
    Official,
    OrgUnit,
    Person,
    Position,
    StateBody,
    Territory,
)

ADMIN_CHANGED = "org.admin_changed"
register_verbs({ADMIN_CHANGED: _("Corrected in the admin")})
TREE_FIELDS = ("path", "depth", "numchild")


class CorrectOnlyAdmin(admin.ModelAdmin):
    """Change existing rows (audited); no adding, no deleting."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        names = [f.name for f in obj._meta.concrete_fields if f.name in form.changed_data]
        stored = type(obj)._base_manager.filter(pk=obj.pk).first() if change else None
        before = snapshot(stored, names) if stored is not None else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj, names))
        if changes:
            record(actor=request.user, verb=ADMIN_CHANGED, target=obj, changes=changes)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For looking only: changes go through the workspace, where they are checked and audited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- reference data (correctable) ------------------------------------------------------------


@admin.register(Territory)
class TerritoryAdmin(CorrectOnlyAdmin):
    list_display = ["kato", "name_ru", "name_kk", "kind", "depth", "is_centre"]
    list_filter = ["kind", "is_centre"]
    search_fields = ["kato", "name_ru", "name_kk", "name_en"]
    ordering = ["path"]
    readonly_fields = [*TREE_FIELDS, "kind"]
    fields = ["kato", "kato_version", "kind", "name_kk", "name_ru", "name_en", "is_centre", *TREE_FIELDS]


@admin.register(OrgUnit)
class OrgUnitAdmin(CorrectOnlyAdmin):
    list_display = ["name_ru", "code", "kind", "territory", "hosts_reception", "is_active"]
    list_filter = ["kind", "hosts_reception", "is_active"]
    search_fields = ["code", "name_ru", "name_kk", "name_en"]
    ordering = ["path"]
    list_select_related = ["territory"]
    raw_id_fields = ["territory"]
    readonly_fields = [*TREE_FIELDS, "kind", "is_active", "created_at", "updated_at"]


@admin.register(StateBody)
class StateBodyAdmin(CorrectOnlyAdmin):
    list_display = ["name_ru", "short_name", "kind", "territory", "bin", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_ru", "name_kk", "name_en", "short_name", "bin"]
    ordering = ["path"]
    list_select_related = ["territory"]
    raw_id_fields = ["territory"]
    readonly_fields = [*TREE_FIELDS, "kind", "created_at", "updated_at"]


@admin.register(Maslikhat)
class MaslikhatAdmin(CorrectOnlyAdmin):
    list_display = ["name_ru", "level", "territory", "convocation", "seats", "org_unit"]
    list_filter = ["level", "convocation"]
    search_fields = ["name_ru", "name_kk", "name_en"]
    list_select_related = ["territory", "org_unit"]
    raw_id_fields = ["territory", "org_unit"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Faction)
class FactionAdmin(CorrectOnlyAdmin):
    list_display = ["name_ru", "maslikhat"]
    search_fields = ["name_ru", "name_kk", "name_en"]
    list_select_related = ["maslikhat"]
    readonly_fields = ["maslikhat", "created_at", "updated_at"]


@admin.register(Deputy)
class DeputyAdmin(CorrectOnlyAdmin):
    list_display = ["person", "maslikhat", "constituency_number", "term_start", "term_end", "faction_role"]
    list_filter = ["faction_role", "maslikhat__level"]
    search_fields = ["person__search_name", "constituency_name"]
    list_select_related = ["person", "maslikhat"]
    raw_id_fields = ["constituency_territory", "faction"]
    readonly_fields = ["person", "maslikhat", "created_at", "updated_at"]


@admin.register(Official)
class OfficialAdmin(CorrectOnlyAdmin):
    list_display = ["person", "title_ru", "body", "is_head", "started_on", "ended_on"]
    list_filter = ["is_head", "body__kind"]
    search_fields = ["person__search_name", "title_ru", "title_kk", "body__name_ru"]
    list_select_related = ["person", "body"]
    readonly_fields = ["person", "body", "created_at", "updated_at"]


# --- people and the register (read-only, no IIN) ---------------------------------------------


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "iin_masked", "birth_date", "sex", "org_unit"]
    list_filter = ["sex"]
    search_fields = ["search_name"]
    list_select_related = ["org_unit"]
    # Only these fields are shown: the encrypted IIN, its hash and its tail never are.
    fields = [
        "last_name",
        "first_name",
        "middle_name",
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
        "deleted_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("IIN"))
    def iin_masked(self, obj: Person) -> str:
        return obj.iin_masked or "—"


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["person", "org_unit", "status", "joined_on", "card_number", "youth_wing"]
    list_filter = ["status", "youth_wing"]
    search_fields = ["search_name", "card_number"]
    list_select_related = ["person", "org_unit"]
    fields = [
        "person",
        "org_unit",
        "joined_on",
        "card_number",
        "status",
        "status_changed_on",
        "status_reason",
        "youth_wing",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ["person", "kind", "org_unit", "started_on", "ended_on"]
    list_filter = ["kind"]
    search_fields = ["person__search_name"]
    list_select_related = ["person", "org_unit"]
    fields = ["person", "org_unit", "kind", "started_on", "ended_on", "note", "created_at", "updated_at"]
    readonly_fields = fields


@admin.register(MemberImport)
class MemberImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "org_unit", "status", "rows_total", "rows_valid", "error_count", "created_at"]
    list_filter = ["status"]
    list_select_related = ["org_unit"]
    # The file, the preview and the error rows carry personal data: counts only here.
    fields = [
        "file_name",
        "org_unit",
        "uploaded_by",
        "confirmed_by",
        "status",
        "background",
        "rows_total",
        "rows_done",
        "rows_valid",
        "error_count",
        "message",
        "created_at",
        "finished_at",
    ]
    readonly_fields = fields
