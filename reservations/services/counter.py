"""Staff book and cancel for a family at the counter: past the cutoffs, with the rule's late price or
without it (their choice, recorded on the booking and journaled under their name on the family's file)."""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User
from audit.services import audit_record
from catalog.models import Service
from catalog.selectors import services_with_rules
from core.roles import Capability, can
from families.models import Child, Household
from reservations.models import Booking
from reservations.services.bookings import Channel, DayRequest, Outcome, bookings_cancel, bookings_take


def _at_counter(actor: User) -> None:
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise PermissionDenied


def counter_book(
    *,
    actor: User,
    household: Household,
    child: Child,
    service: Service,
    day: date,
    units: Iterable[str],
    late_price_applied: bool,
    now: datetime | None = None,
) -> Outcome:
    _at_counter(actor)
    if not child.households.filter(pk=household.pk).exists():
        raise PermissionDenied
    request = DayRequest(child, household, services_with_rules().get(pk=service.pk), day, frozenset(units))
    with transaction.atomic():
        outcome = bookings_take(
            actor=actor, requests=[request], channel=Channel.COUNTER, now=now, late_price_applied=late_price_applied
        )
        _journal(actor, "reservations.book", outcome, household, late_price_applied)
    return outcome


def counter_cancel(
    *, actor: User, household: Household, bookings: Iterable[Booking], late_price_applied: bool, now=None
) -> Outcome:
    _at_counter(actor)
    own = [b for b in bookings if b.household_id == household.pk]
    with transaction.atomic():
        outcome = bookings_cancel(
            actor=actor, bookings=own, channel=Channel.COUNTER, now=now, late_price_applied=late_price_applied
        )
        _journal(actor, "reservations.cancel", outcome, household, late_price_applied)
    return outcome


def _journal(actor: User, action: str, outcome: Outcome, household: Household, late_price_applied: bool) -> None:
    for booking in outcome.changed:
        audit_record(
            actor=actor,
            action=action,
            target=booking,
            changes={
                "jour": booking.date.isoformat(),
                "unité": booking.unit.code,
                "prix du retard": f"{booking.late_price} {booking.late_amount}" if booking.late_price else "",
                "prix du retard appliqué": late_price_applied,
            },
            context=household,
        )
