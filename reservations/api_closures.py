"""Closures through the API, for those who decide them (they change the commune's calendar): the list,
one closure and what it cancelled, a preview of what one would cancel (nothing written), and the decision.

Every rule is `reservations.services.closures`'s: its refusals (a Django ValidationError) leave through
core.errors' handler as a 422 `rule`."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import api_permission
from families.api import named_in_body
from reservations.api_selectors import get_service_for
from reservations.api_serializers_closures import (
    ClosureCreatedSerializer,
    ClosureDetailSerializer,
    ClosureHitSerializer,
    ClosureSerializer,
    NewClosureSerializer,
)
from reservations.closure_selectors import (
    closure_bookings,
    closure_owed_total,
    closures_list,
    get_closure_for,
    get_closure_site_for,
)
from reservations.models import Closure
from reservations.services.closures import CLOSURE_CAPABILITY, closure_create, closure_preview

IsClosureStaff = api_permission(CLOSURE_CAPABILITY)


def _closure(request: Request) -> Closure:
    """The closure the body describes, not saved; its service or site read through their selectors."""
    data = NewClosureSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    if "service" in values:
        values["service"] = named_in_body("service", get_service_for, request.user, values["service"])
    if "site" in values:
        values["site"] = named_in_body("site", get_closure_site_for, request.user, values["site"])
    return Closure(**values)


class ClosureListView(generics.ListAPIView):
    """Every closure of the commune, the latest day first, with how many bookings and families it hit;
    deciding one cancels the day's bookings it reaches (never billed, what was paid owed back), clears the
    day's waiting lists and e-mails every family concerned. The answer says what it cancelled."""

    permission_classes = [IsClosureStaff]
    serializer_class = ClosureSerializer

    def get_queryset(self):
        return closures_list(self.request.user)

    @extend_schema(request=NewClosureSerializer, responses={201: ClosureCreatedSerializer})
    def post(self, request: Request) -> Response:
        hit = closure_create(actor=request.user, closure=_closure(request))
        hit.closure = get_closure_for(request.user, hit.closure.pk)  # with its counts
        return Response(ClosureCreatedSerializer(hit).data, status=status.HTTP_201_CREATED)


class ClosurePreviewView(APIView):
    """What a closure would reach if decided now: the bookings, the waiting lists, what is owed back, the
    families told. Nothing is written."""

    permission_classes = [IsClosureStaff]

    @extend_schema(request=NewClosureSerializer, responses=ClosureHitSerializer)
    def post(self, request: Request) -> Response:
        hit = closure_preview(actor=request.user, closure=_closure(request))
        return Response(ClosureHitSerializer(hit).data)


class ClosureDetailView(generics.RetrieveAPIView):
    """A closure and the bookings it cancelled, family by family, with what each is owed back."""

    permission_classes = [IsClosureStaff]
    serializer_class = ClosureDetailSerializer

    def get_object(self):
        closure = get_closure_for(self.request.user, self.kwargs["pk"])
        closure.bookings_cancelled = closure_bookings(closure)
        closure.owed_total = closure_owed_total(closure)
        return closure
