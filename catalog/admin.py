"""The Django admin shows the catalogue to power users, read-only.

Changes go through the back-office (or the API), where `catalog.services`
checks every rule against its neighbours and journals who changed what.
"""

from django.contrib import admin

from catalog import models


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CutoffRuleInline(ReadOnly, admin.TabularInline):
    model = models.CutoffRule
    extra = 0


class TariffBracketInline(ReadOnly, admin.TabularInline):
    model = models.TariffBracket
    extra = 0


class AgeGroupCapacityInline(ReadOnly, admin.TabularInline):
    model = models.AgeGroupCapacity
    extra = 0


@admin.register(models.Service)
class ServiceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "site", "kind", "capacity", "bookable_online", "billing_mode"]
    list_filter = ["site", "kind", "billing_mode"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]
    inlines = [CutoffRuleInline, AgeGroupCapacityInline]


@admin.register(models.Tariff)
class TariffAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["service", "valid_from", "valid_to", "residence"]
    list_filter = ["service", "residence"]
    inlines = [TariffBracketInline]


@admin.register(models.Site)
class SiteAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "operator_name"]
    filter_horizontal = ["managers"]


@admin.register(models.CalendarException)
class CalendarExceptionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["label", "kind", "service", "start", "end"]
    list_filter = ["kind", "service"]


@admin.register(models.BookingWindow)
class BookingWindowAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["service", "first_day", "last_day", "opens_at", "closes_at"]


@admin.register(models.CapacityOverride)
class CapacityOverrideAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["service", "date", "capacity"]
    list_filter = ["service"]


@admin.register(models.SchoolYear)
class SchoolYearAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "start", "end", "zone"]
