from django.contrib import admin

from amanat.notifications.models import Delivery, Notification, Preference


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["channel", "address", "status", "attempts", "claimed_at", "sent_at", "last_error", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__email", "user__full_name"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "read_at"]
    inlines = [DeliveryInline]
    list_select_related = ["user"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Where an operator sees what could not be sent and why."""

    list_display = ["created_at", "channel", "address", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "channel"]
    search_fields = ["address"]
    raw_id_fields = ["notification"]
    readonly_fields = ["claimed_at", "sent_at", "attempts", "last_error", "created_at"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email", "sms"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]
