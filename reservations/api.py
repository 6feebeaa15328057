"""Reservations API: a household's enrolments and bookings for its parents, every household's for the family
staff, who decide on enrolments.

Reads go through `reservations.api_selectors` (a parent reaches their own household's records only, a shared
child's included); writes through `reservations.services`, whose refusals (a Django ValidationError) leave
through core.errors' handler as a 422 `rule`.
"""

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.engine import Reason
from core.access import api_permission
from core.errors import FILE_CODES, ApplicationError
from core.roles import Capability, can
from families.api import family_actor, named_in_body
from families.selectors import get_child_for, get_open_year_for
from reservations.api_selectors import (
    bookings_for,
    enrolment_with_details,
    enrolments_for,
    get_enrolment_for,
    get_enrolment_for_review,
    get_requirement_for,
    get_service_for,
    requirements_of_services,
)
from reservations.serializers import (
    BookingFilters,
    BookingSerializer,
    EnrolmentDecidedSerializer,
    EnrolmentDecisionSerializer,
    EnrolmentFilters,
    EnrolmentRequestFormSerializer,
    EnrolmentRequestSerializer,
    EnrolmentRequirementSerializer,
    EnrolmentSerializer,
    RequirementFilters,
)
from reservations.services import enrolment_decide, enrolment_request

IsFamilyStaff = api_permission(Capability.FAMILIES_REVIEW)


class FamilyReaders(BasePermission):
    """A parent (their household's records) or the family staff (every household's)."""

    def has_permission(self, request, view) -> bool:
        return can(request.user, Capability.FAMILY_SPACE) or can(request.user, Capability.FAMILIES_REVIEW)


class FamilyReadersParentsWrite(FamilyReaders):
    """Reads as `FamilyReaders`; writes (a request) by a parent only."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        return can(request.user, Capability.FAMILY_SPACE)


class ReachMixin:
    # A parent reads through their household (409 before they have declared one); staff read every household's.
    # (A comment: drf-spectacular would show a docstring as the description of every operation.)

    permission_classes = [FamilyReaders]
    error_statuses = (409,)

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        # A parent's household (a parent without one yet: 409); None for the family staff.
        self.actor = None if can(request.user, Capability.FAMILIES_REVIEW) else family_actor(request)


class EnrolmentListView(ReachMixin, generics.ListAPIView):
    """Enrolments: a parent's household's, or every household's for the family staff; a parent asks for a new
    one (JSON, or multipart with the pieces the service asks for: see `enrolment-requirements`)."""

    permission_classes = [FamilyReadersParentsWrite]
    serializer_class = EnrolmentSerializer
    filter_serializer_class = EnrolmentFilters
    parser_classes = [JSONParser, MultiPartParser]

    def get_queryset(self):
        return enrolments_for(self.request.user)

    @extend_schema(
        request={"application/json": EnrolmentRequestSerializer, "multipart/form-data": EnrolmentRequestFormSerializer},
        responses={201: EnrolmentSerializer},
    )
    def post(self, request: Request) -> Response:
        actor = self.actor  # a parent: only they may write here
        form = isinstance(request.data, QueryDict)
        data = (EnrolmentRequestFormSerializer if form else EnrolmentRequestSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        child = named_in_body("child", get_child_for, actor, values["child"])
        service = named_in_body("service", get_service_for, request.user, values["service"])
        year = named_in_body("school_year", get_open_year_for, actor, values["school_year"], timezone.localdate())
        pieces = {
            named_in_body("requirements", get_requirement_for, request.user, service, requirement_id).pk: (
                upload,
                upload.name,
            )
            for requirement_id, upload in zip(values.get("requirements", []), values.get("pieces", []), strict=True)
        }
        try:
            enrolment = enrolment_request(
                actor=request.user,
                child=child,
                household=actor.household,
                service=service,
                school_year=year,
                week={int(weekday): codes for weekday, codes in values.get("week", {}).items()},
                recurrence=values["recurrence"],
                anchor=values.get("anchor"),
                start=values.get("start"),
                end=values.get("end"),
                pieces=pieces,
            )
        except ValidationError as exc:
            # storage.inspection says why it refused a piece: its code is one of ours.
            if getattr(exc, "code", None) in FILE_CODES:
                raise ApplicationError(exc.code, " ".join(exc.messages), {"pieces": exc.messages}) from exc
            raise
        return Response(EnrolmentSerializer(enrolment_with_details(enrolment)).data, status=status.HTTP_201_CREATED)


class EnrolmentDetailView(ReachMixin, generics.RetrieveAPIView):
    serializer_class = EnrolmentSerializer

    def get_object(self):
        return get_enrolment_for(self.request.user, self.kwargs["pk"])


class EnrolmentDecisionView(APIView):
    """Validate an enrolment (its typical week is booked: the answer says what was, and which days were full)
    or refuse it with the reason the family reads."""

    permission_classes = [IsFamilyStaff]

    @extend_schema(request=EnrolmentDecisionSerializer, responses=EnrolmentDecidedSerializer)
    def post(self, request: Request, pk: int) -> Response:
        enrolment = get_enrolment_for_review(request.user, pk)
        data = EnrolmentDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = enrolment_decide(actor=request.user, enrolment=enrolment, **data.validated_data)
        refused = decided.bookings.refused
        answer = {
            "enrolment": enrolment_with_details(decided.enrolment),
            "booked": decided.bookings.changed,
            "full_days": sorted({r.request.date for r in refused if r.reason == Reason.FULL}),
            "refused_days": sorted(refused, key=lambda r: r.request.date),
        }
        return Response(EnrolmentDecidedSerializer(answer).data)


class BookingListView(ReachMixin, generics.ListAPIView):
    """Bookings, day by day: a parent's household's (of a shared child, only those their household made), or
    every household's for the family staff."""

    serializer_class = BookingSerializer
    filter_serializer_class = BookingFilters

    def get_queryset(self):
        return bookings_for(self.request.user)


class EnrolmentRequirementListView(generics.ListAPIView):
    """The pieces each service asks for with an enrolment request (multipart `requirements` and `pieces`)."""

    serializer_class = EnrolmentRequirementSerializer
    filter_serializer_class = RequirementFilters

    def get_queryset(self):
        return requirements_of_services()
