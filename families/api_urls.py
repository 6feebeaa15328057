from django.urls import path, re_path

from core.api import NotFoundView
from families import api, staff_api

# The API's convention (README, "The API"): no trailing slash, ids as integers in the path.

urlpatterns = [
    path("household", api.HouseholdView.as_view(), name="api_household"),
    path("children", api.ChildListView.as_view(), name="api_children"),
    path("children/<int:pk>", api.ChildDetailView.as_view(), name="api_child"),
    path("children/<int:child_id>/pickups", api.PickupListView.as_view(), name="api_pickups"),
    path("pickups/<int:pk>", api.PickupDetailView.as_view(), name="api_pickup"),
    path("requests", api.RequestListView.as_view(), name="api_requests"),
    path("requests/qf", api.QfRequestView.as_view(), name="api_qf_request"),
    path("requests/address", api.AddressRequestView.as_view(), name="api_address_request"),
    path("guardians", api.GuardianInviteView.as_view(), name="api_guardian_invite"),
    path("children/<int:child_id>/dossiers", api.DossierOpenView.as_view(), name="api_dossier_open"),
    path("dossiers", api.DossierListView.as_view(), name="api_dossiers"),
    path("dossiers/<int:pk>/items/<int:item_id>", api.DossierItemView.as_view(), name="api_dossier_item"),
    path("dossiers/<int:pk>/submit", api.DossierSubmitView.as_view(), name="api_dossier_submit"),
    path("staff/dossiers", staff_api.StaffDossierListView.as_view(), name="api_staff_dossiers"),
    path("staff/dossiers/<int:pk>/review", staff_api.StaffDossierReviewView.as_view(), name="api_staff_dossier_review"),
    path("documents", api.DocumentListView.as_view(), name="api_documents"),
    path("staff/requests", staff_api.StaffRequestListView.as_view(), name="api_staff_requests"),
    path("staff/requests/<int:pk>/decision", staff_api.StaffRequestDecisionView.as_view(), name="api_staff_decision"),
    path("staff/documents/<uuid:pk>/review", staff_api.StaffDocumentReviewView.as_view(), name="api_staff_document"),
    re_path(r"^(?P<path>.*)$", NotFoundView.as_view(), name="api_families_not_found"),
]
