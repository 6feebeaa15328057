"""The household's basket: the days it wants changed, kept on the server until it validates them all
in one transaction (what cannot be applied is reported, with its reason); services paid at booking
hold their places until paid, and the hold expires."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone

from accounts.models import User
from catalog.engine import REASON_MESSAGES, Reason
from catalog.models import Service
from catalog.selectors import services_with_rules
from core.queue import delay_on_commit
from families.models import Child, Household
from families.services.common import ensure_acts_for
from reservations.eligibility import ineligible
from reservations.models import BasketLine, Booking, BookingEvent
from reservations.notifications import send_basket_confirmation
from reservations.places import lock_service_days, place_freed, save_counts
from reservations.services import period_rules
from reservations.services.bookings import Channel, DayRequest, Outcome, bookings_cancel, bookings_take
from reservations.services.waiting import waiting_lists_serve


def basket_set_day(
    *, actor: User, household: Household, child: Child, service: Service, day: date, units: Iterable[str]
) -> BasketLine | None:
    """The units the household wants for its child and that service on `day` (none: cancel the day); a
    day wanted as it is booked leaves the basket."""
    ensure_acts_for(actor, household)
    if not child.households.filter(pk=household.pk).exists():
        raise PermissionDenied
    wanted = sorted(set(units))
    booked = sorted(_held_codes(household, child, service, day))
    with transaction.atomic():
        if wanted == booked:
            BasketLine.objects.filter(household=household, child=child, service=service, date=day).delete()
            return None
        line, _created = BasketLine.objects.update_or_create(
            household=household, child=child, service=service, date=day, defaults={"units": wanted}
        )
    return line


def basket_set_days(*, actor: User, household: Household, days: Iterable[tuple]) -> None:
    """`basket_set_day` for many days at once — (child, service, day, units) each — in a few queries: the
    planning's form posts a month of ticks for several children."""
    ensure_acts_for(actor, household)
    days = [(child, service, day, sorted(set(units))) for child, service, day, units in days]
    if not days:
        return
    own = set(Child.objects.filter(households=household).values_list("pk", flat=True))
    if any(child.pk not in own for child, _service, _day, _units in days):
        raise PermissionDenied
    held: dict = defaultdict(set)
    bookings = Booking.objects.filter(
        household=household,
        child__in={child.pk for child, *_rest in days},
        service__in={service.pk for _child, service, *_rest in days},
        date__in={day for _child, _service, day, _units in days},
        state__in=Booking.HOLDING,
    ).values_list("child_id", "service_id", "date", "unit__code")
    for child_id, service_id, day, code in bookings:
        held[(child_id, service_id, day)].add(code)
    changed = [d for d in days if d[3] != sorted(held[(d[0].pk, d[1].pk, d[2])])]
    unchanged = [d for d in days if d not in changed]
    with transaction.atomic():
        for child, service, day, _units in unchanged:  # wanted as booked: nothing left to do
            BasketLine.objects.filter(household=household, child=child, service=service, date=day).delete()
        BasketLine.objects.bulk_create(
            [BasketLine(household=household, child=c, service=s, date=d, units=u) for c, s, d, u in changed],
            update_conflicts=True,
            unique_fields=["household", "child", "service", "date"],
            update_fields=["units", "created"],
        )


def basket_drop(*, actor: User, household: Household, line: BasketLine) -> None:
    ensure_acts_for(actor, household)
    BasketLine.objects.filter(pk=line.pk, household=household).delete()


def _held_codes(household: Household, child: Child, service: Service, day: date) -> set[str]:
    """The units this household holds for the child that day (a shared child's other household's are its own)."""
    held = Booking.objects.filter(
        household=household, child=child, service=service, date=day, state__in=Booking.HOLDING
    )
    return set(held.values_list("unit__code", flat=True))


@dataclass(frozen=True)
class LineRefusal:
    line: BasketLine
    reason: Reason
    detail: str = ""

    @property
    def message(self) -> str:
        return f"{REASON_MESSAGES[self.reason]} {self.detail}".strip()


