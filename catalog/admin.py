"""The Django admin, for power users; the back-office pages are the everyday tool."""

from django.contrib import admin

from catalog import models


class CutoffRuleInline(admin.TabularInline):
    model = models.CutoffRule
    extra = 0


class TariffBracketInline(admin.TabularInline):
    model = models.TariffBracket
    extra = 0


class AgeGroupCapacityInline(admin.TabularInline):
    model = models.AgeGroupCapacity
    extra = 0


@admin.register(models.Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "kind", "capacity", "bookable_online", "billing_mode"]
    list_filter = ["site", "kind", "billing_mode"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]
    inlines = [CutoffRuleInline, AgeGroupCapacityInline]


@admin.register(models.Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ["service", "valid_from", "valid_to", "residence"]
    list_filter = ["service", "residence"]
    inlines = [TariffBracketInline]


@admin.register(models.Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "operator_name"]
    filter_horizontal = ["managers"]


@admin.register(models.CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "service", "start", "end"]
    list_filter = ["kind", "service"]


@admin.register(models.BookingWindow)
class BookingWindowAdmin(admin.ModelAdmin):
    list_display = ["service", "first_day", "last_day", "opens_at", "closes_at"]


@admin.register(models.CapacityOverride)
class CapacityOverrideAdmin(admin.ModelAdmin):
    list_display = ["service", "date", "capacity"]
    list_filter = ["service"]


admin.site.register(models.SchoolYear)
