"""Public and school holidays through the engine: which days a service runs and which days count for cutoffs,
where the commune is (its INSEE code)."""

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from catalog import engine, previews
from catalog.calendar import PARIS
from catalog.engine import Reason
from catalog.models import CalendarException, CutoffRule, Service
from catalog.selectors import catalog_snapshot, services_with_rules
from conftest import CLISSON
from tests.factories import CutoffRuleFactory, SchoolYearFactory, ServiceFactory

BOOKING = CutoffRule.Direction.BOOKING
ARMISTICE, NATIONAL_DAY = date(2026, 11, 11), date(2027, 7, 14)  # both Wednesdays
ASCENSION, BRIDGE = date(2027, 5, 6), date(2027, 5, 7)
GOOD_FRIDAY = date(2027, 3, 26)
METZ, STRASBOURG, MULHOUSE = "57463", "67482", "68224"


def at(year, month, day, hour=0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=PARIS)


def load(service: Service, start=date(2026, 9, 1), end=date(2027, 8, 31)):
    service = services_with_rules().get(pk=service.pk)
    return service, catalog_snapshot(services=[service], start=start, end=end)


def open_days(service: Service, *days: date) -> list[bool]:
    service, snapshot = load(service)
    return [engine.is_open(snapshot, service, day) for day in days]


def booking_deadline(service: Service, day: date) -> datetime:
    service, snapshot = load(service)
    return engine.service_deadline(snapshot, service, day, BOOKING)


@pytest.fixture
def school_year(in_clisson):
    return SchoolYearFactory()


@pytest.fixture
def wednesdays(school_year) -> Service:
    return ServiceFactory(kind=Service.Kind.WEDNESDAY_CENTRE, unit=Service.Unit.DAY, weekdays=[2])


@pytest.fixture
def summer(school_year) -> Service:
    return ServiceFactory(
        kind=Service.Kind.HOLIDAY_CENTRE,
        unit=Service.Unit.DAY,
        weekdays=[0, 1, 2, 3, 4],
        period=Service.Period.HOLIDAYS,
    )


@pytest.fixture
def canteen(school_year) -> Service:
    """A school-term canteen, booked 2 working days ahead."""
    service = ServiceFactory(weekdays=[0, 1, 3, 4])
    CutoffRuleFactory(service=service, amount=2, unit=CutoffRule.Unit.WORKING_DAYS)
    return service


@pytest.fixture
def commune_in(clisson) -> Iterator:
    """`commune_in(code)` moves the test commune to another INSEE code for the test, and back after it."""

    def move(insee_code: str) -> None:
        type(clisson).objects.filter(pk=clisson.pk).update(insee_code=insee_code)

    yield move
    move(CLISSON.insee_code)


def test_the_test_commune_is_in_loire_atlantique(school_year):
    _, snapshot = load(ServiceFactory())

    assert CLISSON.insee_code.startswith("44") and snapshot.subdivision is None


class TestNationalHolidays:
    def test_11_november_closes_the_wednesday_centre(self, wednesdays):
        assert open_days(wednesdays, date(2026, 11, 4), ARMISTICE, date(2026, 11, 18)) == [True, False, True]
        service, snapshot = load(wednesdays)
        assert engine.change_decision(snapshot, service, ARMISTICE, at(2026, 10, 1), BOOKING).reason == Reason.CLOSED
        assert previews.deadline_preview(service, ARMISTICE, []) == [
            "Le service n'a pas lieu le mercredi 11 novembre 2026. (Jour férié : Armistice)"
        ]

    def test_14_july_closes_the_summer_holiday_centre(self, summer):
        assert open_days(summer, date(2027, 7, 13), NATIONAL_DAY, date(2027, 7, 15)) == [True, False, True]


class TestAscensionBridge:
    """Friday 7 May 2027: no school (the dataset's pont de l'Ascension), but no public holiday either."""

    def test_it_closes_a_school_term_canteen(self, canteen):
        assert open_days(canteen, date(2027, 5, 4), ASCENSION, BRIDGE, date(2027, 5, 10)) == [True, False, False, True]

    def test_a_holiday_centre_runs_that_day(self, summer):
        assert open_days(summer, ASCENSION, BRIDGE) == [False, True]

    def test_it_counts_as_a_working_day_for_cutoffs(self, canteen):
        # Monday 10 May, 2 working days: Friday 7 and Wednesday 5 (Thursday 6 is the Ascension).
        assert booking_deadline(canteen, date(2027, 5, 10)) == at(2027, 5, 6)

    def test_unless_the_commune_records_a_closure(self, canteen):
        CalendarException.objects.create(start=BRIDGE, end=BRIDGE, label="Pont de l'Ascension")

        # Wednesday 5 and Tuesday 4.
        assert booking_deadline(canteen, date(2027, 5, 10)) == at(2027, 5, 5)

    def test_a_closure_of_one_service_moves_no_deadline(self, canteen):
        CalendarException.objects.create(service=canteen, start=BRIDGE, end=BRIDGE, label="Pont")

        assert booking_deadline(canteen, date(2027, 5, 10)) == at(2027, 5, 6)


class TestAlsaceMoselle:
    """Good Friday (26 March 2027) is a public holiday in the Moselle, the Bas-Rhin and the Haut-Rhin."""

    TUESDAY = date(2027, 3, 30)  # after Easter Monday, a holiday everywhere

    @pytest.mark.parametrize(("insee_code", "subdivision"), [(METZ, "57"), (STRASBOURG, "6AE"), (MULHOUSE, "6AE")])
    def test_good_friday_closes_the_canteen_and_its_cutoffs_skip_it(self, canteen, commune_in, insee_code, subdivision):
        commune_in(insee_code)

        service, snapshot = load(canteen)
        assert snapshot.subdivision == subdivision
        assert open_days(canteen, date(2027, 3, 25), GOOD_FRIDAY) == [True, False]
        # 2 working days before Tuesday 30: Thursday 25 and Wednesday 24.
        assert booking_deadline(canteen, self.TUESDAY) == at(2027, 3, 25)
        assert previews.deadline_preview(service, GOOD_FRIDAY, []) == [
            "Le service n'a pas lieu le vendredi 26 mars 2027. (Jour férié : Vendredi saint)"
        ]

    @pytest.mark.parametrize("insee_code", [CLISSON.insee_code, "44109"])
    def test_a_commune_of_the_loire_atlantique_has_school_that_day(self, canteen, commune_in, insee_code):
        commune_in(insee_code)

        assert open_days(canteen, GOOD_FRIDAY) == [True]
        # Friday 26 and Thursday 25.
        assert booking_deadline(canteen, self.TUESDAY) == at(2027, 3, 26)

    def test_working_hours_skip_good_friday_too(self, canteen, commune_in):
        CutoffRule.objects.filter(service=canteen).update(amount=48, unit=CutoffRule.Unit.WORKING_HOURS)
        assert booking_deadline(canteen, self.TUESDAY) == at(2027, 3, 25)

        commune_in(METZ)

        assert booking_deadline(canteen, self.TUESDAY) == at(2027, 3, 24)
