"""The parents' planning, read side: for a household, some of its children and a date range, each day and
unit of the services they are enrolled in, with its state in words and symbol, and what each month costs.

A bounded number of queries whatever the children, services and days: the enrolments, the services with
their rules (`services_with_rules`), one `catalog_snapshot`, the days' place counts, the household's
bookings, and its basket when there is one. A shared child's other household's bookings are never read.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import calendar, engine, pricing
from catalog.engine import BEFORE_FULL, ChangeDecision, LateCharge, Reason
from catalog.models import CalendarException, CutoffRule, Service, ServiceUnit
from catalog.selectors import catalog_snapshot, services_with_rules
from core.prefetch import rows
from families.models import Child, Decision, Household
from families.selectors import FamilyActor
from reservations.closed_days import closed_for_children
from reservations.eligibility import dossier_covers, enrolment_covers, validated_dossier_years
from reservations.models import Absence, Booking, Enrolment, ServiceDay, WaitingListEntry
from reservations.places import places_left
from reservations.waiting_selectors import waiting_ranks

BOOKING, CANCELLATION = CutoffRule.Direction.BOOKING, CutoffRule.Direction.CANCELLATION
MAX_DAYS = 62  # the longest range a page asks for (a month, and a margin)
# How far from today the planning goes either way (last years' bookings, next school year's): beyond, a
# date is a typing slip, and far enough it would step past the calendar's last day.
REACH = timedelta(days=5 * 366)


def within_reach(day: date, today: date) -> bool:
    return today - REACH <= day <= today + REACH


class State(StrEnum):
    BOOKABLE = "bookable"
    BOOKED = "booked"
    REQUESTED = "requested"
    REFUSED = "refused"
    CANCELLATION_REQUESTED = "cancellation_requested"
    HELD = "held"  # booked, its place held until paid (services paid at booking)
    WAITING = "waiting"  # full, the child on its waiting list (its rank said)
    OFFERED = "offered"  # a place freed for the child, kept until the offer ends
    LOCKED = "locked"  # not modifiable: past, past the cutoff, outside the booking window or the enrolment
    FULL = "full"
    CLOSED = "closed"
    PRESENT = "present"  # filled by the registers (a later issue)
    ABSENT = "absent"  # an absence reported, or decided not justified
    ABSENT_JUSTIFIED = "absent_justified"


# A booked day covered by an absence: justified, or reported and not (yet) justified.
ABSENCE_STATES = {
    Absence.State.REPORTED: State.ABSENT,
    Absence.State.UNJUSTIFIED: State.ABSENT,
    Absence.State.JUSTIFIED: State.ABSENT_JUSTIFIED,
}

# In words and in a symbol, never colour alone.
STATE_LABELS = {
    State.BOOKABLE: gettext_lazy("réservable"),
    State.BOOKED: gettext_lazy("réservé"),
    State.REQUESTED: gettext_lazy("demande en cours"),
    State.REFUSED: gettext_lazy("demande refusée"),
    State.CANCELLATION_REQUESTED: gettext_lazy("demande d'annulation"),
    State.HELD: gettext_lazy("en attente de paiement"),
    State.WAITING: gettext_lazy("en liste d'attente"),
    State.OFFERED: gettext_lazy("place proposée"),
    State.LOCKED: gettext_lazy("non modifiable"),
    State.FULL: gettext_lazy("complet"),
    State.CLOSED: gettext_lazy("fermé"),
    State.PRESENT: gettext_lazy("présent"),
    State.ABSENT: gettext_lazy("absent"),
    State.ABSENT_JUSTIFIED: gettext_lazy("absence justifiée"),
}
STATE_SYMBOLS = {
    State.BOOKABLE: "○",
    State.BOOKED: "✓",
    State.REQUESTED: "?",
    State.REFUSED: "✗",
    State.CANCELLATION_REQUESTED: "↺",
    State.HELD: "€",
    State.WAITING: "…",
    State.OFFERED: "!",
    State.LOCKED: "⊖",  # a symbol every font has (an emoji lock is missing from some)
    State.FULL: "⊘",
    State.CLOSED: "—",
    State.PRESENT: "●",
    State.ABSENT: "◌",
    State.ABSENT_JUSTIFIED: "◍",
}


@dataclass(frozen=True)
class Cell:
    """A child's unit of a service on a day."""

    child: Child
    service: Service
    date: date
    unit: ServiceUnit
    state: State
    booked: bool  # the household holds it (booked, requested, or its cancellation asked)
    wanted: bool  # what the page ticks: the basket's change if there is one, else what is booked
    changeable: bool  # ticking or unticking it online is allowed now
    reason: str = ""  # why not, or what it costs late
    late: bool = False  # a change now is late (the rule's late price applies)
    in_basket: bool = False
    can_wait: bool = False  # full, with a waiting list the child is not on yet

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def symbol(self) -> str:
        return STATE_SYMBOLS[self.state]

    @property
    def value(self) -> str:
        """The box's value: child, service, day and unit."""
        return f"{self.child.pk}:{self.service.pk}:{self.date.isoformat()}:{self.unit.code}"


