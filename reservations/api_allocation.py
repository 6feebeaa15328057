"""Allocation by draw through the API: a parent reads the windows their household may ask in (or asked in),
asks for a child's units of a day, withdraws a request; family staff run a window's allocation.

Every rule is `reservations.services.allocation`'s: its refusals (a Django ValidationError) leave through
core.errors' handler as a 422 `rule`."""

from collections import defaultdict

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from families.api import named_in_body
from families.selectors import get_child_for
from reservations.allocation_selectors import (
    get_allocation_request_for,
    get_allocation_window_for,
    get_draw_window_for,
    requests_of,
    windows_for_family,
)
from reservations.api import IsFamilyStaff, ParentMixin
from reservations.api_serializers_allocation import (
    AllocationAskSerializer,
    AllocationRequestSerializer,
    AllocationRunOptionsSerializer,
    AllocationRunSerializer,
    AllocationWindowSerializer,
)
from reservations.services.allocation import allocation_request, allocation_run, allocation_withdraw


class AllocationWindowListView(ParentMixin, APIView):
    """The windows whose places are allocated after the requests, of the services the household's children
    are enrolled in: those taking requests, and those already allocated where it asked (the outcome, and
    why, on each request)."""

    @extend_schema(responses=AllocationWindowSerializer(many=True))
    def get(self, request: Request) -> Response:
        now = timezone.now()
        windows = windows_for_family(self.actor, now)
        asked = defaultdict(list)
        for asking in requests_of(self.actor, windows):
            asked[asking.window_id].append(asking)
        context = {"now": now, "requests": asked}
        return Response(AllocationWindowSerializer(windows, many=True, context=context).data)


class AllocationAskView(ParentMixin, APIView):
    """Ask for a child's units of a day of a window taking requests (a new request replaces the household's
    pending one for that child and day)."""

    error_statuses = (409, 422)

    @extend_schema(request=AllocationAskSerializer, responses={201: AllocationRequestSerializer})
    def post(self, request: Request, pk: int) -> Response:
        now = timezone.now()
        window = get_allocation_window_for(self.actor, pk, now)
        data = AllocationAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        asked = allocation_request(
            actor=request.user,
            household=self.actor.household,
            window=window,
            child=named_in_body("child", get_child_for, self.actor, values["child"]),
            day=values["date"],
            units=values["units"],
            now=now,
        )
        return Response(AllocationRequestSerializer(asked).data, status=status.HTTP_201_CREATED)


class AllocationRequestView(ParentMixin, APIView):
    """Withdraw a request still waiting for the allocation (one already allocated stays as it is)."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        asked = get_allocation_request_for(self.actor, pk)
        allocation_withdraw(actor=request.user, household=self.actor.household, request=asked)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AllocationRunView(APIView):
    """Allocate a window's places now that its requests have closed, by its priorities then the lottery
    (with the seed given, or one drawn): who gets none waits in line where the service keeps a list, every
    family is told. The answer is the run's journal: its seed and what each day gave."""

    permission_classes = [IsFamilyStaff]

    @extend_schema(request=AllocationRunOptionsSerializer, responses=AllocationRunSerializer)
    def post(self, request: Request, pk: int) -> Response:
        window = get_draw_window_for(request.user, pk)
        data = AllocationRunOptionsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = allocation_run(window=window, actor=request.user, seed=data.validated_data.get("seed"))
        return Response(AllocationRunSerializer(run).data)
