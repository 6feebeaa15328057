"""Writes on bookings: taken and cancelled under the service days' row locks, through the catalogue's
rules and pricing checks, each change recorded in the booking's history."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from catalog import engine, pricing
from catalog.engine import BEFORE_FULL, ChangeDecision, Reason
from catalog.models import CutoffRule, Service, ServiceUnit
from catalog.selectors import calendar_changed, catalog_snapshot, services_with_rules
from core.prefetch import rows
from families.models import Child, Household
from reservations.closed_days import closed_for_children
from reservations.models import Booking, BookingEvent, Enrolment, ServiceDay, WaitingListEntry
from reservations.places import copy_rows, count, lock_service_days, next_ids, places_left, save_counts

BOOKING, CANCELLATION = CutoffRule.Direction.BOOKING, CutoffRule.Direction.CANCELLATION


class Channel(StrEnum):
    """Who changes bookings, hence which rules apply."""

    ONLINE = "online"  # a parent, under the rules as they are online
    ENROLMENT = "enrolment"  # a validated typical week: days past their cutoff are skipped, never surcharged
    WAITING_LIST = "waiting"  # a place freed for the first in line: online rules, never late, never surcharged
    ALLOCATION = "allocation"  # a booking window's places allocated after its requests: online rules
    COUNTER = "counter"  # staff, past the cutoffs, with the rule's late price or without it


# What staff at the counter may override; a closed, full or past day stays refused.
COUNTER_OVERRIDES = {Reason.LATE, Reason.NOT_BOOKABLE_ONLINE, Reason.WINDOW_NOT_OPEN, Reason.WINDOW_CLOSED}
SOURCES = {
    Channel.ONLINE: Booking.Source.PARENT,
    Channel.ENROLMENT: Booking.Source.ENROLMENT,
    Channel.WAITING_LIST: Booking.Source.WAITING_LIST,
    Channel.ALLOCATION: Booking.Source.ALLOCATION,
}
# Channels that book as the family would online (paid-at-booking holds, requests where staff decide).
AS_ONLINE = (Channel.ONLINE, Channel.WAITING_LIST, Channel.ALLOCATION)
# Channels for which a late day is skipped: nobody asked for it at that price.
NEVER_LATE = (Channel.ENROLMENT, Channel.WAITING_LIST, Channel.ALLOCATION)


@dataclass(frozen=True)
class DayRequest:
    """Units of a service a household asks for a child on a day. `service` comes with its rules
    (`catalog.selectors.services_with_rules`)."""

    child: Child
    household: Household
    service: Service
    date: date
    units: frozenset[str]  # unit codes
    enrolment: Enrolment | None = None  # the typical week that asks for it
    offered_until: datetime | None = None  # a waiting list's offer: the place is kept for them until then


@dataclass(frozen=True)
class Refusal:
    request: DayRequest
    reason: Reason
    detail: str = ""

    @property
    def message(self) -> str:
        return str(engine.REASON_MESSAGES[self.reason])


@dataclass
class Outcome:
    changed: list[Booking] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def bookings_take(
    *,
    actor: User | None,
    requests: Iterable[DayRequest],
    channel: Channel,
    now: datetime | None = None,
    late_price_applied: bool = True,
) -> Outcome:
    """Book each request's units in one transaction; what cannot be booked is reported, not raised."""
    requests, now, outcome = list(requests), now or timezone.now(), Outcome()
    if not requests:
        return outcome
    rules = _Rules(_snapshot(requests), now)  # the calendar, read before the locks: they are held short
    with transaction.atomic():
        days = lock_service_days((r.service.pk, r.date) for r in requests)
        if _calendar_changed(rules.snapshot, requests):  # a day closed meanwhile, under these locks
            rules = _Rules(_snapshot(requests), now)
        closed = closed_for_children(
            service_ids={r.service.pk for r in requests},
            dates={r.date for r in requests},
            child_ids={r.child.pk for r in requests},
        )
        held = _held(requests)  # read under the locks: stays true until the commit
        for request in requests:
            if why := closed.get((request.child.pk, request.service.pk, request.date)):
                outcome.refused.append(Refusal(request, Reason.CLOSED, why))  # closed to its school or class
                continue
            booked = _take(request, days[(request.service.pk, request.date)], held, rules, channel, late_price_applied)
            if isinstance(booked, Refusal):
                outcome.refused.append(booked)
            else:
                outcome.changed.extend(booked)
        _insert(outcome.changed, actor, now)
        _record(outcome.changed, actor, channel, days.values(), now)
    return outcome


