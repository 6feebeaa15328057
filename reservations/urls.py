from django.urls import path

from reservations import absence_views, allocation_views, basket_views, planning_views, views, waiting_views

app_name = "reservations"
urlpatterns = [
    path("enfants/<int:child_id>/inscription/", views.enrolment_new, name="enrolment_new"),
    path("inscriptions/<int:enrolment_id>/semaine-type/", views.enrolment_week, name="enrolment_week"),
    path("inscriptions/<int:enrolment_id>/fin/", views.enrolment_end, name="enrolment_end"),
    path("inscriptions/<int:enrolment_id>/attestation/", views.enrolment_attestation, name="attestation"),
    path("planning/", planning_views.planning, name="planning"),
    path("planning/periode/", planning_views.planning_period, name="planning_period"),
    path("panier/", basket_views.basket, name="basket"),
    path("liste-d-attente/", waiting_views.waiting_list, name="waiting_list"),
    path("liste-d-attente/rejoindre/", waiting_views.waiting_list_join, name="waiting_list_join"),
    path("attribution/", allocation_views.allocation_requests, name="allocation_requests"),
    path("absences/", absence_views.absences, name="absences"),
    path("absences/signaler/", absence_views.absence_new, name="absence_new"),
]
