from django.contrib import admin

from core.admin import TextRuleAdminMixin
from storage.models import Document, DocumentType, StoragePolicy
from storage.services import document_type_delete, document_type_save, storage_policy_save


@admin.register(DocumentType)
class DocumentTypeAdmin(TextRuleAdminMixin, admin.ModelAdmin):
    """Changes go through storage.services, which journals them; the name and the help families read follow
    the text rule (core.admin)."""

    list_display = ["name", "validity_months"]

    def save_model(self, request, obj, form, change) -> None:
        document_type_save(actor=request.user, document_type=obj, changed_fields=form.changed_data)

    def delete_model(self, request, obj) -> None:
        document_type_delete(actor=request.user, document_type=obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # one by one only: a bulk delete would skip the journal


@admin.register(StoragePolicy)
class StoragePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "max_upload_mb"]

    def save_model(self, request, obj, form, change) -> None:
        storage_policy_save(policy=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: files arrive through the upload checks and are reviewed in the back-office."""

    list_display = ["original_name", "owner", "document_type", "review", "uploaded_at"]
    list_filter = ["review", "document_type"]
    # No file field: its link would be a presigned URL that skips the download view's checks.
    exclude = ["file"]
    readonly_fields = [f.name for f in Document._meta.fields if f.name != "file"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
