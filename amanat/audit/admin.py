from django.contrib import admin

from amanat.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "verb", "target_repr", "org_unit", "ip"]
    list_filter = ["verb"]
    search_fields = ["actor_label", "verb", "target_repr"]
    date_hierarchy = "at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
