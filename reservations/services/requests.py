"""Booking requests of services that validate them (seed 001's legend: demande en cours / validée /
d'annulation / refusée): staff decide, and whatever is still pending at its cutoff is settled the way
the service says."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from catalog import engine
from catalog.models import CutoffRule, Service
from catalog.selectors import catalog_snapshot, services_with_rules
from core.roles import Capability, can
from reservations.models import Booking, BookingEvent
from reservations.places import lock_service_days, place_freed, save_counts
from reservations.services.waiting import waiting_lists_serve

PENDING = (Booking.State.REQUESTED, Booking.State.CANCELLATION_REQUESTED)
# What a decision turns a pending booking into: (accepted, refused).
OUTCOMES = {
    Booking.State.REQUESTED: (Booking.State.CONFIRMED, Booking.State.REFUSED),
    Booking.State.CANCELLATION_REQUESTED: (Booking.State.CANCELLED, Booking.State.CONFIRMED),
}


def booking_requests_decide(*, actor: User | None, bookings: Iterable[Booking], accept: bool) -> list[Booking]:
    """Staff validate or refuse pending requests (to book, or to cancel); a refused booking or an accepted
    cancellation frees its place."""
    if actor is not None and not can(actor, Capability.FAMILIES_REVIEW):
        raise PermissionDenied
    ids = [b.pk for b in bookings]
    with transaction.atomic():
        keys = Booking.objects.filter(pk__in=ids).values_list("service_id", "date").distinct()
        days = lock_service_days(list(keys))
        pending = list(Booking.objects.filter(pk__in=ids, state__in=PENDING).select_related("child", "service"))
        freed: set[int] = set()
        for booking in pending:
            if _decide(booking, accept):  # the database still says it holds until the update below
                place_freed(days[(booking.service_id, booking.date)], booking, freed)
        Booking.objects.bulk_update(pending, ["state"])
        save_counts(list(days.values()))
        BookingEvent.objects.bulk_create(
            [BookingEvent(booking=b, actor=actor, state=b.state, source=b.source, note="décision") for b in pending]
        )
        waiting_lists_serve(days.keys())
    return pending


def _decide(booking: Booking, accept: bool) -> bool:
    """Apply the decision; whether the booking's place is freed."""
    accepted, refused = OUTCOMES[booking.state]
    booking.state = accepted if accept else refused
    return booking.state in (Booking.State.CANCELLED, Booking.State.REFUSED)


def pending_requests_settle(now: datetime | None = None) -> int:
    """Requests still pending once their cutoff has passed are validated or refused, as their service
    says (beat runs it in every commune); returns how many were settled."""
    now = now or timezone.now()
    pending = list(Booking.objects.filter(state__in=PENDING, date__gte=timezone.localdate(now)))
    if not pending:
        return 0
    services = {s.pk: s for s in services_with_rules().filter(pk__in={b.service_id for b in pending})}
    snapshot = catalog_snapshot(
        services=list(services.values()), start=min(b.date for b in pending), end=max(b.date for b in pending)
    )
    due: dict[bool, list[Booking]] = {True: [], False: []}
    for booking in pending:
        service = services[booking.service_id]
        direction = (
            CutoffRule.Direction.BOOKING
            if booking.state == Booking.State.REQUESTED
            else CutoffRule.Direction.CANCELLATION
        )
        deadline = engine.service_deadline(snapshot, service, booking.date, direction, booking.unit_id)
        if deadline is not None and now >= deadline:
            due[service.pending_at_cutoff == Service.PendingAtCutoff.VALIDATE].append(booking)
    for accept, bookings in due.items():
        if bookings:
            booking_requests_decide(actor=None, bookings=bookings, accept=accept)
    return len(due[True]) + len(due[False])
