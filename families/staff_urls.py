from django.urls import path

from families import staff_views

app_name = "families_staff"
urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("demandes/<int:request_id>/", staff_views.request_review, name="request"),
    path("demandes/<int:request_id>/meme-enfant/", staff_views.request_child_match, name="request_child_match"),
    path("documents/<uuid:document_id>/", staff_views.document_decide, name="document"),
    path("foyers/nouveau/", staff_views.household_create_at_counter, name="household_create"),
    path("foyers/<int:household_id>/", staff_views.household_detail, name="household"),
    path("dossiers/<int:dossier_id>/", staff_views.dossier_review, name="dossier"),
    path("foyers/<int:household_id>/guichet/", staff_views.counter_start, name="counter_start"),
    path("foyers/<int:household_id>/rattacher/", staff_views.child_link, name="child_link"),
    path("guichet/terminer/", staff_views.counter_stop, name="counter_stop"),
    path("pieces/", staff_views.requirements, name="requirements"),
    path("pieces/<int:requirement_id>/", staff_views.requirements, name="requirement"),
]
