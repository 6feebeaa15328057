from django.urls import path, re_path

from core.api import NotFoundView
from reservations import api

# The API's convention (README, "The API"): no trailing slash, ids as integers in the path.

urlpatterns = [
    path("enrolments", api.EnrolmentListView.as_view(), name="api_enrolments"),
    path("enrolments/<int:pk>", api.EnrolmentDetailView.as_view(), name="api_enrolment"),
    path("enrolments/<int:pk>/decision", api.EnrolmentDecisionView.as_view(), name="api_enrolment_decision"),
    path("enrolment-requirements", api.EnrolmentRequirementListView.as_view(), name="api_enrolment_requirements"),
    path("bookings", api.BookingListView.as_view(), name="api_bookings"),
    path("days", api.HouseholdDaysView.as_view(), name="api_days"),
    path("children/<int:pk>/days", api.ChildDaysView.as_view(), name="api_child_days"),
    path("basket", api.BasketView.as_view(), name="api_basket"),
    path("basket/days", api.BasketDaysView.as_view(), name="api_basket_days"),
    path("basket/days/<int:pk>", api.BasketDayView.as_view(), name="api_basket_day"),
    path("basket/validation", api.BasketValidationView.as_view(), name="api_basket_validation"),
    path("waiting-list", api.WaitingListView.as_view(), name="api_waiting_list"),
    path("waiting-list/<int:pk>", api.WaitingEntryView.as_view(), name="api_waiting_entry"),
    path("waiting-list/<int:pk>/acceptance", api.WaitingAcceptanceView.as_view(), name="api_waiting_acceptance"),
    re_path(r"^(?P<path>.*)$", NotFoundView.as_view(), name="api_reservations_not_found"),
]
