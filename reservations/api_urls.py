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
    re_path(r"^(?P<path>.*)$", NotFoundView.as_view(), name="api_reservations_not_found"),
]