@dataclass(frozen=True)
class Day:
    """A child's day of a service: its units' cells, or the reason it is closed."""

    child: Child
    service: Service
    date: date
    open: bool
    cells: list[Cell]
    closed_reason: str = ""

    @property
    def key(self) -> str:
        return f"{self.child.pk}:{self.service.pk}:{self.date.isoformat()}"

    @property
    def wanted(self) -> frozenset[str]:
        return frozenset(c.unit.code for c in self.cells if c.wanted)

    @property
    def booked(self) -> frozenset[str]:
        return frozenset(c.unit.code for c in self.cells if c.booked)


@dataclass(frozen=True)
class Line:
    """A child in a service over the range."""

    child: Child
    service: Service
    days: list[Day]


@dataclass(frozen=True)
class MonthCost:
    """Coût de la période: what the household's booked days of a child cost in a month."""

    child: Child
    month: date  # its first day
    total: Decimal
    days: int


@dataclass
class Planning:
    household: Household
    start: date
    end: date
    children: list[Child]
    lines: list[Line]
    costs: list[MonthCost] = field(default_factory=list)
    dossier_missing: list[Child] = field(default_factory=list)  # open days shown whose year's dossier is not validated

    @property
    def dates(self) -> list[date]:
        """The days the page shows: those any line's service runs on that week day."""
        weekdays = {d for line in self.lines for d in line.service.weekdays}
        span = range((self.end - self.start).days + 1)
        return [day for i in span if (day := self.start + timedelta(days=i)).weekday() in weekdays]

    def day(self, key: str) -> Day | None:
        return self._index().get(key)

    def _index(self) -> dict[str, Day]:
        if not hasattr(self, "_days"):
            self._days = {day.key: day for line in self.lines for day in line.days}
        return self._days

    @property
    def total(self) -> Decimal:
        return sum((c.total for c in self.costs), Decimal("0"))


def _closed_reason(snapshot: engine.CatalogSnapshot, service: Service, day: date) -> str:
    applying = [e for e in snapshot.exceptions if e.start <= day <= e.end and e.service_id in (None, service.pk)]
    if closure := next((e for e in applying if e.kind == CalendarException.Kind.CLOSURE), None):
        return closure.label
    if name := calendar.public_holiday_name(day, snapshot.subdivision):
        return _("férié : %(name)s") % {"name": name}
    year = snapshot.school_year(day)
    if year is None:
        return _("hors année scolaire")
    if service.period != Service.Period.ALL:
        holiday = calendar.is_school_holiday(day, year.zone)
        return _("vacances scolaires") if holiday else _("période scolaire")
    return _("pas de service ce jour-là")


def _basket(household: Household, children: list[Child], start: date, end: date) -> dict:
    """(child, service, date) -> wanted unit codes, from the household's basket once it exists."""
    try:
        from reservations.models import BasketLine
    except ImportError:
        return {}
    lines = BasketLine.objects.filter(household=household, child__in=children, date__range=(start, end))
    return {(line.child_id, line.service_id, line.date): frozenset(line.units) for line in lines}


