"""Reservations API: a household's enrolments and bookings for its parents, every household's for the family
staff, who decide on enrolments.

Reads go through `reservations.api_selectors` (a parent reaches their own household's records only, a shared
child's included); writes through `reservations.services`, whose refusals (a Django ValidationError) leave
through core.errors' handler as a 422 `rule`.
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.engine import LateCharge, Reason
from catalog.pricing import PricingRefused, price_day
from core.access import api_permission
from core.errors import FILE_CODES, ApplicationError, ErrorCode, RuleViolation
from core.roles import Capability, can
from families.api import family_actor, named_in_body
from families.models import Child
from families.selectors import FamilyActor, get_child_for, get_open_year_for
from reservations.api_selectors import (
    bookings_for,
    enrolled_on,
    enrolment_with_details,
    enrolments_for,
    get_basket_line_for,
    get_enrolment_for,
    get_enrolment_for_review,
    get_requirement_for,
    get_service_for,
    requirements_of_services,
)
from reservations.basket_recap import basket_recap
from reservations.models import Booking
from reservations.planning import household_planning
from reservations.serializers import (
    BasketDaySerializer,
    BasketSerializer,
    BasketValidatedSerializer,
    BasketValidationSerializer,
    BookingFilters,
    BookingSerializer,
    EnrolmentDecidedSerializer,
    EnrolmentDecisionSerializer,
    EnrolmentFilters,
    EnrolmentRequestFormSerializer,
    EnrolmentRequestSerializer,
    EnrolmentRequirementSerializer,
    EnrolmentSerializer,
    HouseholdPlanningQuerySerializer,
    PlanningQuerySerializer,
    PlanningSerializer,
    RecapLineSerializer,
    RequirementFilters,
    WaitingEntrySerializer,
    WaitingJoinSerializer,
)
from reservations.services import enrolment_decide, enrolment_request
from reservations.services.basket import basket_drop, basket_set_day, basket_validate
from reservations.services.waiting import waiting_join, waiting_leave, waiting_offer_accept
from reservations.waiting_selectors import get_waiting_entry_for, waiting_entries_of, waiting_ranks

IsFamilyStaff = api_permission(Capability.FAMILIES_REVIEW)
IsParent = api_permission(Capability.FAMILY_SPACE)


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


@contextmanager
def file_refusals(field: str) -> Iterator[None]:
    """storage.inspection says why it refused a file with a code of ours: that code, on the file's field."""
    try:
        yield
    except ValidationError as exc:
        if getattr(exc, "code", None) in FILE_CODES:
            raise ApplicationError(exc.code, " ".join(exc.messages), {field: exc.messages}) from exc
        raise


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
        with file_refusals("pieces"):
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


# --- The planning and the basket: a parent's household's (staff work at the counter, on the pages) ----------


class ParentMixin:
    permission_classes = [IsParent]
    error_statuses = (409,)

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        self.actor = family_actor(request)  # a parent without a household yet: 409


def _range(serializer_class, request: Request) -> dict:
    query = serializer_class(data=request.query_params)
    try:
        query.is_valid(raise_exception=True)
    except RuleViolation as exc:
        raise ApplicationError(ErrorCode.INVALID_RANGE, _("Période invalide."), fields=exc.detail) from exc
    return query.validated_data


def _planning(actor: FamilyActor, children: list[Child], query: dict) -> dict:
    start, end = query["start"], query["end"]
    plan = household_planning(actor=actor, children=children, start=start, end=end, now=timezone.now())
    days = sorted((day for line in plan.lines for day in line.days), key=lambda d: (d.date, d.child.pk, d.service.name))
    return {"start": plan.start, "end": plan.end, "days": days, "costs": plan.costs, "total": plan.total}


class HouseholdDaysView(ParentMixin, APIView):
    """The household's children's days over a range (at most 62 days): each unit's state in words and symbol,
    what is booked and what the basket changes, each day's price and each month's cost so far."""

    error_statuses = (409, 422)

    @extend_schema(parameters=[HouseholdPlanningQuerySerializer], responses=PlanningSerializer)
    def get(self, request: Request) -> Response:
        query = _range(HouseholdPlanningQuerySerializer, request)
        children = list(Child.objects.filter(households=self.actor.household).order_by("first_name", "pk"))
        if "child" in query:
            ids = list(dict.fromkeys(query["child"]))
            children = [named_in_body("child", get_child_for, self.actor, pk) for pk in ids]
        data = _planning(self.actor, children, query)
        return Response(PlanningSerializer(data, context={"household": self.actor.household}).data)


class ChildDaysView(ParentMixin, APIView):
    """A child's days over a range (at most 62 days), as the household's days show them."""

    error_statuses = (409, 422)

    @extend_schema(parameters=[PlanningQuerySerializer], responses=PlanningSerializer)
    def get(self, request: Request, pk: int) -> Response:
        child = get_child_for(self.actor, pk)
        data = _planning(self.actor, [child], _range(PlanningQuerySerializer, request))
        return Response(PlanningSerializer(data, context={"household": self.actor.household}).data)


def _basket(actor: FamilyActor) -> dict:
    lines = basket_recap(actor.household, timezone.now())
    return {"lines": lines, "total": sum((line.total for line in lines), Decimal("0"))}


