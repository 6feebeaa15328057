from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read only: what was sent is a record, not something to edit."""

    list_display = ["created", "kind", "email", "status", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["email", "subject"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    exclude = ["text", "html"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
