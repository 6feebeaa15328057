"""Reads on allocation windows: those a household may ask in, its requests, a request through its actor."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from catalog.models import BookingWindow
from families.models import Decision
from families.selectors import FamilyActor
from reservations.models import AllocationRequest, Enrolment

Allocation = BookingWindow.Allocation


def windows_for_family(actor: FamilyActor, now: datetime) -> list[BookingWindow]:
    """Windows allocating by draw of the services the household's children are enrolled in: those taking
    requests, and those already allocated where the household asked (to read the outcome)."""
    services = Enrolment.objects.filter(household=actor.household, status=Decision.VALIDATED).values("service")
    asked = AllocationRequest.objects.filter(household=actor.household).values("window")
    return list(
        BookingWindow.objects.filter(allocation=Allocation.DRAW, service__in=services)
        .filter(Q(allocated_at__isnull=True, opens_at__lte=now) | Q(pk__in=asked))
        .select_related("service")
        .prefetch_related("service__units")
        .order_by("first_day")
    )


def requests_of(actor: FamilyActor, windows: list[BookingWindow]) -> list[AllocationRequest]:
    return list(
        AllocationRequest.objects.filter(household=actor.household, window__in=windows)
        .exclude(state=AllocationRequest.State.WITHDRAWN)
        .select_related("child")
        .order_by("date", "child__first_name")
    )


def get_allocation_request_for(actor: FamilyActor, pk: int) -> AllocationRequest:
    request = AllocationRequest.objects.filter(household=actor.household, pk=pk).first()
    if request is None:
        raise Http404
    return request


def draw_windows() -> QuerySet[BookingWindow]:
    """Staff: every window allocating by draw, with how many requests wait."""
    pending = Count("requests", filter=Q(requests__state=AllocationRequest.State.PENDING))
    return (
        BookingWindow.objects.filter(allocation=Allocation.DRAW)
        .select_related("service")
        .annotate(pending=pending)
        .order_by("-first_day")
    )


def get_draw_window_for_staff(pk: int) -> BookingWindow:
    window = draw_windows().filter(pk=pk).first()
    if window is None:
        raise Http404
    return window
