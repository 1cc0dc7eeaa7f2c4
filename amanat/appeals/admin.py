"""Django admin for appeals: reading only.

Appeals change through their workflow in the staff workspace (every step recorded and told to
the applicant); reference data (categories, routing, policies, receptions) has its own pages
there. The admin shows appeals without the applicant's personal data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from amanat.appeals.models import Appeal, AppealEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AppealEventInline(admin.TabularInline):
    model = AppealEvent
    fields = ("at", "kind", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("number", "received_at", "appeal_type", "channel", "org_unit", "status", "deadline")
    list_filter = ("status", "appeal_type", "channel")
    search_fields = ("number",)
    show_full_result_count = False
    fields = (
        "number",
        "appeal_type",
        "channel",
        "language",
        "category",
        "territory",
        "subject",
        "text",
        "org_unit",
        "executor",
        "state_body",
        "status",
        "received_at",
        "registered_on",
        "deadline",
        "answered_at",
        "closed_at",
        "extension_count",
        "reopen_count",
        "escalation_level",
        "needs_review",
    )
    readonly_fields = fields
    inlines = [AppealEventInline]
    list_select_related = ("org_unit",)
