"""What the reservations tests share: a school year, a périscolaire with a morning and an evening, an agent."""

from datetime import datetime
from decimal import Decimal

import pytest

from catalog.calendar import PARIS
from catalog.models import CutoffRule, SchoolYear, Service
from core.roles import Role
from tests.factories import CutoffRuleFactory, SchoolYearFactory, ServiceFactory, TariffFactory, UserFactory, bracket

SEPTEMBER = datetime(2026, 9, 1, 9, tzinfo=PARIS)
CARE_UNITS = [
    {"code": "matin", "name": "Matin", "duration_hours": "1.5", "position": 1},
    {"code": "soir", "name": "Soir", "duration_hours": "2.5", "position": 2},
]


def care_service(name: str) -> Service:
    """A périscolaire with a morning and an evening unit, on the four school days, 2 working days' notice."""
    service = ServiceFactory(name=name, kind=Service.Kind.MORNING_CARE, units=CARE_UNITS, capacity=30)
    for unit in service.units.all():
        bracket(TariffFactory(service=service, unit=unit), 0, None, "2.00")
    CutoffRuleFactory(service=service, amount=2, late_price=CutoffRule.LatePrice.FIXED, late_amount=Decimal("4"))
    CutoffRuleFactory(service=service, direction=CutoffRule.Direction.CANCELLATION, amount=2)
    return service


@pytest.fixture
def year(in_clisson) -> SchoolYear:
    return SchoolYearFactory()  # 2026-09-01 → 2027-08-31, zone B


@pytest.fixture
def care(year) -> Service:
    return care_service("Périscolaire")


@pytest.fixture
def agent(in_clisson):
    return UserFactory(role=Role.ADMINISTRATOR)
