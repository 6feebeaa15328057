from django.urls import path

from families import api

urlpatterns = [
    path("household", api.HouseholdView.as_view(), name="api_household"),
    path("children", api.ChildListView.as_view(), name="api_children"),
    path("children/<int:pk>", api.ChildDetailView.as_view(), name="api_child"),
    path("children/<int:child_id>/pickups", api.PickupListView.as_view(), name="api_pickups"),
    path("pickups/<int:pk>", api.PickupDetailView.as_view(), name="api_pickup"),
    path("requests", api.RequestListView.as_view(), name="api_requests"),
    path("dossiers", api.DossierListView.as_view(), name="api_dossiers"),
    path("documents", api.DocumentListView.as_view(), name="api_documents"),
    path("staff/requests", api.StaffRequestListView.as_view(), name="api_staff_requests"),
    path("staff/requests/<int:pk>/decision", api.StaffRequestDecisionView.as_view(), name="api_staff_decision"),
    path("staff/documents/<uuid:pk>/review", api.StaffDocumentReviewView.as_view(), name="api_staff_document"),
]