@dataclass
class BasketOutcome:
    booked: list[Booking] = field(default_factory=list)
    cancelled: list[Booking] = field(default_factory=list)
    refused: list[LineRefusal] = field(default_factory=list)
    undone: bool = False  # "all or none" asked and a line refused: nothing applied, the basket kept
    services: dict[int, Service] = field(default_factory=dict)  # the lines' services with their rules, by pk

    @property
    def held(self) -> list[Booking]:
        """Bookings of services paid at booking, waiting for their payment."""
        return [b for b in self.booked if b.state == Booking.State.HELD]


class _AllOrNone(Exception):
    def __init__(self, refused: list[LineRefusal]):
        self.refused = refused


def basket_validate(
    *, actor: User, household: Household, now: datetime | None = None, all_or_none: bool = False
) -> BasketOutcome:
    """Apply the whole basket in one transaction, online rules: cancellations (checked with what the same
    days gain), then bookings; every line leaves the basket, and the family gets the recap by e-mail.
    `all_or_none` (the last places for several children): if any line is refused, nothing is applied and
    the basket stays as it was."""
    ensure_acts_for(actor, household)
    try:
        return _validate(actor, household, now or timezone.now(), all_or_none)
    except _AllOrNone as undone:
        return BasketOutcome(refused=undone.refused, undone=True)


def _validate(actor: User, household: Household, now: datetime, all_or_none: bool) -> BasketOutcome:
    with transaction.atomic():
        lines = list(BasketLine.objects.select_for_update().filter(household=household).select_related("child"))
        if not lines:
            return BasketOutcome()
        services = {s.pk: s for s in services_with_rules().filter(pk__in={line.service_id for line in lines})}
        outcome = _apply(actor, household, lines, services, now)
        outcome.services = services
        if all_or_none and outcome.refused:
            raise _AllOrNone(outcome.refused)  # rolls back every booking, cancellation and count above
        BasketLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
        if outcome.booked or outcome.cancelled:  # through the outbox, in this transaction: sent once it commits
            delay_on_commit(
                send_basket_confirmation,
                household_id=household.pk,
                booked=[b.pk for b in outcome.booked],
                cancelled=[b.pk for b in outcome.cancelled],
                refused=[_refusal_said(refusal) for refusal in outcome.refused],
            )
    return outcome


def _apply(actor: User, household: Household, lines: list[BasketLine], services: dict, now: datetime) -> BasketOutcome:
    """The lines applied; those whose week or period then breaks a holiday centre's rule are left out and
    the rest applied again. Each pass leaves out at least one more line, so it ends."""
    left_out: dict[int, tuple] = {}
    rules = period_rules.governed(services, lines)
    weeks_before = period_rules.weeks_held(household, services, lines) if rules else {}
    while True:
        kept = [line for line in lines if line.pk not in left_out]
        savepoint = transaction.savepoint() if rules else None
        outcome = _apply_lines(actor, household, kept, services, now)
        broken = period_rules.period_refusals(household, kept, services, now, weeks_before) if rules and kept else {}
        if not broken:
            break
        transaction.savepoint_rollback(savepoint)
        said = {r.line.pk: (r.reason, r.detail) for r in outcome.refused}  # a full day stays "full"
        left_out |= {pk: said.get(pk, why) for pk, why in broken.items()}
    outcome.refused += [LineRefusal(line, *left_out[line.pk]) for line in lines if line.pk in left_out]
    return outcome


