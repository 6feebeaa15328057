"""What communes report to the CAF: hours of attendance booked, children under 6 apart from the others."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from catalog.models import Service
from reservations.models import Booking
from reservations.places import age_in_months

UNDER_SIX_MONTHS = 6 * 12


@dataclass(frozen=True)
class HoursByAge:
    """Hours booked (each unit's duration) and distinct children, under 6 and 6 or over on the day."""

    under_six_hours: Decimal
    six_and_over_hours: Decimal
    under_six_children: int
    six_and_over_children: int

    @property
    def hours(self) -> Decimal:
        return self.under_six_hours + self.six_and_over_hours


def hours_by_age(*, service: Service, start: date, end: date) -> HoursByAge:
    """The service's booked hours over a period; a child's age is taken on each day (a sixth birthday
    in the middle of the period moves its later days to the older group)."""
    bookings = Booking.objects.filter(
        service=service, date__range=(start, end), state__in=Booking.HOLDING
    ).select_related("child", "unit")
    hours: dict[bool, Decimal] = defaultdict(Decimal)
    children: dict[bool, set[int]] = defaultdict(set)
    for booking in bookings:
        under_six = age_in_months(booking.child, booking.date) < UNDER_SIX_MONTHS
        hours[under_six] += booking.unit.duration_hours
        children[under_six].add(booking.child_id)
    return HoursByAge(hours[True], hours[False], len(children[True]), len(children[False]))
