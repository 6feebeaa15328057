"""A service's days over a range, as the planning and the API show them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from catalog import engine
from catalog.engine import CatalogSnapshot
from catalog.models import CutoffRule, Service
from catalog.selectors import catalog_snapshot


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | None
    message: str
    late: bool
    late_price: str | None
    late_amount: object


@dataclass(frozen=True)
class AgeGroupDay:
    label: str
    min_age_months: int
    max_age_months: int | None
    capacity: int
    places_left: int


@dataclass(frozen=True)
class UnitDay:
    """A unit's day: its own rule decides (seed 001: the matin and the soir close at different prices)."""

    code: str
    booking_deadline: datetime | None
    cancellation_deadline: datetime | None
    booking: Decision
    cancellation: Decision


@dataclass(frozen=True)
class ServiceDay:
    date: date
    open: bool
    capacity: int | None
    places_left: int | None
    age_groups: list[AgeGroupDay]
    booking_deadline: datetime | None
    cancellation_deadline: datetime | None
    booking: Decision
    cancellation: Decision
    units: list[UnitDay]


# Who counts the places taken (reservations, a higher layer, registers it at start-up):
# (service, start, end) -> {date: children booked}.
Taken = Callable[[Service, date, date], dict[date, int]]
_taken: Taken = lambda service, start, end: {}  # noqa: E731


def register_places_taken(counter: Taken) -> None:
    global _taken
    _taken = counter


def _decision(decision: engine.ChangeDecision) -> Decision:
    charge = decision.charge
    return Decision(
        allowed=decision.allowed,
        reason=decision.reason,
        message=decision.message,
        late=decision.late,
        late_price=charge.price if charge else None,
        late_amount=charge.amount if charge else None,
    )


def service_days(
    *, service: Service, start: date, end: date, now: datetime, snapshot: CatalogSnapshot | None = None
) -> list[ServiceDay]:
    """Every day from start to end; `service` comes from `selectors.services_with_rules()`. The top-level
    decisions follow the service's rule for every unit; `units` give each unit's own."""
    snapshot = snapshot or catalog_snapshot(services=[service], start=start, end=end)
    groups = [
        AgeGroupDay(g.label, g.min_age_months, g.max_age_months, g.capacity, g.capacity)
        for g in service.age_groups.all()
    ]
    taken = _taken(service, start, end)
    result = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        is_open = engine.is_open(snapshot, service, day)
        places = engine.capacity(snapshot, service, day) if is_open else None
        left = None if places is None else max(places - taken.get(day, 0), 0)
        units = [_unit_day(snapshot, service, day, now, unit, left) for unit in service.units.all()] if is_open else []
        decide = _unit_day(snapshot, service, day, now, None, left, open_day=is_open)
        result.append(
            ServiceDay(
                date=day,
                open=is_open,
                capacity=places,
                places_left=left,
                age_groups=groups if is_open else [],
                booking_deadline=decide.booking_deadline,
                cancellation_deadline=decide.cancellation_deadline,
                booking=decide.booking,
                cancellation=decide.cancellation,
                units=units,
            )
        )
    return result


def _unit_day(snapshot, service, day, now, unit, left, open_day: bool = True) -> UnitDay:
    unit_id = unit.pk if unit else None
    booking, cancellation = CutoffRule.Direction.BOOKING, CutoffRule.Direction.CANCELLATION
    return UnitDay(
        code=unit.code if unit else "",
        booking_deadline=engine.service_deadline(snapshot, service, day, booking, unit_id) if open_day else None,
        cancellation_deadline=engine.service_deadline(snapshot, service, day, cancellation, unit_id)
        if open_day
        else None,
        booking=_decision(engine.change_decision(snapshot, service, day, now, booking, left, unit_id)),
        cancellation=_decision(engine.change_decision(snapshot, service, day, now, cancellation, None, unit_id)),
    )
