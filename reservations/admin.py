from django.contrib import admin

from reservations.models import Booking, EnrolmentRequirement
from reservations.services.requirements import enrolment_requirement_delete, enrolment_requirement_save


@admin.register(EnrolmentRequirement)
class EnrolmentRequirementAdmin(admin.ModelAdmin):
    """The pieces each service's enrolment asks for (seed 003); changes are journaled on the service."""

    list_display = ["service", "document_type", "position"]
    list_filter = ["service"]

    def save_model(self, request, obj, form, change) -> None:
        enrolment_requirement_save(actor=request.user, requirement=obj, changed=form.changed_data)

    def delete_model(self, request, obj) -> None:
        enrolment_requirement_delete(actor=request.user, requirement=obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is not None  # one by one only: a bulk delete would skip the journal


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read only: bookings change through the reservation services, which lock the day and keep history."""

    list_display = ["date", "child", "service", "unit", "state", "source", "late_price"]
    list_filter = ["service", "state", "source"]
    date_hierarchy = "date"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