class _Rules:
    """The catalogue's answers within one call, asked once per service, day and unit: they are the same
    for every child (only the places left differ, checked apart), so validating a commune's typical
    weeks asks the engine once per day and unit, not once per child."""

    def __init__(self, snapshot: engine.CatalogSnapshot, now: datetime):
        self.snapshot, self.now = snapshot, now
        self.decisions: dict = {}
        self.covers: dict = {}

    def booking(self, service: Service, day: date, unit_id: int, left: int | None) -> ChangeDecision:
        key = (service.pk, day, unit_id)
        if key not in self.decisions:
            self.decisions[key] = engine.change_decision(self.snapshot, service, day, self.now, BOOKING, None, unit_id)
        decision = self.decisions[key]
        if decision.reason in BEFORE_FULL or left is None or left > 0:
            return decision
        return ChangeDecision(False, Reason.FULL)

    def refusal(self, service: Service, codes: frozenset[str]) -> pricing.PricingRefused | None:
        """Why these units cannot be booked together or billed, if they cannot."""
        key = (service.pk, codes)
        if key not in self.covers:
            try:
                pricing.units_check(service, codes)
                pricing.billed_cover(service, codes)
                self.covers[key] = None
            except pricing.PricingRefused as refused:
                self.covers[key] = refused
        return self.covers[key]


def _take(
    request: DayRequest, day: ServiceDay, held: dict, rules: _Rules, channel: Channel, late_price_applied: bool
) -> list[Booking] | Refusal:
    service, child = request.service, request.child
    already = held[(child.pk, service.pk, request.date)]
    units = {unit.code: unit for unit in rows(service, "units")}
    new = [units[code] for code in sorted(request.units - already.keys()) if code in units]
    if unknown := request.units - units.keys():
        return Refusal(request, Reason.NOT_COVERED, ", ".join(sorted(unknown)))
    if not new:
        return []
    if refused := rules.refusal(service, frozenset(request.units | already.keys())):
        return Refusal(request, refused.reason, refused.detail)
    new_child = not already
    left = places_left(rules.snapshot, service, day, child=child, new_child=new_child, unit_ids={u.pk for u in new})
    bookings = []
    for unit in new:
        decision = rules.booking(service, request.date, unit.pk, left)
        refusal = _refusal(request, decision, channel)
        if refusal:
            return refusal
        bookings.append(_booking(request, unit, decision, channel, late_price_applied, rules.now))
    count(day, service, child=child, unit_ids={u.pk for u in new}, new_child=new_child, step=1)
    already.update({unit.code: booking for unit, booking in zip(new, bookings, strict=True)})
    return bookings


def _refusal(request: DayRequest, decision: ChangeDecision, channel: Channel) -> Refusal | None:
    if decision.allowed and not (decision.late and channel in NEVER_LATE):
        return None
    if channel == Channel.COUNTER and decision.reason in COUNTER_OVERRIDES:
        return None
    return Refusal(request, decision.reason or Reason.LATE)


