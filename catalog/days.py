"""A service's days over a range, as the planning and the API show them."""

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
    """Every day from start to end; `service` comes from `selectors.services_with_rules()`.

    No booking exists yet (the reservations issue brings them), so the places
    left are the day's capacity.
    """
    snapshot = snapshot or catalog_snapshot(services=[service], start=start, end=end)
    groups = [
        AgeGroupDay(g.label, g.min_age_months, g.max_age_months, g.capacity, g.capacity)
        for g in service.age_groups.all()
    ]
    result = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        is_open = engine.is_open(snapshot, service, day)
        places = engine.capacity(snapshot, service, day) if is_open else None
        result.append(
            ServiceDay(
                date=day,
                open=is_open,
                capacity=places,
                places_left=places,
                age_groups=groups if is_open else [],
                booking_deadline=engine.service_deadline(snapshot, service, day, CutoffRule.Direction.BOOKING)
                if is_open
                else None,
                cancellation_deadline=engine.service_deadline(snapshot, service, day, CutoffRule.Direction.CANCELLATION)
                if is_open
                else None,
                booking=_decision(
                    engine.change_decision(snapshot, service, day, now, CutoffRule.Direction.BOOKING, places)
                ),
                cancellation=_decision(
                    engine.change_decision(snapshot, service, day, now, CutoffRule.Direction.CANCELLATION)
                ),
            )
        )
    return result
