from django.urls import path

from families import views

app_name = "families"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("creer/", views.household_create, name="household_create"),
    path("enfants/ajouter/", views.child_add, name="child_add"),
    path("enfants/<int:child_id>/", views.child_detail, name="child"),
    path("enfants/<int:child_id>/personnes-autorisees/", views.pickup_add, name="pickup_add"),
    path("personnes-autorisees/<int:person_id>/retirer/", views.pickup_remove, name="pickup_remove"),
    path("enfants/<int:child_id>/dossier/<int:year_id>/", views.dossier, name="dossier"),
    path("documents/", views.documents, name="documents"),
    path("quotient/", views.qf_request, name="qf"),
    path("adresse/", views.address_request, name="address"),
    path("coordonnees/", views.contact, name="contact"),
    path("responsables/inviter/", views.guardian_invite, name="guardian_invite"),
]