def _booking(
    request: DayRequest,
    unit: ServiceUnit,
    decision: ChangeDecision,
    channel: Channel,
    late_price_applied: bool,
    now: datetime,
) -> Booking:
    online, service = channel in AS_ONLINE, request.service
    held = online and service.billing_mode == Service.BillingMode.IMMEDIATE  # paid at booking (seed 004)
    requested = online and service.booking_mode == Service.BookingMode.REQUEST
    charge = decision.charge if decision.late and late_price_applied else None
    state = Booking.State.HELD if held else Booking.State.REQUESTED if requested else Booking.State.CONFIRMED
    until = now + timedelta(minutes=service.payment_hold_minutes) if held else None
    if held and channel in (Channel.WAITING_LIST, Channel.ALLOCATION):
        # Given to a family away from the site (a freed place, a draw at night): kept to be paid for the
        # service's offer time, not the minutes a family at its basket gets.
        until = now + timedelta(hours=service.waiting_list_offer_hours)
    if request.offered_until:
        state, until = Booking.State.OFFERED, request.offered_until
    # Links set by id, then cached: assigning instances goes through Django's checks, which cost more
    # than the rest of a booking when a school year of typical weeks makes hundreds of thousands.
    booking = Booking(
        child_id=request.child.pk,
        household_id=request.household.pk,
        service_id=request.service.pk,
        unit_id=unit.pk,
        date=request.date,
        state=state,
        source=SOURCES.get(channel, Booking.Source.COUNTER),
        late_price=charge.price if charge else "",
        late_amount=charge.amount if charge else None,
        enrolment_id=request.enrolment.pk if request.enrolment else None,
        held_until=until,
    )
    for name, value in (("child", request.child), ("household", request.household), ("service", request.service)):
        LINKS[name].set_cached_value(booking, value)
    LINKS["unit"].set_cached_value(booking, unit)
    return booking


LINKS = {name: Booking._meta.get_field(name) for name in ("child", "household", "service", "unit")}


def bookings_cancel(
    *,
    actor: User | None,
    bookings: Iterable[Booking],
    channel: Channel,
    now: datetime | None = None,
    late_price_applied: bool = True,
    arriving: dict | None = None,
) -> Outcome:
    """Cancel bookings under the same locks and rules; a late cancellation stays, cancelled, with the
    late price invoicing bills. A confirmed day of a service that validates requests becomes a request
    to cancel when the family asks online. `arriving`: units about to be booked the same days, by
    (child id, service id, date), so that swapping a matin for a journée is checked as a whole."""
    ids, now, outcome = [b.pk for b in bookings], now or timezone.now(), Outcome()
    wanted = list(Booking.objects.filter(pk__in=ids).values_list("service_id", "date").distinct())
    # The rules and the calendar, read before the locks: they are held as short as can be.
    services = {s.pk: s for s in _services({service_id for service_id, _day in wanted})}
    snapshot = catalog_snapshot(
        services=list(services.values()),
        start=min((day for _service_id, day in wanted), default=now.date()),
        end=max((day for _service_id, day in wanted), default=now.date()),
    )
    with transaction.atomic():
        days = lock_service_days(wanted)
        chosen = list(
            Booking.objects.filter(pk__in=ids, state__in=Booking.HOLDING).select_related("child", "unit", "household")
        )
        held = _held_of(  # everything these children hold those days, not only what is cancelled
            Booking.objects.filter(
                child__in={b.child_id for b in chosen},
                service__in=services,
                date__in={b.date for b in chosen},
                state__in=Booking.HOLDING,
            ).select_related("unit")
        )
        leaving = _held_of(chosen)  # what each child gives up each day, checked as a whole
        offered = {b.pk for b in chosen if b.state == Booking.State.OFFERED}
        for booking in chosen:
            booking.service = services[booking.service_id]
            day = days[(booking.service_id, booking.date)]
            result = _cancel(booking, held, leaving, arriving or {}, day, snapshot, now, channel)
            if isinstance(result, Refusal):
                outcome.refused.append(result)
                continue
            if not late_price_applied:
                booking.late_price, booking.late_amount = "", None
            outcome.changed.append(booking)
        Booking.objects.bulk_update(outcome.changed, ["state", "late_price", "late_amount"], batch_size=500)
        _record(outcome.changed, actor, channel, days.values())
        if declined := offered & {b.pk for b in outcome.changed}:  # unticking a place offered declines it
            WaitingListEntry.objects.filter(booking__in=declined, state=WaitingListEntry.State.OFFERED).update(
                state=WaitingListEntry.State.DECLINED, closed_at=now
            )
        if freed := {(b.service_id, b.date) for b in outcome.changed if b.state == Booking.State.CANCELLED}:
            from reservations.services.waiting import waiting_lists_serve  # it books through this module

            waiting_lists_serve(freed, now)
    return outcome


