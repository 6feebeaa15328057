"""Closures decided after bookings exist: a strike, a weather alert, a class trip closes a day of a service
or of a whole site, for every child or only a school's or a class's. The bookings it hits are cancelled
and never billed (each says which closure cancelled it), what was paid at booking is owed back, the day's
waiting lists are cleared, and every family concerned is told.

A strike with a minimum service (service minimum d'accueil) closes nothing: the children are received, so
their bookings stay and are billed as booked, the day stays open, and the families are told the minimum
service is assured (the message says how).

Everything happens in one transaction under the service days' locks: no booking can be taken nor freed
on those days in between. The places a closure frees are not served to the waiting lists when the whole
day closes (there is nothing left to serve); when only a school or a class is closed, the others' lines
move on as for any freed place."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from catalog.models import CalendarException, Service
from catalog.selectors import services_with_rules
from core.queue import delay_on_commit
from core.roles import Capability, can
from families.models import Child, Household, Schooling
from reservations.models import AmountOwed, Booking, BookingEvent, Closure, WaitingListEntry
from reservations.notifications import send_closure_news
from reservations.places import lock_service_days, place_freed, save_counts
from reservations.prices import priced_days
from reservations.services.waiting import waiting_lists_serve

Entry = WaitingListEntry
# A closure changes the commune's calendar (the day closes for a service or a whole site) and cancels any
# family's bookings, with money owed back: the administrators' capability. Family staff at the counter
# (finance officers) act for one family, service managers for their own services, and neither decides the
# commune's calendar.
CLOSURE_CAPABILITY = Capability.CATALOG_CONFIGURE
LABEL_LENGTH = CalendarException._meta.get_field("label").max_length


@dataclass(frozen=True)
class Owed:
    booking: Booking
    amount: Decimal


@dataclass
class ClosureHit:
    """What a closure reaches on its day: the bookings it cancels (or, with a minimum service, keeps), the
    waiting-list entries it clears and what is owed back for the days paid at booking."""

    closure: Closure
    services: list[Service]
    bookings: list[Booking]
    entries: list[WaitingListEntry]
    owed: list[Owed] = field(default_factory=list)
    unpriced: list[Booking] = field(default_factory=list)  # paid, but no valid price: settled by hand

    @property
    def closes_day(self) -> bool:
        """No school nor class named, no minimum service: the day closes for new bookings too."""
        closure = self.closure
        return not (closure.school or closure.level or closure.minimum_service)

    @property
    def families_booked(self) -> int:
        return len({b.household_id for b in self.bookings})

    @property
    def households(self) -> list[Household]:
        """Every family told: those booked, and those waiting for the day."""
        seen = {b.household_id: b.household for b in self.bookings} | {
            e.household_id: e.household for e in self.entries
        }
        return sorted(seen.values(), key=lambda household: household.name)

    @property
    def children(self) -> list[Child]:
        seen = {b.child_id: b.child for b in self.bookings} | {e.child_id: e.child for e in self.entries}
        return sorted(seen.values(), key=lambda child: (child.last_name, child.first_name))

    @property
    def owed_total(self) -> Decimal:
        return sum((o.amount for o in self.owed), Decimal("0"))


def closure_preview(*, actor: User, closure: Closure, now: datetime | None = None) -> ClosureHit:
    """What `closure` (not saved yet) would hit if confirmed now, shown to staff before they confirm."""
    services = _checked(actor, closure, now or timezone.now())
    return _hit(closure, services, locked=False)


def closure_create(*, actor: User, closure: Closure, now: datetime | None = None) -> ClosureHit:
    """Record the closure and apply it (see the module's comment); the families are e-mailed once it commits."""
    now = now or timezone.now()
    services = _checked(actor, closure, now)
    with transaction.atomic():
        days = lock_service_days((service.pk, closure.date) for service in services)
        closure.created_by = actor
        closure.save()
        hit = _hit(closure, services, locked=True)
        if not closure.minimum_service:
            _apply(hit, days, actor, now)
        audit_record(
            actor=actor,
            action="reservations.closure",
            target=closure,
            changes={"jour": closure.date.isoformat(), "réservations": len(hit.bookings), "dû": str(hit.owed_total)},
        )
        if hit.bookings or hit.entries:
            delay_on_commit(
                send_closure_news,
                closure_id=closure.pk,
                bookings=[b.pk for b in hit.bookings],
                entries=[e.pk for e in hit.entries],
            )
    return hit


def _checked(actor: User, closure: Closure, now: datetime) -> list[Service]:
    """The services the closure reaches, with their rules; a clear reason for anything that cannot be."""
    if not can(actor, CLOSURE_CAPABILITY):
        raise PermissionDenied
    errors = {}
    if not closure.label.strip():
        errors["label"] = _("Écrivez le message envoyé aux familles.")
    if closure.date < timezone.localdate(now):
        errors["date"] = _("Une fermeture se décide pour aujourd'hui ou un jour à venir.")
    if closure.service_id is None and closure.site_id is None:
        errors["service"] = _("Choisissez le service ou le site fermé.")
    elif closure.service_id and closure.site_id and closure.service.site_id != closure.site_id:
        errors["service"] = _("Ce service n'est pas sur ce site.")
    if errors:
        raise ValidationError(errors)
    services = services_with_rules().order_by("name")
    services = list(
        services.filter(pk=closure.service_id) if closure.service_id else services.filter(site=closure.site)
    )
    if not services:
        raise ValidationError({"site": _("Ce site n'a aucun service à fermer.")})
    return services


def _in_scope(rows: QuerySet, closure: Closure) -> QuerySet:
    """Rows of the children the closure names: all of them, or those whose schooling of that day's school
    year is at its school and in its class."""
    if not (closure.school or closure.level):
        return rows
    schoolings = Schooling.objects.filter(school_year__start__lte=closure.date, school_year__end__gte=closure.date)
    if closure.school:
        schoolings = schoolings.filter(school=closure.school)
    if closure.level:
        schoolings = schoolings.filter(level=closure.level)
    return rows.filter(child__in=schoolings.values("child"))


def _hit(closure: Closure, services: list[Service], *, locked: bool) -> ClosureHit:
    entries = Entry.objects.filter(service__in=services, date=closure.date, state__in=Entry.ACTIVE)
    bookings = Booking.objects.filter(service__in=services, date=closure.date, state__in=Booking.HOLDING)
    if locked:  # the entries first, as an offer being accepted holds its entry while it changes its booking
        entries, bookings = entries.select_for_update(of=("self",)), bookings.select_for_update(of=("self",))
    entries = list(_in_scope(entries, closure).select_related("household", "child", "service", "unit"))
    by_pk = {s.pk: s for s in services}
    bookings = list(
        _in_scope(bookings, closure).select_related("household", "child", "unit").order_by("child__last_name", "pk")
    )
    for booking in bookings:
        booking.service = by_pk[booking.service_id]  # with its rules: counts and prices read them
    hit = ClosureHit(closure, services, bookings, [] if closure.minimum_service else entries)
    if not closure.minimum_service:
        hit.owed, hit.unpriced = _owed(bookings)
    return hit


def _owed(bookings: Iterable[Booking]) -> tuple[list[Owed], list[Booking]]:
    """What each booking paid at booking cost (its day priced as a whole, through the one pricing path, the
    late price it carried included): each billed line is owed on the booking of its first unit."""
    paid: dict[int, list[Booking]] = defaultdict(list)
    for booking in bookings:
        # Paid at booking: confirmed, or confirmed and then asked back (still paid) where staff decide.
        paid_states = (Booking.State.CONFIRMED, Booking.State.CANCELLATION_REQUESTED)
        if booking.state in paid_states and booking.service.billing_mode == Service.BillingMode.IMMEDIATE:
            paid[booking.household_id].append(booking)
    amounts: dict[int, Decimal] = defaultdict(Decimal)
    by_pk, unpriced = {}, []
    for held in paid.values():
        for day in priced_days(held[0].household, held):
            same = {b.unit.code: b for b in held if (b.child_id, b.service_id) == (day.child.pk, day.service.pk)}
            if day.price is None:
                unpriced.extend(same.values())
                continue
            for line in day.price.lines:
                booking = same[min(line.units)]
                amounts[booking.pk] += line.price
                by_pk[booking.pk] = booking
    return [Owed(by_pk[pk], amount) for pk, amount in amounts.items()], unpriced


def _apply(hit: ClosureHit, days: dict, actor: User, now: datetime) -> None:
    closure = hit.closure
    note = f"fermeture : {closure.label}"[:200]
    freed: set[int] = set()
    for booking in hit.bookings:
        place_freed(days[(booking.service_id, booking.date)], booking, freed)
        booking.state, booking.closure = Booking.State.CANCELLED, closure
    Booking.objects.bulk_update(hit.bookings, ["state", "closure"])
    save_counts(list(days.values()))
    BookingEvent.objects.bulk_create(
        [BookingEvent(booking=b, actor=actor, state=b.state, source=b.source, note=note) for b in hit.bookings]
    )
    reason = f"fermeture du {closure.date:%d/%m/%Y} : {closure.label}"[:200]
    AmountOwed.objects.bulk_create(
        [
            AmountOwed(household_id=o.booking.household_id, booking=o.booking, amount=o.amount, reason=reason)
            for o in hit.owed
        ]
    )
    for entry in hit.entries:
        entry.state, entry.closed_at = Entry.State.CLEARED, now
    Entry.objects.bulk_update(hit.entries, ["state", "closed_at"])
    if hit.closes_day:  # the engine and the planning say "fermé" from now on
        CalendarException.objects.bulk_create(
            CalendarException(
                kind=CalendarException.Kind.CLOSURE,
                service=service,
                start=closure.date,
                end=closure.date,
                label=closure.label[:LABEL_LENGTH],
            )
            for service in hit.services
        )
    else:  # only some children are away: the places they free go to the others waiting, as usual
        waiting_lists_serve(days.keys(), now)
