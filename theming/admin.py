from django.contrib import admin

from theming.models import Branding
from theming.services import branding_save


@admin.register(Branding)
class BrandingAdmin(admin.ModelAdmin):
    """Changes go through theming.services, which journals them."""

    list_display = ("__str__", "primary_colour", "contact_email")

    def save_model(self, request, obj, form, change) -> None:
        branding_save(actor=request.user, branding=obj, changed_fields=form.changed_data)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