def household_planning(
    *,
    actor: FamilyActor,
    children: list[Child],
    start: date,
    end: date,
    now: datetime,
    with_basket: bool = True,
) -> Planning:
    """The planning of `children` (read through `get_child_for`) from `start` to `end` (at most MAX_DAYS)."""
    household = actor.household
    end = min(end, start + timedelta(days=MAX_DAYS))
    enrolments = list(
        Enrolment.objects.filter(
            household=household, child__in=children, status=Decision.VALIDATED, start__lte=end, end__gte=start
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=start))
        .order_by("start")
    )
    service_ids = {e.service_id for e in enrolments}
    services = {s.pk: s for s in services_with_rules().filter(pk__in=service_ids)} if service_ids else {}
    planning = Planning(household=household, start=start, end=end, children=children, lines=[])
    if not services:
        return planning
    # The months the range touches, for their cost so far: bookings are read over them.
    month_start = start.replace(day=1)
    month_end = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    snapshot = catalog_snapshot(services=list(services.values()), start=start, end=end)
    counts = {
        (row.service_id, row.date): row
        for row in ServiceDay.objects.filter(service_id__in=service_ids, date__range=(start, end))
    }
    bookings = list(
        Booking.objects.filter(
            household=household, child__in=children, service_id__in=service_ids, date__range=(month_start, month_end)
        )
        .exclude(state=Booking.State.CANCELLED, late_price="")
        .annotate(absence_state=F("absence__state"))  # in the same query: the planning's count stays fixed
        .order_by("created", "pk")
    )
    reads = _Reads(
        held=defaultdict(dict),
        refused=defaultdict(set),
        basket=_basket(household, children, start, end) if with_basket else {},
        counts=counts,
        waiting=_waiting(household, children, start, end),
        closed=closed_for_children(
            service_ids=service_ids, dates=_dates(start, end), child_ids=[c.pk for c in children]
        ),
        dossiers=validated_dossier_years({e.child_id for e in enrolments}, start, end),
    )
    held, refused = reads.held, reads.refused
    for booking in bookings:
        key = (booking.child_id, booking.service_id, booking.date)
        if booking.state in Booking.HOLDING:
            held[key][booking.unit_id] = booking
        elif booking.state == Booking.State.REFUSED:
            refused[key].add(booking.unit_id)
    decisions: dict = {}

    def decide(service: Service, day: date, unit_id: int, direction) -> ChangeDecision:
        key = (service.pk, day, unit_id, direction)
        if key not in decisions:
            decisions[key] = engine.change_decision(snapshot, service, day, now, direction, None, unit_id)
        return decisions[key]

    by_child = {child.pk: child for child in children}
    pairs: dict = defaultdict(list)
    for enrolment in enrolments:
        pairs[(enrolment.child_id, enrolment.service_id)].append(enrolment)
    order = {child.pk: i for i, child in enumerate(children)}
    for (child_id, service_id), covering in sorted(
        pairs.items(), key=lambda p: (order[p[0][0]], services[p[0][1]].name)
    ):
        child, service = by_child[child_id], services[service_id]
        days = []
        for offset in range((end - start).days + 1):
            day = start + timedelta(days=offset)
            if day.weekday() not in service.weekdays:
                continue
            days.append(_day(snapshot, service, child, day, covering, reads, decide))
        planning.lines.append(Line(child, service, days))
    planning.costs = _costs(household, children, services, bookings, month_start, month_end)
    missing = {  # days to come that only the dossier keeps from booking
        line.child.pk
        for line in planning.lines
        for day in line.days
        if day.open
        and day.date >= now.date()
        and any(enrolment_covers(e, day.date) for e in pairs[(line.child.pk, line.service.pk)])
        and not dossier_covers(reads.dossiers, line.child.pk, day.date)
    }
    planning.dossier_missing = [child for child in children if child.pk in missing]
    return planning


@dataclass(frozen=True)
class _Reads:
    """What the planning reads once for all its days (a fixed number of queries)."""

    held: dict  # (child, service, date) -> {unit id: booking}
    refused: dict  # (child, service, date) -> unit ids refused
    basket: dict  # (child, service, date) -> unit codes wanted
    counts: dict  # (service, date) -> ServiceDay
    waiting: dict  # (child, service, date, unit id) -> rank
    closed: dict  # (child, service, date) -> why the day is closed to this child (a school's closure)
    dossiers: dict  # child -> the school years (first, last day) of its validated dossiers


