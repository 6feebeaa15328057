"""Waiting lists of full days: a family joins for the units it wants; a place freed goes to the first in
line, booked at once while the family may still cancel without charge for the service's margin, else
offered to them until an hour that always comes before the booking deadline, then passed on.

Serving runs in the transaction that freed the place, under the service day's lock: the place cannot be
taken by someone else in between, nor given twice."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog import calendar, engine
from catalog.engine import Reason
from catalog.models import Service
from catalog.selectors import catalog_snapshot, services_with_rules
from core.prefetch import rows
from core.queue import delay_on_commit
from families.models import Child, Household
from families.services.common import ensure_acts_for
from reservations.eligibility import ensure_bookable, households_ineligible
from reservations.models import Booking, BookingEvent, ServiceDay, WaitingListEntry
from reservations.notifications import send_waiting_list_news
from reservations.places import DayKey, lock_service_days, place_freed, places_left, save_counts
from reservations.services.bookings import BOOKING, CANCELLATION, Channel, DayRequest, bookings_take
from reservations.waiting_selectors import in_line_order

Entry = WaitingListEntry


def waiting_join(
    *, actor: User, household: Household, child: Child, service: Service, day: date, units: Iterable[str], now=None
) -> list[WaitingListEntry]:
    """Put the child on the day's waiting list for each unit asked for that is full; refused with a
    reason when the service keeps no list, the child is not enrolled, or a place is still free."""
    ensure_acts_for(actor, household)
    now = now or timezone.now()
    service = services_with_rules().get(pk=service.pk)
    codes = set(units)
    chosen = [u for u in rows(service, "units") if u.code in codes]
    if not service.waiting_list:
        raise ValidationError(_("Ce service ne tient pas de liste d'attente."))
    if not chosen or len(chosen) != len(codes):
        raise ValidationError(_("Choisissez une unité de ce service."))
    ensure_bookable(household, child, service, day)
    snapshot = catalog_snapshot(services=[service], start=day, end=day)
    row = ServiceDay.objects.filter(service=service, date=day).first() or ServiceDay(service=service, date=day)
    held = set(
        Booking.objects.filter(child=child, service=service, date=day, state__in=Booking.HOLDING).values_list(
            "unit__code", flat=True
        )
    )
    with transaction.atomic():
        entries = []
        for unit in chosen:
            if unit.code in held:
                raise ValidationError(_("« %(unit)s » est déjà réservé ce jour-là.") % {"unit": unit.name})
            left = places_left(snapshot, service, row, child=child, new_child=not held, unit_ids={unit.pk})
            decision = engine.change_decision(snapshot, service, day, now, BOOKING, left, unit.pk)
            if decision.reason != Reason.FULL:
                raise ValidationError(
                    _("« %(unit)s » n'est pas complet ce jour-là : réservez-le depuis le planning.")
                    % {"unit": unit.name}
                    if decision.allowed
                    else str(engine.REASON_MESSAGES[decision.reason])
                )
            already = _("L'enfant est déjà sur la liste d'attente de ce jour.")
            if Entry.objects.filter(child=child, service=service, date=day, unit=unit, state__in=Entry.ACTIVE).exists():
                raise ValidationError(already)
            try:
                with transaction.atomic():  # a double submit: the constraint answers, in words
                    entries.append(
                        Entry.objects.create(
                            household=household, child=child, service=service, unit=unit, date=day, requested_by=actor
                        )
                    )
            except IntegrityError as exc:
                raise ValidationError(already) from exc
    return entries


def waiting_leave(*, actor: User, household: Household, entry: WaitingListEntry, now=None) -> None:
    """The family leaves the list; an offer it held is declined, and its place goes to the next in line."""
    ensure_acts_for(actor, household)
    if entry.household_id != household.pk:
        raise PermissionDenied
    if entry.state == Entry.State.OFFERED:
        waiting_offer_decline(actor=actor, household=household, entry=entry, now=now)
        return
    left = Entry.objects.filter(pk=entry.pk, state=Entry.State.WAITING).update(
        state=Entry.State.LEFT, closed_at=now or timezone.now()
    )
    if not left:  # served or closed since the page was shown: leaving now would say what did not happen
        entry.refresh_from_db(fields=["state"])
        if entry.state == Entry.State.BOOKED:
            raise ValidationError(
                _("Une place s'est libérée entre-temps : l'enfant est réservé. Décochez le jour pour l'annuler.")
            )
        if entry.state == Entry.State.OFFERED:
            raise ValidationError(_("Une place vient de vous être proposée : acceptez-la ou refusez-la."))
        raise ValidationError(_("Vous n'êtes plus sur cette liste d'attente."))


def waiting_offer_accept(*, actor: User, household: Household, entry: WaitingListEntry, now=None) -> Booking:
    """The family takes the place offered: it becomes booked (held until paid where the service is paid
    at booking, a request where staff decide)."""
    ensure_acts_for(actor, household)
    now = now or timezone.now()
    with transaction.atomic():
        lock_service_days([(entry.service_id, entry.date)])  # the day before the entry, as every other path
        entry = _offered(household, entry, now)
        service = entry.service
        booking = entry.booking
        if service.billing_mode == Service.BillingMode.IMMEDIATE:
            pay_by = now + timedelta(minutes=service.payment_hold_minutes)
            booking.state, booking.held_until = Booking.State.HELD, pay_by
        elif service.booking_mode == Service.BookingMode.REQUEST:
            booking.state, booking.held_until = Booking.State.REQUESTED, None
        else:
            booking.state, booking.held_until = Booking.State.CONFIRMED, None
        booking.save(update_fields=["state", "held_until"])
        BookingEvent.objects.create(
            booking=booking, actor=actor, state=booking.state, source=booking.source, note="place acceptée"
        )
        entry.state, entry.closed_at = Entry.State.BOOKED, now
        entry.save(update_fields=["state", "closed_at"])
    return booking


def waiting_offer_decline(*, actor: User, household: Household, entry: WaitingListEntry, now=None) -> None:
    ensure_acts_for(actor, household)
    now = now or timezone.now()
    with transaction.atomic():
        lock_service_days([(entry.service_id, entry.date)])  # the day before the entry, as every other path
        entry = _offered(household, entry, now)
        _offers_close([entry], Entry.State.DECLINED, actor, "place refusée", now)


def offers_expire(now: datetime | None = None) -> int:
    """Offers not accepted in time pass to the next in line (beat, every minute, with the holds)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Entry.objects.filter(state=Entry.State.OFFERED, offered_until__lte=now)
        # The days before the entries, in the order every path takes them (a closure, a cancellation that
        # serves the line): two of them meeting wait for each other instead of deadlocking.
        lock_service_days(set(due.values_list("service_id", "date")))
        entries = list(due.select_for_update(of=("self",)).select_related("booking__child", "booking__service"))
        _offers_close(entries, Entry.State.EXPIRED, None, "proposition expirée", now)
    return len(entries)


