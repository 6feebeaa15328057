"""The CAF's hours: each unit counts its duration, children under 6 apart, a child's age taken on the day."""

from datetime import date, datetime
from decimal import Decimal

from catalog.calendar import PARIS
from catalog.selectors import services_with_rules
from families.models import Decision
from reservations.reports import hours_by_age
from reservations.services import Channel, DayRequest, bookings_take
from tests.factories import ChildFactory, SchoolYearFactory, ServiceFactory, TariffFactory, bracket, family

UNITS = [
    {"code": "matin", "name": "Matin", "duration_hours": "4.00", "position": 1},
    {"code": "apres-midi", "name": "Après-midi", "duration_hours": "3.50", "position": 2},
]


def test_hours_are_reported_by_age_on_the_day(in_clisson):
    SchoolYearFactory()
    service = ServiceFactory(name="Mercredis", weekdays=[2], units=UNITS)
    for unit in service.units.all():
        bracket(TariffFactory(service=service, unit=unit), 0, None, "5.00")
    service = services_with_rules().get(pk=service.pk)
    household = family()
    little = ChildFactory(household=household, status=Decision.VALIDATED, birth_date=date(2021, 1, 1))
    turns_six = ChildFactory(household=household, status=Decision.VALIDATED, birth_date=date(2020, 10, 10))
    requests = [
        DayRequest(little, household, service, date(2026, 10, 7), frozenset({"matin", "apres-midi"})),
        DayRequest(turns_six, household, service, date(2026, 10, 7), frozenset({"matin"})),  # 5 years old
        DayRequest(turns_six, household, service, date(2026, 10, 14), frozenset({"apres-midi"})),  # 6 now
    ]
    bookings_take(actor=None, requests=requests, channel=Channel.ONLINE, now=datetime(2026, 9, 1, tzinfo=PARIS))

    report = hours_by_age(service=service, start=date(2026, 10, 1), end=date(2026, 10, 31))

    assert (report.under_six_hours, report.six_and_over_hours) == (Decimal("11.50"), Decimal("3.50"))
    assert (report.under_six_children, report.six_and_over_children) == (2, 1)
    assert report.hours == Decimal("15.00")