def _dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _day(snapshot, service, child, day, covering, reads: _Reads, decide) -> Day:
    key = (child.pk, service.pk, day)
    if not engine.is_open(snapshot, service, day):
        return Day(child, service, day, False, [], _closed_reason(snapshot, service, day))
    if key in reads.closed:
        return Day(child, service, day, False, [], reads.closed[key])
    mine = reads.held.get(key, {})
    in_basket = reads.basket.get(key)
    enrolled = any(enrolment_covers(e, day) for e in covering)
    dossier = dossier_covers(reads.dossiers, child.pk, day)
    row = reads.counts.get((service.pk, day)) or ServiceDay(
        service=service, date=day, children=0, units={}, age_groups={}
    )
    cells = []
    for unit in rows(service, "units"):
        booking = mine.get(unit.pk)
        if booking is not None:
            state = {
                Booking.State.REQUESTED: State.REQUESTED,
                Booking.State.CANCELLATION_REQUESTED: State.CANCELLATION_REQUESTED,
                Booking.State.HELD: State.HELD,
            }.get(booking.state, State.BOOKED)
            if booking.absence_state:
                state = ABSENCE_STATES[booking.absence_state]
            decision = decide(service, day, unit.pk, CANCELLATION)
            changeable = decision.allowed and booking.state != Booking.State.CANCELLATION_REQUESTED
        else:
            decision = decide(service, day, unit.pk, BOOKING)
            if decision.reason not in BEFORE_FULL:
                left = places_left(snapshot, service, row, child=child, new_child=not mine, unit_ids={unit.pk})
                if left is not None and left <= 0:
                    decision = ChangeDecision(False, Reason.FULL)
            changeable = decision.allowed
            if decision.allowed:
                state = State.REFUSED if unit.pk in reads.refused.get(key, ()) else State.BOOKABLE
            elif decision.reason == Reason.FULL:
                state = State.FULL
            elif decision.reason == Reason.CLOSED:
                state = State.CLOSED
            else:
                state = State.LOCKED
        reason = decision.message
        if not enrolled:
            changeable, reason = False, _("hors de la période d'inscription")
            if booking is None:
                state = State.LOCKED
        elif not dossier and booking is None:  # booking waits for the dossier; cancelling does not
            changeable, reason, state = False, _("dossier de l'année à faire valider"), State.LOCKED
        elif decision.allowed and decision.late and decision.charge:
            reason = _late_words(decision.charge)
        line = reads.waiting.get((child.pk, service.pk, day, unit.pk))
        if booking is not None and booking.state == Booking.State.OFFERED:
            state, changeable = State.OFFERED, False  # accepted or declined from the waiting list
            until = formats.date_format(timezone.localtime(booking.held_until), "j F H:i")
            reason = _("à accepter avant le %(until)s") % {"until": until}
        elif state == State.FULL and line:
            state, reason = State.WAITING, _rank_words(line)
        booked = booking is not None
        wanted = unit.code in in_basket if in_basket is not None and changeable else booked
        can_wait = state == State.FULL and service.waiting_list and enrolled and dossier
        cell = Cell(
            child,
            service,
            day,
            unit,
            state,
            booked,
            wanted,
            changeable,
            reason,
            decision.late,
            wanted != booked,
            can_wait,
        )
        cells.append(cell)
    return Day(child, service, day, True, cells)


def _waiting(household: Household, children: list[Child], start: date, end: date) -> dict:
    """(child, service, date, unit id) -> the child's rank on that day's waiting list."""
    entries = list(
        WaitingListEntry.objects.filter(
            household=household, child__in=children, date__range=(start, end), state=WaitingListEntry.State.WAITING
        )
    )
    ranks = waiting_ranks(entries)
    return {(e.child_id, e.service_id, e.date, e.unit_id): ranks.get(e.pk, 0) for e in entries}


def _rank_words(rank: int) -> str:
    if rank == 1:
        return _("1er sur la liste d'attente")
    return _("%(rank)se sur la liste d'attente") % {"rank": rank}


def _late_words(charge: LateCharge) -> str:
    amount = formats.number_format(charge.amount, 2)  # 2,50 in French, 2.50 in English
    if charge.price == CutoffRule.LatePrice.FIXED:
        return _("hors délai : %(amount)s € au lieu du tarif") % {"amount": amount}
    if charge.price == CutoffRule.LatePrice.PLUS:
        return _("hors délai : tarif + %(amount)s €") % {"amount": amount}
    return _("hors délai")


def _costs(household, children, services, bookings, month_start, month_end) -> list[MonthCost]:
    """Each child's month so far: its booked days (and late cancellations, billed) through `price_day`."""
    units_by_id = {unit.pk: unit for service in services.values() for unit in rows(service, "units")}
    days: dict = defaultdict(dict)  # (child, service, date) -> {code: late charge or None}
    for booking in bookings:
        unit = units_by_id.get(booking.unit_id)
        if unit is None or booking.state == Booking.State.REFUSED:
            continue
        charge = LateCharge(booking.late_price, booking.late_amount or Decimal("0")) if booking.late_price else None
        days[(booking.child_id, booking.service_id, booking.date)][unit.code] = charge
    totals: dict = defaultdict(lambda: [Decimal("0"), 0])
    for (child_id, service_id, day), codes in days.items():
        late = {code: charge for code, charge in codes.items() if charge}
        try:
            price = pricing.price_day(
                services[service_id], day, codes.keys(), qf=household.qf, resident=household.resident, late=late
            ).total
        except pricing.PricingRefused:
            continue  # a day the catalogue no longer prices: invoicing says so, not the planning
        month = day.replace(day=1)
        totals[(child_id, month)][0] += price
        totals[(child_id, month)][1] += 1
    months = []
    month = month_start
    while month <= month_end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return [
        MonthCost(child, month, totals[(child.pk, month)][0], totals[(child.pk, month)][1])
        for child in children
        for month in months
    ]
