"""What the basket will do, before the household validates it: each day's units before → after, its
price on time, the late price where the rule accepts a late change online, or why it will be refused."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from catalog import engine
from catalog.models import CutoffRule, Service
from catalog.pricing import PricingRefused, price_day
from catalog.selectors import catalog_snapshot, services_with_rules
from families.models import Child, Household
from reservations.models import BasketLine, Booking


@dataclass(frozen=True)
class RecapLine:
    line: BasketLine
    child: Child
    service: Service
    date: date
    before: tuple[str, ...]
    after: tuple[str, ...]
    price: Decimal  # the day as it will be, on time
    late_price: Decimal | None  # the day as it will be with the late price, where a late change is accepted
    refusal: str  # why it will not be applied online, if so

    @property
    def total(self) -> Decimal:
        """What the change adds to (or takes from) the bill."""
        return (self.late_price if self.late_price is not None else self.price) - self.booked_price

    booked_price: Decimal = Decimal("0")


def basket_recap(household: Household, now: datetime) -> list[RecapLine]:
    lines = list(BasketLine.objects.filter(household=household).select_related("child"))
    if not lines:
        return []
    services = {s.pk: s for s in services_with_rules().filter(pk__in={line.service_id for line in lines})}
    snapshot = catalog_snapshot(
        services=list(services.values()), start=min(x.date for x in lines), end=max(x.date for x in lines)
    )
    held = _held(household, lines)
    return [_recap(line, services[line.service_id], held, snapshot, household, now) for line in lines]


def _held(household: Household, lines: list[BasketLine]) -> dict:
    held: dict = {}
    bookings = Booking.objects.filter(
        household=household,
        child__in={line.child_id for line in lines},
        date__in={line.date for line in lines},
        state__in=Booking.HOLDING,
    ).select_related("unit")
    for booking in bookings:
        held.setdefault((booking.child_id, booking.service_id, booking.date), []).append(booking)
    return held


def _recap(line, service, held, snapshot, household, now) -> RecapLine:
    booked = held.get((line.child_id, line.service_id, line.date), [])
    before = tuple(sorted(b.unit.code for b in booked))
    after = tuple(sorted(line.units))
    added = set(after) - set(before)
    units = {unit.code: unit for unit in service.units.all()}
    charges, refusal = {}, ""
    for code in sorted(added | (set(before) - set(after))):
        direction = CutoffRule.Direction.BOOKING if code in added else CutoffRule.Direction.CANCELLATION
        decision = engine.change_decision(snapshot, service, line.date, now, direction, None, units[code].pk)
        if not decision.allowed:
            refusal = decision.message
        elif decision.late and code in added:
            charges[code] = decision.charge
    price = _price(service, line.date, after, household)
    booked_price = _price(service, line.date, before, household)
    late = _price(service, line.date, after, household, charges) if charges else None
    return RecapLine(line, line.child, service, line.date, before, after, price, late, refusal, booked_price)


def _price(service, day, codes, household, late=None) -> Decimal:
    if not codes:
        return Decimal("0")
    try:
        return price_day(service, day, codes, qf=household.qf, resident=household.resident, late=late).total
    except PricingRefused:
        return Decimal("0")