def _apply_lines(actor, household, lines: list[BasketLine], services: dict, now: datetime) -> BasketOutcome:
    held = _held_by_line(household, lines)
    adding = [line for line in lines if set(line.units) - {b.unit.code for b in held[_key(line)]}]
    barred = ineligible(household, [(line.child, services[line.service_id], line.date) for line in adding])
    # A day the child may not be booked for is left whole: its cancellations alone could leave a unit
    # without the one it requires.
    applied = [line for line in lines if _key(line) not in barred]
    leaving = [b for line in applied for b in held[_key(line)] if b.unit.code not in line.units]
    if leaving and any(line.units for line in applied):
        # Cancelling then booking would take the days' locks in two batches, and two baskets crossing
        # days could deadlock: all at once, in (service, date) order. (A basket that only books keeps its
        # reads before the locks, as the rush's do.)
        lock_service_days(_key(line)[1:] for line in applied)
    arriving = {_key(line): set(line.units) for line in applied}
    cancelled = bookings_cancel(actor=actor, bookings=leaving, channel=Channel.ONLINE, now=now, arriving=arriving)
    requests = [
        DayRequest(line.child, household, services[line.service_id], line.date, frozenset(line.units))
        for line in applied
        if line.units
    ]
    booked = bookings_take(actor=actor, requests=requests, channel=Channel.ONLINE, now=now)
    outcome = _by_line(applied, cancelled, booked)
    outcome.refused += [LineRefusal(line, barred[_key(line)]) for line in lines if _key(line) in barred]
    return outcome


def _refusal_said(refusal: LineRefusal) -> dict[str, str]:
    line = refusal.line
    day = formats.date_format(line.date, "l j F Y")
    return {"day": day, "child": str(line.child), "service": str(line.service), "message": refusal.message}


def _key(line: BasketLine) -> tuple[int, int, date]:
    return (line.child_id, line.service_id, line.date)


def _held_by_line(household: Household, lines: list[BasketLine]) -> dict:
    bookings = Booking.objects.filter(
        household=household,
        child__in={line.child_id for line in lines},
        service__in={line.service_id for line in lines},
        date__in={line.date for line in lines},
        state__in=Booking.HOLDING,
    ).select_related("unit")
    held: dict = defaultdict(list)
    for booking in bookings:
        held[(booking.child_id, booking.service_id, booking.date)].append(booking)
    return held


def _by_line(lines: list[BasketLine], cancelled: Outcome, booked: Outcome) -> BasketOutcome:
    by_key = {_key(line): line for line in lines}
    outcome = BasketOutcome(booked=booked.changed, cancelled=cancelled.changed)
    for refusal in cancelled.refused + booked.refused:
        request = refusal.request
        line = by_key[(request.child.pk, request.service.pk, request.date)]
        outcome.refused.append(LineRefusal(line, refusal.reason, refusal.detail))
    return outcome


def holds_release(now: datetime | None = None) -> int:
    """Held places whose payment did not come in time go back to everyone (beat, every minute)."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = Booking.objects.filter(state=Booking.State.HELD, held_until__lte=now)
        keys = list(expired.values_list("service_id", "date").distinct())
        if not keys:
            return 0
        days = lock_service_days(keys)
        bookings = list(expired.select_related("child", "service").select_for_update(of=("self",)))
        freed: set[int] = set()
        for booking in bookings:
            place_freed(days[(booking.service_id, booking.date)], booking, freed)
            booking.state = Booking.State.CANCELLED
        Booking.objects.bulk_update(bookings, ["state"])
        save_counts(list(days.values()))
        BookingEvent.objects.bulk_create(
            [
                BookingEvent(booking=b, state=b.state, source=b.source, note="délai de paiement dépassé")
                for b in bookings
            ]
        )
        waiting_lists_serve(days.keys(), now)
    return len(bookings)


def holds_paid(*, actor: User | None, household: Household, bookings: Iterable[Booking] | None = None) -> list[Booking]:
    """The hand-over point of payments: the household paid, its held days become booked (staff record a
    payment by hand until online payment exists)."""
    with transaction.atomic():
        held = Booking.objects.select_for_update().filter(household=household, state=Booking.State.HELD)
        if bookings is not None:
            held = held.filter(pk__in=[b.pk for b in bookings])
        paid = list(held)
        for booking in paid:
            booking.state, booking.held_until = Booking.State.CONFIRMED, None
        Booking.objects.bulk_update(paid, ["state", "held_until"])
        BookingEvent.objects.bulk_create(
            [BookingEvent(booking=b, actor=actor, state=b.state, source=b.source, note="payé") for b in paid]
        )
    return paid
