from django.urls import path

from reservations import absence_staff_views, allocation_views, closure_views, staff_views

app_name = "reservations_staff"
urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("<int:enrolment_id>/", staff_views.enrolment_review, name="enrolment"),
    path("<int:enrolment_id>/attestation/", staff_views.attestation, name="attestation"),
    path("absences/", absence_staff_views.absences, name="absences"),
    path("absences/<int:absence_id>/", absence_staff_views.absence_review, name="absence"),
    path("guichet/foyers/<int:household_id>/enfants/<int:child_id>/", staff_views.counter, name="counter"),
    path("attributions/", allocation_views.allocations, name="allocations"),
    path("attributions/<int:window_id>/", allocation_views.allocation, name="allocation"),
    path("fermetures/", closure_views.closures, name="closures"),
    path("fermetures/nouvelle/", closure_views.closure_new, name="closure_new"),
    path("fermetures/<int:closure_id>/", closure_views.closure_detail, name="closure"),
]
