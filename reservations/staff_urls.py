from django.urls import path

from reservations import staff_views

app_name = "reservations_staff"
urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("<int:enrolment_id>/", staff_views.enrolment_review, name="enrolment"),
    path("<int:enrolment_id>/attestation/", staff_views.attestation, name="attestation"),
    path("guichet/foyers/<int:household_id>/enfants/<int:child_id>/", staff_views.counter, name="counter"),
]
