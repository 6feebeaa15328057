from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the journal is evidence, nobody edits it."""

    list_display = ["created", "actor_email", "action", "target_label"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_email", "target_label"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
