from django.urls import path, re_path

from core.api import NotFoundView
from reservations import api, api_absences, api_allocation, api_closures

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
    path("allocation-windows", api_allocation.AllocationWindowListView.as_view(), name="api_allocation_windows"),
    path(
        "allocation-windows/<int:pk>/requests",
        api_allocation.AllocationAskView.as_view(),
        name="api_allocation_ask",
    ),
    path("allocation-windows/<int:pk>/run", api_allocation.AllocationRunView.as_view(), name="api_allocation_run"),
    path("allocation-requests/<int:pk>", api_allocation.AllocationRequestView.as_view(), name="api_allocation_request"),
    path("absence-reasons", api_absences.AbsenceReasonListView.as_view(), name="api_absence_reasons"),
    path("absences", api_absences.AbsenceListView.as_view(), name="api_absences"),
    path("absences/<int:pk>/proof", api_absences.AbsenceProofView.as_view(), name="api_absence_proof"),
    path("absences/<int:pk>/decision", api_absences.AbsenceDecisionView.as_view(), name="api_absence_decision"),
    path("closures", api_closures.ClosureListView.as_view(), name="api_closures"),
    path("closures/preview", api_closures.ClosurePreviewView.as_view(), name="api_closure_preview"),
    path("closures/<int:pk>", api_closures.ClosureDetailView.as_view(), name="api_closure"),
    re_path(r"^(?P<path>.*)$", NotFoundView.as_view(), name="api_reservations_not_found"),
]