def _cancel(
    booking: Booking,
    held: dict,
    leaving: dict,
    arriving: dict,
    day: ServiceDay,
    snapshot,
    now: datetime,
    channel: Channel,
):
    service, key = booking.service, (booking.child_id, booking.service_id, booking.date)
    request = DayRequest(booking.child, booking.household, service, booking.date, frozenset({booking.unit.code}))
    remaining = (held[key].keys() - leaving[key].keys()) | arriving.get(key, set())
    if remaining:
        try:
            pricing.units_check(service, remaining)
            pricing.billed_cover(service, remaining)
        except pricing.PricingRefused as refused:
            return Refusal(request, refused.reason, refused.detail)
    decision = engine.change_decision(snapshot, service, booking.date, now, CANCELLATION, None, booking.unit_id)
    if refusal := _refusal(request, decision, channel):
        return refusal
    charge = decision.charge if decision.late else None
    booking.late_price, booking.late_amount = (charge.price, charge.amount) if charge else ("", None)
    asks = channel == Channel.ONLINE and service.booking_mode == Service.BookingMode.REQUEST
    if asks and booking.state == Booking.State.CONFIRMED:
        booking.state = Booking.State.CANCELLATION_REQUESTED  # it holds its place until staff decide
        return booking
    booking.state = Booking.State.CANCELLED
    del held[key][booking.unit.code]
    count(day, service, child=booking.child, unit_ids={booking.unit_id}, new_child=not held[key], step=-1)
    return booking


def _held(requests: list[DayRequest]) -> dict:
    """The units each child holds on the requested service days, by code (whichever household booked)."""
    bookings = Booking.objects.filter(
        child__in={r.child.pk for r in requests},
        service__in={r.service.pk for r in requests},
        date__in={r.date for r in requests},
        state__in=Booking.HOLDING,
    ).select_related("unit")
    return _held_of(bookings)


def _held_of(bookings: Iterable[Booking]) -> dict:
    held: dict = defaultdict(dict)
    for booking in bookings:
        held[(booking.child_id, booking.service_id, booking.date)][booking.unit.code] = booking
    return held


def _snapshot(requests: list[DayRequest]) -> engine.CatalogSnapshot:
    return catalog_snapshot(**_calendar_range(requests))


def _calendar_changed(snapshot: engine.CatalogSnapshot, requests: list[DayRequest]) -> bool:
    return calendar_changed(snapshot, **_calendar_range(requests))


def _calendar_range(requests: list[DayRequest]) -> dict:
    services = list({r.service.pk: r.service for r in requests}.values())
    return {"services": services, "start": min(r.date for r in requests), "end": max(r.date for r in requests)}


def _services(ids: set[int]) -> list[Service]:
    return list(services_with_rules().filter(pk__in=ids))


def _record(
    bookings: list[Booking],
    actor: User | None,
    channel: Channel,
    days: Iterable[ServiceDay],
    now: datetime | None = None,
) -> None:
    """The days' new counts, and one history row per booking changed."""
    save_counts(list(days))
    source = SOURCES.get(channel, Booking.Source.COUNTER)
    copy_rows(
        BookingEvent,
        ["booking_id", "at", "actor_id", "state", "source", "late_price", "late_amount", "note"],
        [
            (b.pk, now or timezone.now(), actor.pk if actor else None, b.state, source, b.late_price, b.late_amount, "")
            for b in bookings
        ],
    )


BOOKING_COLUMNS = [
    "id",
    "child_id",
    "household_id",
    "service_id",
    "unit_id",
    "date",
    "state",
    "source",
    "late_price",
    "late_amount",
    "enrolment_id",
    "held_until",
    "created",
    "created_by_id",
]


def _insert(bookings: list[Booking], actor: User | None, now: datetime) -> None:
    """New bookings, written with COPY: a school year of typical weeks is hundreds of thousands of rows,
    and the ORM's INSERT costs ten times more per row. Their ids come from the table's sequence first."""
    if not bookings:
        return
    for booking, pk in zip(bookings, next_ids(Booking, len(bookings)), strict=True):
        booking.pk, booking.created, booking.created_by = pk, now, actor
        booking._state.adding = False
    copy_rows(Booking, BOOKING_COLUMNS, [tuple(getattr(b, c) for c in BOOKING_COLUMNS) for b in bookings])
