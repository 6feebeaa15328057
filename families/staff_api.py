"""Families API for the mairie: requests, documents and dossiers waiting for a decision."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import api
from core.access import api_permission
from core.roles import Capability
from families import services
from families.models import ChangeRequest
from families.selectors import (
    dossier_with_items,
    dossiers_to_review,
    get_document_for_review,
    get_dossier_for_review,
    get_request_for,
    pending_requests,
)
from families.serializers import ChangeRequestSerializer, DocumentSerializer, DossierSerializer

# Administrators and finance; never animators (the role matrix in core.roles).
IsFamilyStaff = api_permission(Capability.FAMILIES_REVIEW)


class DecisionSerializer(api.Serializer):
    accept = serializers.BooleanField()
    reason = api.CharField(required=False, allow_blank=True, default="", max_length=300)


class StaffRequestFilters(api.Filters):
    kind = serializers.ChoiceField(choices=ChangeRequest.Kind.choices, required=False)


class StaffRequestListView(generics.ListAPIView):
    """Requests waiting for the mairie, oldest first."""

    permission_classes = [IsFamilyStaff]
    serializer_class = ChangeRequestSerializer
    filter_serializer_class = StaffRequestFilters

    def get_queryset(self):
        return pending_requests().order_by("created")


class StaffRequestDecisionView(APIView):
    permission_classes = [IsFamilyStaff]

    @extend_schema(request=DecisionSerializer, responses=ChangeRequestSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = get_request_for(request.user, pk)
        change = services.request_decide(request=change, actor=request.user, **data.validated_data)
        return Response(ChangeRequestSerializer(change).data)


class StaffDocumentReviewView(APIView):
    permission_classes = [IsFamilyStaff]

    @extend_schema(request=DecisionSerializer, responses=DocumentSerializer)
    def post(self, request: Request, pk: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = get_document_for_review(request.user, pk)
        document = services.household_document_review(
            document=document,
            actor=request.user,
            accepted=data.validated_data["accept"],
            reason=data.validated_data["reason"],
        )
        return Response(DocumentSerializer(document).data)


class StaffDossierFilters(api.Filters):
    school_year = api.IdField(required=False, source="school_year_id", help_text="id of a school year")


class StaffDossierListView(generics.ListAPIView):
    """Dossiers sent by families and waiting for review, oldest first."""

    permission_classes = [IsFamilyStaff]
    serializer_class = DossierSerializer
    filter_serializer_class = StaffDossierFilters

    def get_queryset(self):
        return dossiers_to_review().prefetch_related("items__requirement")


class ItemDecisionSerializer(api.Serializer):
    id = api.IdField()
    accept = serializers.BooleanField()
    reason = api.CharField(required=False, allow_blank=True, default="", max_length=300)


class DossierReviewSerializer(api.Serializer):
    items = ItemDecisionSerializer(many=True)


class StaffDossierReviewView(APIView):
    permission_classes = [IsFamilyStaff]

    @extend_schema(request=DossierReviewSerializer, responses=DossierSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = DossierReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dossier = get_dossier_for_review(request.user, pk)
        decisions = {item["id"]: (item["accept"], item["reason"]) for item in data.validated_data["items"]}
        dossier = services.dossier_review(dossier=dossier, actor=request.user, decisions=decisions)
        return Response(DossierSerializer(dossier_with_items(dossier)).data)