def _offered(household: Household, entry: WaitingListEntry, now: datetime) -> WaitingListEntry:
    entry = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("service", "booking__child", "booking__service")
        .filter(pk=entry.pk, household=household)
        .first()
    )
    if entry is None:
        raise PermissionDenied
    offered = entry.booking is not None and entry.booking.state == Booking.State.OFFERED
    if entry.state != Entry.State.OFFERED or not offered or entry.offered_until <= now:
        raise ValidationError(_("Cette proposition n'est plus valable."))
    return entry


def _offers_close(entries: list[WaitingListEntry], state: str, actor: User | None, note: str, now) -> None:
    """Offers that end without a yes: their places are freed and served to the next in line."""
    if not entries:
        return
    days = lock_service_days({(e.service_id, e.date) for e in entries})
    freed: set[int] = set()
    bookings = []
    for entry in entries:
        booking = entry.booking
        place_freed(days[(booking.service_id, booking.date)], booking, freed)
        booking.state = Booking.State.CANCELLED
        bookings.append(booking)
        entry.state, entry.closed_at = state, now
    Booking.objects.bulk_update(bookings, ["state"])
    Entry.objects.bulk_update(entries, ["state", "closed_at"])
    save_counts(list(days.values()))
    BookingEvent.objects.bulk_create(
        [BookingEvent(booking=b, actor=actor, state=b.state, source=b.source, note=note) for b in bookings]
    )
    waiting_lists_serve(days.keys(), now)