class BasketView(ParentMixin, APIView):
    """The household's basket, kept on the server (a logout keeps it): each day's units before and after,
    its price on time, its late price where a late change is accepted, or why validation will refuse it."""

    @extend_schema(responses=BasketSerializer)
    def get(self, request: Request) -> Response:
        return Response(BasketSerializer(_basket(self.actor)).data)


class BasketDaysView(ParentMixin, APIView):
    """Set a day's units in the basket (the whole day: units left out are to cancel). A day asked as it is
    booked leaves the basket (204)."""

    error_statuses = (409, 422)

    @extend_schema(request=BasketDaySerializer, responses={201: RecapLineSerializer, 204: None})
    def post(self, request: Request) -> Response:
        data = BasketDaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        child = named_in_body("child", get_child_for, self.actor, values["child"])
        service = named_in_body("service", get_service_for, request.user, values["service"])
        if not enrolled_on(self.actor, child, service, values["date"]):
            message = _("L'enfant n'a pas d'inscription à ce service ce jour-là.")
            raise ApplicationError(ErrorCode.RULE, message, {"date": [message]})
        unknown = set(values["units"]) - set(service.units.values_list("code", flat=True))
        if unknown:
            message = _("Unités inconnues de ce service : %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
            raise ApplicationError(ErrorCode.RULE, message, {"units": [message]})
        line = basket_set_day(
            actor=request.user,
            household=self.actor.household,
            child=child,
            service=service,
            day=values["date"],
            units=values["units"],
        )
        if line is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        recap = next(r for r in basket_recap(self.actor.household, timezone.now()) if r.line.pk == line.pk)
        return Response(RecapLineSerializer(recap).data, status=status.HTTP_201_CREATED)


class BasketDayView(ParentMixin, APIView):
    """Take a day out of the basket (its bookings stay as they are)."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        line = get_basket_line_for(self.actor, pk)
        basket_drop(actor=request.user, household=self.actor.household, line=line)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BasketValidationView(ParentMixin, APIView):
    """Validate the whole basket in one transaction: what was booked and cancelled, what was refused and why;
    for services paid at booking, what to pay now and until when the places are held. The family receives
    the recap by e-mail."""

    error_statuses = (409, 422)

    @extend_schema(request=BasketValidationSerializer, responses=BasketValidatedSerializer)
    def post(self, request: Request) -> Response:
        options = BasketValidationSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        all_or_none = options.validated_data["all_or_none"]
        outcome = basket_validate(actor=request.user, household=self.actor.household, all_or_none=all_or_none)
        held = outcome.held
        answer = {
            "booked": outcome.booked,
            "cancelled": outcome.cancelled,
            "refused": outcome.refused,
            "to_pay": _to_pay(self.actor, held),
            "held_until": min((b.held_until for b in held if b.held_until), default=None),
            "undone": outcome.undone,
        }
        return Response(BasketValidatedSerializer(answer).data)


# --- Waiting lists: a parent's household's entries ----------------------------------------------------------


def _entries(entries: list) -> list:
    return WaitingEntrySerializer(entries, many=True, context={"ranks": waiting_ranks(entries)}).data


class WaitingListView(ParentMixin, APIView):
    """The household's children waiting for full days (rank, or the place offered until when); joining a
    full day's list for units of a service that keeps one (refused, and why, when a place is still free)."""

    error_statuses = (409, 422)

    @extend_schema(responses=WaitingEntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(_entries(waiting_entries_of(self.actor)))

    @extend_schema(request=WaitingJoinSerializer, responses={201: WaitingEntrySerializer(many=True)})
    def post(self, request: Request) -> Response:
        data = WaitingJoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        child = named_in_body("child", get_child_for, self.actor, values["child"])
        service = named_in_body("service", get_service_for, request.user, values["service"])
        entries = waiting_join(
            actor=request.user,
            household=self.actor.household,
            child=child,
            service=service,
            day=values["date"],
            units=values["units"],
        )
        return Response(_entries(entries), status=status.HTTP_201_CREATED)


class WaitingEntryView(ParentMixin, APIView):
    """Leave a waiting list (a place offered is declined: it goes to the next family)."""

    error_statuses = (409, 422)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        entry = get_waiting_entry_for(self.actor, pk)
        waiting_leave(actor=request.user, household=self.actor.household, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WaitingAcceptanceView(ParentMixin, APIView):
    """Accept the place offered: it is booked (held until paid where the service is paid at booking)."""

    error_statuses = (409, 422)

    @extend_schema(request=None, responses=BookingSerializer)
    def post(self, request: Request, pk: int) -> Response:
        entry = get_waiting_entry_for(self.actor, pk)
        booking = waiting_offer_accept(actor=request.user, household=self.actor.household, entry=entry)
        return Response(BookingSerializer(booking).data)


def _to_pay(actor: FamilyActor, held: list[Booking]) -> Decimal:
    """The held days' price, day by day through the pricing function (late prices included)."""
    days: dict = defaultdict(dict)
    for booking in held:
        late = LateCharge(booking.late_price, booking.late_amount or Decimal("0")) if booking.late_price else None
        days[(booking.service, booking.date)][booking.unit.code] = late
    household, total = actor.household, Decimal("0")
    for (service, day), codes in days.items():
        late = {code: charge for code, charge in codes.items() if charge}
        try:
            price = price_day(service, day, codes.keys(), qf=household.qf, resident=household.resident, late=late)
        except PricingRefused:
            continue
        total += price.total
    return total
