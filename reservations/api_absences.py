"""Absences through the API: the services' reasons; a parent lists the household's absences, reports one
(the justificatif with it, or later) and adds the justificatif; family staff decide whether it is justified.

Every rule is `reservations.services.absences`'s: its refusals (a Django ValidationError) leave through
core.errors' handler as a 422 `rule`; a file storage refuses answers its own code, on the file's field."""

from django.http import QueryDict
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from families.api import named_in_body
from families.selectors import get_child_for
from reservations.absence_selectors import (
    absence_reasons,
    absences_of,
    get_absence_for,
    get_absence_for_review,
    get_absence_reason_for,
)
from reservations.api import IsFamilyStaff, ParentMixin, file_refusals
from reservations.api_selectors import get_service_for
from reservations.api_serializers_absences import (
    AbsenceDecisionSerializer,
    AbsenceProofSerializer,
    AbsenceReasonFilters,
    AbsenceReasonSerializer,
    AbsenceReportFormSerializer,
    AbsenceReportSerializer,
    AbsenceSerializer,
)
from reservations.services.absences import absence_add_proof, absence_decide, absence_report


class AbsenceReasonListView(generics.ListAPIView):
    """The reasons each service offers for an absence, and those that need a justificatif."""

    serializer_class = AbsenceReasonSerializer
    filter_serializer_class = AbsenceReasonFilters

    def get_queryset(self):
        return absence_reasons()


class AbsenceListView(ParentMixin, APIView):
    """The household's absences, the latest first, with the booked days each covers; reporting one (JSON,
    or multipart with the justificatif `proof`) over the child's booked days of a service."""

    error_statuses = (409, 422)
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(responses=AbsenceSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(AbsenceSerializer(absences_of(self.actor), many=True).data)

    @extend_schema(
        request={"application/json": AbsenceReportSerializer, "multipart/form-data": AbsenceReportFormSerializer},
        responses={201: AbsenceSerializer},
    )
    def post(self, request: Request) -> Response:
        form = isinstance(request.data, QueryDict)
        data = (AbsenceReportFormSerializer if form else AbsenceReportSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        service = named_in_body("service", get_service_for, request.user, values["service"])
        upload = values.get("proof")
        with file_refusals("proof"):
            absence = absence_report(
                actor=request.user,
                household=self.actor.household,
                child=named_in_body("child", get_child_for, self.actor, values["child"]),
                service=service,
                reason=named_in_body("reason", get_absence_reason_for, request.user, values["reason"]),
                first_day=values["first_day"],
                last_day=values["last_day"],
                note=values["note"],
                proof=(upload, upload.name) if upload else None,
            )
        answer = AbsenceSerializer(get_absence_for(self.actor, absence.pk)).data
        return Response(answer, status=status.HTTP_201_CREATED)


class AbsenceProofView(ParentMixin, APIView):
    """Add the justificatif of an absence (multipart `proof`): while the mairie has not decided, until the
    day it is due."""

    error_statuses = (409, 422)
    parser_classes = [MultiPartParser]

    @extend_schema(request=AbsenceProofSerializer, responses=AbsenceSerializer)
    def post(self, request: Request, pk: int) -> Response:
        absence = get_absence_for(self.actor, pk)
        data = AbsenceProofSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["proof"]
        with file_refusals("proof"):
            absence_add_proof(
                actor=request.user, household=self.actor.household, absence=absence, proof=(upload, upload.name)
            )
        return Response(AbsenceSerializer(get_absence_for(self.actor, pk)).data)


class AbsenceDecisionView(APIView):
    """Decide an absence: justified (not billed, but for the service's waiting days) or not (billed, with
    the reason the family reads); its justificatif is reviewed with it and the family told."""

    permission_classes = [IsFamilyStaff]

    @extend_schema(request=AbsenceDecisionSerializer, responses=AbsenceSerializer)
    def post(self, request: Request, pk: int) -> Response:
        absence = get_absence_for_review(request.user, pk)
        data = AbsenceDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        absence_decide(actor=request.user, absence=absence, **data.validated_data)
        return Response(AbsenceSerializer(get_absence_for_review(request.user, pk)).data)
