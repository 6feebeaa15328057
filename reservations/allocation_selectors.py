"""Reads on allocation windows: those a household may ask in, its requests, a request through its actor."""

from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.models import User
from catalog.models import BookingWindow
from core.roles import Capability, can
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


def get_allocation_window_for(actor: FamilyActor, pk: int, now: datetime) -> BookingWindow:
    """A window of `windows_for_family`; any other (another service's, a first-come one) is 404."""
    window = next((w for w in windows_for_family(actor, now) if w.pk == pk), None)
    if window is None:
        raise Http404
    return window


def window_days(window: BookingWindow) -> list[date]:
    """The days of the window its service runs on (its weekdays)."""
    count = (window.last_day - window.first_day).days + 1
    days = (window.first_day + timedelta(days=n) for n in range(count))
    return [day for day in days if day.weekday() in window.service.weekdays]


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


def get_draw_window_for(actor: User, pk: int) -> BookingWindow:
    """A window allocating by draw, for family staff; for anyone else it does not exist (404)."""
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise Http404
    return get_draw_window_for_staff(pk)
