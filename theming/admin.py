from django.contrib import admin

from theming.models import Branding


@admin.register(Branding)
class BrandingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "primary_colour", "contact_email")
