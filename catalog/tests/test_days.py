"""A service's days give each unit's own rule (seed 001: the matin and the soir close at different
prices), and the places left once reservations has counted them."""

from datetime import date, datetime
from decimal import Decimal

from catalog.calendar import PARIS
from catalog.days import service_days
from catalog.models import CutoffRule
from catalog.selectors import services_with_rules
from tests.factories import CutoffRuleFactory, SchoolYearFactory, ServiceFactory, unit_of

UNITS = [
    {"code": "matin", "name": "Matin", "duration_hours": "1.5", "position": 1},
    {"code": "soir", "name": "Soir", "duration_hours": "2.5", "position": 2},
]


def test_each_unit_has_its_own_deadline_and_late_price(in_clisson):
    SchoolYearFactory()
    service = ServiceFactory(units=UNITS, capacity=20)
    for code, price in (("matin", "4"), ("soir", "10")):
        CutoffRuleFactory(
            service=service,
            applies_to=unit_of(service, code),
            amount=48,
            unit=CutoffRule.Unit.WORKING_HOURS,
            late_price=CutoffRule.LatePrice.FIXED,
            late_amount=Decimal(price),
        )
    service = services_with_rules().get(pk=service.pk)

    (day,) = service_days(
        service=service, start=date(2026, 11, 26), end=date(2026, 11, 26), now=datetime(2026, 11, 25, 8, tzinfo=PARIS)
    )

    units = {unit.code: unit for unit in day.units}
    assert not units["matin"].booking.allowed and units["matin"].booking.late_amount == Decimal("4")
    assert units["soir"].booking.late_amount == Decimal("10")
    assert day.booking.allowed  # no service-wide rule: only the units' own


def test_the_places_left_count_what_reservations_took(in_clisson, monkeypatch):
    SchoolYearFactory()
    service = services_with_rules().get(pk=ServiceFactory(capacity=20).pk)
    monkeypatch.setattr("catalog.days._taken", lambda s, start, end: {date(2026, 11, 26): 19})

    (day,) = service_days(
        service=service, start=date(2026, 11, 26), end=date(2026, 11, 26), now=datetime(2026, 9, 1, tzinfo=PARIS)
    )

    assert (day.capacity, day.places_left) == (20, 1)