def waiting_lists_serve(keys: Iterable[DayKey], now: datetime | None = None) -> list[WaitingListEntry]:
    """Give the places free on these service days to their waiting lists, first in line first. Called in
    the transaction that freed them, after its counts are saved; returns the entries booked or offered."""
    now = now or timezone.now()
    keys = set(keys)
    waiting = (
        Entry.objects.select_for_update(of=("self",))
        .filter(state=Entry.State.WAITING, service__waiting_list=True, date__gte=now.date())
        .filter(service_id__in={s for s, _d in keys}, date__in={d for _s, d in keys})
    )
    waiting = list(in_line_order(waiting).select_related("child", "household", "unit"))
    waiting = [e for e in waiting if (e.service_id, e.date) in keys]
    if not waiting:
        return []
    services = {s.pk: s for s in services_with_rules().filter(pk__in={e.service_id for e in waiting})}
    barred = _barred(waiting, services)
    waiting = [e for e in waiting if e.pk not in barred]
    if not waiting:
        return []
    snapshot = catalog_snapshot(
        services=list(services.values()), start=min(e.date for e in waiting), end=max(e.date for e in waiting)
    )
    served, stopped = [], set()
    for entry in waiting:
        line = (entry.service_id, entry.date, entry.unit_id)
        if line in stopped:
            continue
        service = services[entry.service_id]
        offered_until = _offer_end(snapshot, service, entry, now)
        if offered_until is False:  # too late to book it online: the place stays for the counter
            stopped.add(line)
            continue
        request = DayRequest(
            entry.child, entry.household, service, entry.date, frozenset({entry.unit.code}), offered_until=offered_until
        )
        outcome = bookings_take(actor=None, requests=[request], channel=Channel.WAITING_LIST, now=now)
        if not outcome.changed:
            refusal = outcome.refused[0] if outcome.refused else None
            if refusal and (refusal.reason == Reason.FULL or _about_the_day(refusal)):
                stopped.add(line)  # no place left, or the day shut to everyone: the rest of the line waits
            continue
        entry.booking = outcome.changed[0]
        entry.state = Entry.State.OFFERED if offered_until else Entry.State.BOOKED
        entry.offered_until = offered_until
        entry.closed_at = None if offered_until else now
        entry.save(update_fields=["booking", "state", "offered_until", "closed_at"])
        served.append(entry)
    if served:
        delay_on_commit(send_waiting_list_news, entry_ids=[e.pk for e in served])
    return served


def _barred(waiting: list[WaitingListEntry], services: dict[int, Service]) -> set[int]:
    """The entries whose child may no longer be booked (enrolment ended, dossier not validated any more):
    passed over, and left waiting in case it is put right."""
    refused = households_ineligible([(e.household, e.child, services[e.service_id], e.date) for e in waiting])
    return {e.pk for e in waiting if (e.household_id, e.child_id, e.service_id, e.date) in refused}


def _about_the_day(refusal) -> bool:
    """A refusal that would be the same for anyone in line (past, late, closed…); a day closed to one
    child's school only says why in its detail, and the next in line may still have it."""
    return refusal.reason in engine.BEFORE_FULL | {Reason.LATE} and not refusal.detail


def _offer_end(snapshot, service: Service, entry: WaitingListEntry, now: datetime):
    """None: book it now (the family can still cancel free of charge for the margin); a moment: offer it
    until then (never after the booking deadline); False: too late for either."""
    day_start = calendar.local_datetime(entry.date)
    book_by = engine.service_deadline(snapshot, service, entry.date, BOOKING, entry.unit_id) or day_start
    if book_by <= now:
        return False
    cancel_by = engine.service_deadline(snapshot, service, entry.date, CANCELLATION, entry.unit_id) or day_start
    if cancel_by - now >= timedelta(hours=service.waiting_list_margin_hours):
        return None
    until = min(now + timedelta(hours=service.waiting_list_offer_hours), book_by - timedelta(minutes=1))
    return until if until > now else False
