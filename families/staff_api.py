"""Families API for the mairie: requests, documents and dossiers waiting for a decision."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import api_permission
from core.errors import ApplicationError
from core.roles import Capability
from families import services
from families.selectors import (
    dossier_with_items,
    dossiers_to_review,
    get_document_for_review,
    get_dossier_for_review,
    get_request_for,
    pending_requests,
)
from families.serializers import DocumentSerializer, DossierSerializer, RequestSerializer
from storage.services import document_review

# Administrators and finance; never animators (the role matrix in core.roles).
IsFamilyStaff = api_permission(Capability.FAMILIES_REVIEW)


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StaffRequestListView(generics.ListAPIView):
    """Requests waiting for the mairie, oldest first."""

    permission_classes = [IsFamilyStaff]
    serializer_class = RequestSerializer

    def get_queryset(self):
        return pending_requests().order_by("created")


class StaffRequestDecisionView(APIView):
    permission_classes = [IsFamilyStaff]

    @extend_schema(request=DecisionSerializer, responses=RequestSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = get_request_for(request.user, pk)
        try:
            change = services.request_decide(request=change, actor=request.user, **data.validated_data)
        except ValidationError as exc:
            raise ApplicationError.from_validation(exc) from exc
        return Response(RequestSerializer(change).data)


class StaffDocumentReviewView(APIView):
    permission_classes = [IsFamilyStaff]

    @extend_schema(request=DecisionSerializer, responses=DocumentSerializer)
    def post(self, request: Request, pk: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = get_document_for_review(request.user, pk)
        try:
            document = document_review(
                document=document,
                actor=request.user,
                accepted=data.validated_data["accept"],
                reason=data.validated_data["reason"],
            )
        except ValidationError as exc:
            raise ApplicationError.from_validation(exc) from exc
        return Response(DocumentSerializer(document).data)


class StaffDossierListView(generics.ListAPIView):
    """Dossiers sent by families and waiting for review, oldest first."""

    permission_classes = [IsFamilyStaff]
    serializer_class = DossierSerializer

    def get_queryset(self):
        return dossiers_to_review().prefetch_related("items__requirement")


class ItemDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DossierReviewSerializer(serializers.Serializer):
    items = ItemDecisionSerializer(many=True)


class StaffDossierReviewView(APIView):
    permission_classes = [IsFamilyStaff]

    @extend_schema(request=DossierReviewSerializer, responses=DossierSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = DossierReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dossier = get_dossier_for_review(request.user, pk)
        decisions = {item["id"]: (item["accept"], item["reason"]) for item in data.validated_data["items"]}
        try:
            dossier = services.dossier_review(dossier=dossier, actor=request.user, decisions=decisions)
        except ValidationError as exc:
            raise ApplicationError.from_validation(exc) from exc
        return Response(DossierSerializer(dossier_with_items(dossier)).data)
