from django.contrib import admin

from core.admin import TextRuleAdminMixin
from theming.models import Branding
from theming.services import branding_save


@admin.register(Branding)
class BrandingAdmin(TextRuleAdminMixin, admin.ModelAdmin):
    """Changes go through theming.services, which journals them; the welcome text and the contact block, shown
    on every page of the portal, follow the text rule (core.admin): the address and the opening hours keep
    their lines."""

    list_display = ("__str__", "primary_colour", "contact_email")

    def save_model(self, request, obj, form, change) -> None:
        branding_save(actor=request.user, branding=obj, changed_fields=form.changed_data)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
