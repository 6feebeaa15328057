from django.contrib import admin

from storage.models import Document, DocumentType, StoragePolicy


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "validity_months"]


@admin.register(StoragePolicy)
class StoragePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "max_upload_mb"]


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
