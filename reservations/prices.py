"""Prices of booked days, always through the catalogue's one pricing function."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from catalog.engine import LateCharge
from catalog.models import Service
from catalog.pricing import DayPrice, PricingRefused, price_day
from catalog.selectors import services_with_rules
from families.models import Child, Household
from reservations.models import Booking


@dataclass(frozen=True)
class PricedDay:
    child: Child
    service: Service
    date: date
    units: tuple[str, ...]
    price: DayPrice | None  # None: the day cannot be priced (no tariff): shown, never billed silently

    @property
    def total(self) -> Decimal:
        return self.price.total if self.price else Decimal("0")


def priced_days(household: Household, bookings: Iterable[Booking]) -> list[PricedDay]:
    """Each child's day of a service, its units priced together (a journée is one line, not three), with
    the late price each booking carries, for the household's QF and residence."""
    return priced_groups(household, [bookings])[0]


def priced_groups(
    household: Household, groups: list[Iterable[Booking]], services: dict[int, Service] | None = None
) -> list[list[PricedDay]]:
    """`priced_days` of each group (booked, cancelled, held…), their services' rules read once — not at all
    when the caller has them already (`services`, by pk, from `services_with_rules`)."""
    grouped: list[dict] = []
    for bookings in groups:
        days: dict = defaultdict(list)
        for booking in bookings:
            days[(booking.child_id, booking.service_id, booking.date)].append(booking)
        grouped.append(days)
    service_ids = {key[1] for days in grouped for key in days}
    missing = service_ids - set(services or {})
    if missing:
        services = {**(services or {}), **{s.pk: s for s in services_with_rules().filter(pk__in=missing)}}
    return [_priced(household, days, services) for days in grouped]


def _priced(household: Household, days: dict, services: dict[int, Service]) -> list[PricedDay]:
    priced = []
    for (_child, service_id, day), held in sorted(days.items(), key=lambda item: (item[0][2], item[0][0])):
        codes = tuple(sorted(b.unit.code for b in held))
        late = {b.unit.code: LateCharge(b.late_price, b.late_amount or Decimal("0")) for b in held if b.late_price}
        try:
            price = price_day(services[service_id], day, codes, qf=household.qf, resident=household.resident, late=late)
        except PricingRefused:
            price = None
        priced.append(PricedDay(held[0].child, services[service_id], day, codes, price))
    return priced
