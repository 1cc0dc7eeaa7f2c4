"""Django admin for elections: reading only.

Every write to an election goes through its services, which check the phase, write the board and
audit each step; a change made here would bypass all three and could break the board's chain, so
the admin adds, changes and deletes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from amanat.elections.models import BoardEntry, Candidate, CommissionMember, Election, Trustee


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CommissionInline(admin.TabularInline):
    model = CommissionMember
    fields = ("user", "role")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TrusteeInline(admin.TabularInline):
    model = Trustee
    fields = ("index", "name", "user", "status", "public", "verification_key")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Election)
class ElectionAdmin(ReadOnlyAdmin):
    list_display = ("title_ru", "kind", "unit", "phase", "voting_opens_at", "voting_closes_at")
    list_filter = ("phase", "kind")
    search_fields = ("title_kk", "title_ru", "title_en", "uuid")
    list_select_related = ("unit",)
    exclude = ("manifest", "result")
    readonly_fields = ("uuid", "census_hash", "census_count", "credentials_hash", "public_key", "manifest_hash")
    inlines = (CommissionInline, TrusteeInline)


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "election", "nominated_by", "status", "position")
    list_filter = ("status", "nominated_by")
    list_select_related = ("election", "member__person")
    raw_id_fields = ("member", "election", "nominating_unit", "proposed_by")


@admin.register(BoardEntry)
class BoardEntryAdmin(ReadOnlyAdmin):
    list_display = ("election", "seq", "type", "at", "hash")
    list_filter = ("type",)
    list_select_related = ("election",)
    raw_id_fields = ("election",)
