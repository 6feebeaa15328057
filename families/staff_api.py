"""Families API for the mairie: requests, documents and dossiers waiting for a decision."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from families import services
from families.api import DocumentSerializer, DossierSerializer, RequestSerializer, application_error
from families.models import ChangeRequest, Decision, Dossier
from families.selectors import FAMILY_STAFF, dossier_with_items, dossiers_to_review
from storage.models import Document
from storage.services import document_review


class IsFamilyStaff(BasePermission):
    """Administrators, service managers and finance; never animators."""

    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and request.user.role in FAMILY_STAFF


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StaffRequestListView(generics.ListAPIView):
    """Requests waiting for the mairie, oldest first."""

    permission_classes = [IsFamilyStaff]
    serializer_class = RequestSerializer

    def get_queryset(self):
        return (
            ChangeRequest.objects.filter(status=Decision.PENDING)
            .select_related("child", "household")
            .order_by("created")
        )


class StaffRequestDecisionView(APIView):
    permission_classes = [IsFamilyStaff]

    @extend_schema(request=DecisionSerializer, responses=RequestSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = get_object_or_404(ChangeRequest, pk=pk)
        try:
            change = services.request_decide(request=change, actor=request.user, **data.validated_data)
        except ValidationError as exc:
            raise application_error(exc) from exc
        return Response(RequestSerializer(change).data)


class StaffDocumentReviewView(APIView):
    permission_classes = [IsFamilyStaff]

    @extend_schema(request=DecisionSerializer, responses=DocumentSerializer)
    def post(self, request: Request, pk: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = get_object_or_404(
            Document, pk=pk, owner__startswith="families.household:", review=Document.Review.PENDING
        )
        try:
            document = document_review(
                document=document,
                actor=request.user,
                accepted=data.validated_data["accept"],
                reason=data.validated_data["reason"],
            )
        except ValidationError as exc:
            raise application_error(exc) from exc
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
        dossier = get_object_or_404(Dossier, pk=pk)
        decisions = {item["id"]: (item["accept"], item["reason"]) for item in data.validated_data["items"]}
        try:
            dossier = services.dossier_review(dossier=dossier, actor=request.user, decisions=decisions)
        except ValidationError as exc:
            raise application_error(exc) from exc
        return Response(DossierSerializer(dossier_with_items(dossier)).data)
