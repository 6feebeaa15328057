"""The catalogue engine: for a service, a day and a moment, what is allowed and at what price.

Everything here is pure: it reads a `CatalogSnapshot` loaded in a handful of
queries by `catalog.selectors.catalog_snapshot` and never touches the database,
so a month of days for several children and services costs nothing more.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from catalog import calendar
from catalog.models import (
    AgeGroupCapacity,
    BookingWindow,
    CalendarException,
    CutoffRule,
    SchoolYear,
    Service,
    Tariff,
)


class Reason(StrEnum):
    """Why a change is refused, stable codes that pages and the API translate."""

    CLOSED = "closed"
    NOT_BOOKABLE_ONLINE = "not_bookable_online"
    WINDOW_NOT_OPEN = "window_not_open"
    WINDOW_CLOSED = "window_closed"
    PAST = "past"
    LATE = "late"
    FULL = "full"
    NO_TARIFF = "no_tariff"


REASON_MESSAGES = {
    Reason.CLOSED: _("Le service n'a pas lieu ce jour-là."),
    Reason.NOT_BOOKABLE_ONLINE: _("Ce service ne se réserve pas en ligne : contactez la structure."),
    Reason.WINDOW_NOT_OPEN: _("Les réservations pour ce jour ne sont pas encore ouvertes."),
    Reason.WINDOW_CLOSED: _("Les réservations pour ce jour sont closes."),
    Reason.PAST: _("Ce jour est passé."),
    Reason.LATE: _("Le délai de prévenance est dépassé : contactez la structure."),
    Reason.FULL: _("Il n'y a plus de place ce jour-là."),
    Reason.NO_TARIFF: _("Aucun tarif n'est défini pour ce jour."),
}


@dataclass(frozen=True)
class CatalogSnapshot:
    """What the engine needs about some services over a date range."""

    school_years: list[SchoolYear]
    exceptions: list[CalendarException]
    capacity_overrides: dict[tuple[int, date], int]
    closures: frozenset[date] = field(init=False)

    def __post_init__(self) -> None:
        # Commune-wide closures are not working days for cutoff arithmetic.
        days = set()
        for exc in self.exceptions:
            if exc.kind == CalendarException.Kind.CLOSURE and exc.service_id is None:
                days.update(exc.start + timedelta(days=i) for i in range((exc.end - exc.start).days + 1))
        object.__setattr__(self, "closures", frozenset(days))

    def school_year(self, day: date) -> SchoolYear | None:
        return next((y for y in self.school_years if y.start <= day <= y.end), None)


@dataclass(frozen=True)
class Surcharge:
    policy: CutoffRule.LatePolicy
    amount: Decimal


@dataclass(frozen=True)
class ChangeDecision:
    allowed: bool
    reason: Reason | None = None
    late: bool = False
    surcharge: Surcharge | None = None

    @property
    def message(self) -> str:
        return str(REASON_MESSAGES[self.reason]) if self.reason else ""


def is_open(snapshot: CatalogSnapshot, service: Service, day: date) -> bool:
    applying = [e for e in snapshot.exceptions if e.start <= day <= e.end and e.service_id in (None, service.pk)]
    if any(e.kind == CalendarException.Kind.OPENING for e in applying):
        return True
    if applying or day.weekday() not in service.weekdays or calendar.is_public_holiday(day):
        return False
    year = snapshot.school_year(day)
    if year is None:
        return False
    if service.period == Service.Period.ALL:
        return True
    holiday = calendar.is_school_holiday(day, year.zone)
    return holiday if service.period == Service.Period.HOLIDAYS else not holiday


def capacity(snapshot: CatalogSnapshot, service: Service, day: date) -> int | None:
    """Places that day, None when unlimited."""
    return snapshot.capacity_overrides.get((service.pk, day), service.capacity)


def age_group(service: Service, age_months: int) -> AgeGroupCapacity | None:
    """The group whose daily places a child of that age takes, if the service splits its places by age."""
    return next((group for group in service.age_groups.all() if group.covers(age_months)), None)


def cutoff_rule(service: Service, direction: CutoffRule.Direction) -> CutoffRule | None:
    return next((r for r in service.cutoff_rules.all() if r.direction == direction), None)


def deadline(snapshot: CatalogSnapshot, rule: CutoffRule, day: date) -> datetime:
    """The moment from which a change for `day` is late (exclusive), in Europe/Paris."""
    unit = CutoffRule.Unit
    if rule.unit == unit.HOURS:
        return calendar.hours_before(day, rule.amount)
    if rule.unit == unit.WORKING_HOURS:
        return calendar.working_hours_before(day, rule.amount, snapshot.closures)
    if rule.unit == unit.WORKING_DAYS:
        last_day = calendar.working_days_before(day, rule.amount, snapshot.closures)
    else:
        last_day = day - timedelta(days=rule.amount)
    if rule.time_of_day is not None:
        return calendar.local_datetime(last_day, rule.time_of_day)
    return calendar.local_datetime(last_day + timedelta(days=1))  # until the end of that day


def service_deadline(
    snapshot: CatalogSnapshot, service: Service, day: date, direction: CutoffRule.Direction
) -> datetime | None:
    rule = cutoff_rule(service, direction)
    return deadline(snapshot, rule, day) if rule else None


def booking_window_decision(service: Service, day: date, now: datetime) -> Reason | None:
    windows: list[BookingWindow] = list(service.booking_windows.all())
    if not windows:
        return None
    covering = [w for w in windows if w.first_day <= day <= w.last_day]
    if not covering or all(now < w.opens_at for w in covering):
        return Reason.WINDOW_NOT_OPEN
    if all(w.closes_at is not None and now >= w.closes_at for w in covering if now >= w.opens_at):
        return Reason.WINDOW_CLOSED
    return None


def change_decision(
    snapshot: CatalogSnapshot,
    service: Service,
    day: date,
    now: datetime,
    direction: CutoffRule.Direction,
    places_left: int | None = None,
) -> ChangeDecision:
    """Whether booking (or cancelling) `day` at `now` is allowed, late with a surcharge, or refused."""
    if not service.bookable_online:
        return ChangeDecision(False, Reason.NOT_BOOKABLE_ONLINE)
    if not is_open(snapshot, service, day):
        return ChangeDecision(False, Reason.CLOSED)
    if now >= calendar.local_datetime(day):
        return ChangeDecision(False, Reason.PAST)
    if direction == CutoffRule.Direction.BOOKING:
        if reason := booking_window_decision(service, day, now):
            return ChangeDecision(False, reason)
        if places_left is not None and places_left <= 0:
            return ChangeDecision(False, Reason.FULL)
    rule = cutoff_rule(service, direction)
    if rule is None or now < deadline(snapshot, rule, day):
        return ChangeDecision(True)
    if rule.late_policy == CutoffRule.LatePolicy.REFUSE:
        return ChangeDecision(False, Reason.LATE, late=True)
    return ChangeDecision(True, late=True, surcharge=Surcharge(rule.late_policy, rule.late_amount))


def unit_price(service: Service, day: date, qf: int | None, resident: bool) -> Decimal | None:
    """The household's unit price that day, before any late surcharge; None without a tariff."""
    residence = Tariff.Residence.RESIDENT if resident else Tariff.Residence.NON_RESIDENT
    valid = [t for t in service.tariffs.all() if t.valid_from <= day and (t.valid_to is None or day <= t.valid_to)]
    tariff = next((t for t in valid if t.residence == residence), None) or next(
        (t for t in valid if t.residence == Tariff.Residence.ANY), None
    )
    if tariff is None:
        return None
    brackets = sorted(tariff.brackets.all(), key=lambda b: b.qf_min)
    if not brackets:
        return tariff.unknown_qf_price
    if qf is None:
        return tariff.unknown_qf_price if tariff.unknown_qf_price is not None else brackets[-1].price
    matching = [b for b in brackets if b.qf_min <= qf and (b.qf_max is None or qf <= b.qf_max)]
    return matching[0].price if matching else brackets[-1].price


def late_price(unit: Decimal, surcharge: Surcharge) -> Decimal:
    """What a late change costs: seed 001's 4 € fixed price, or the day rate + 3 €, or the normal price."""
    if surcharge.policy == CutoffRule.LatePolicy.FIXED_PRICE:
        return surcharge.amount
    if surcharge.policy == CutoffRule.LatePolicy.PRICE_PLUS:
        return unit + surcharge.amount
    return unit
