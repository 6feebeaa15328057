"""The engine on the seeds' rules: openings, deadlines, late policies, windows, capacity and prices."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from catalog import engine, pricing
from catalog.calendar import PARIS
from catalog.engine import Reason
from catalog.models import BookingWindow, CalendarException, CapacityOverride, CutoffRule, Service, Tariff
from catalog.selectors import catalog_snapshot, services_with_rules
from tests.factories import CutoffRuleFactory, SchoolYearFactory, ServiceFactory, TariffFactory, bracket

BOOKING, CANCELLATION = CutoffRule.Direction.BOOKING, CutoffRule.Direction.CANCELLATION
ACCEPT, REFUSE = CutoffRule.OnlineAfter.ACCEPT, CutoffRule.OnlineAfter.REFUSE
PRICE = CutoffRule.LatePrice


def at(year, month, day, hour=9, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def load(service: Service, start=date(2026, 9, 1), end=date(2027, 8, 31)):
    service = services_with_rules().get(pk=service.pk)
    return service, catalog_snapshot(services=[service], start=start, end=end)


@pytest.fixture
def school_year(in_clisson):
    return SchoolYearFactory()


@pytest.fixture
def canteen(school_year):
    return ServiceFactory(name="Restaurant scolaire", weekdays=[0, 1, 3, 4])


@pytest.fixture
def wednesdays(school_year):
    """Seed 001: 5 working days; after them, online changes are refused; a late booking staff accept costs
    the day rate + 3 €, a late cancellation stays billed."""
    service = ServiceFactory(
        name="ALSH mercredi", kind=Service.Kind.WEDNESDAY_CENTRE, unit=Service.Unit.DAY, weekdays=[2], capacity=24
    )
    CutoffRuleFactory(service=service, amount=5, late_price=PRICE.PLUS, late_amount=Decimal("3"))
    CutoffRuleFactory(service=service, direction=CANCELLATION, amount=5)
    return service


class TestOpenings:
    def test_canteen_runs_on_school_days_only(self, canteen):
        service, snapshot = load(canteen)

        assert engine.is_open(snapshot, service, date(2026, 11, 23))  # Monday
        assert not engine.is_open(snapshot, service, date(2026, 11, 25))  # Wednesday
        assert not engine.is_open(snapshot, service, date(2026, 11, 28))  # Saturday
        assert not engine.is_open(snapshot, service, date(2026, 11, 11))  # Armistice
        assert not engine.is_open(snapshot, service, date(2026, 12, 28))  # Christmas holidays
        assert not engine.is_open(snapshot, service, date(2026, 8, 31))  # before the school year

    def test_holiday_centre_runs_during_school_holidays_only(self, school_year):
        service, snapshot = load(ServiceFactory(weekdays=[0, 1, 2, 3, 4], period=Service.Period.HOLIDAYS))

        assert engine.is_open(snapshot, service, date(2026, 12, 28))
        assert not engine.is_open(snapshot, service, date(2026, 11, 23))

    def test_closures_and_exceptional_openings(self, canteen):
        CalendarException.objects.create(start=date(2026, 11, 23), end=date(2026, 11, 24), label="Grève")
        CalendarException.objects.create(
            kind=CalendarException.Kind.OPENING,
            service=canteen,
            start=date(2026, 11, 25),
            end=date(2026, 11, 25),
            label="Mercredi travaillé",
        )
        service, snapshot = load(canteen)

        assert not engine.is_open(snapshot, service, date(2026, 11, 23))
        assert engine.is_open(snapshot, service, date(2026, 11, 25))
        assert engine.is_open(snapshot, service, date(2026, 11, 26))


class TestDeadlines:
    def test_preview_example_wednesday_14_october_closes_on_wednesday_7_at_midnight(self, wednesdays):
        service, snapshot = load(wednesdays, start=date(2026, 9, 1))

        assert engine.service_deadline(snapshot, service, date(2026, 10, 14), BOOKING) == at(2026, 10, 8, 0)

    def test_seed_002_six_days_before(self, school_year):
        service = ServiceFactory(weekdays=[2])
        CutoffRuleFactory(service=service, amount=6, unit=CutoffRule.Unit.CALENDAR_DAYS)
        service, snapshot = load(service)

        assert engine.service_deadline(snapshot, service, date(2026, 10, 14), BOOKING) == at(2026, 10, 9, 0)

    def test_day_minus_2_before_noon(self, canteen):
        CutoffRuleFactory(service=canteen, amount=2, unit=CutoffRule.Unit.CALENDAR_DAYS, time_of_day=time(12))
        service, snapshot = load(canteen)

        assert engine.service_deadline(snapshot, service, date(2026, 11, 26), BOOKING) == at(2026, 11, 24, 12)

    def test_48_working_hours_after_a_friday_public_holiday(self, school_year):
        service = ServiceFactory(kind=Service.Kind.EVENING_CARE, unit=Service.Unit.SESSION, period=Service.Period.ALL)
        CutoffRuleFactory(service=service, amount=48, unit=CutoffRule.Unit.WORKING_HOURS)
        service, snapshot = load(service, start=date(2026, 4, 1), end=date(2026, 5, 31))

        assert engine.service_deadline(snapshot, service, date(2026, 5, 4), BOOKING) == at(2026, 4, 29, 0)

    def test_commune_closure_is_not_a_working_day(self, wednesdays):
        CalendarException.objects.create(start=date(2026, 10, 9), end=date(2026, 10, 9), label="Pont")
        service, snapshot = load(wednesdays)

        assert engine.service_deadline(snapshot, service, date(2026, 10, 14), BOOKING) == at(2026, 10, 7, 0)


class TestChangeDecisions:
    def test_in_time_booking_is_allowed(self, wednesdays):
        service, snapshot = load(wednesdays)

        assert engine.change_decision(snapshot, service, date(2026, 10, 14), at(2026, 10, 7, 23, 59), BOOKING).allowed

    def test_late_wednesday_booking_is_refused_online_and_costs_the_day_rate_plus_3_euros_when_accepted(
        self, wednesdays
    ):
        service, snapshot = load(wednesdays)

        decision = engine.change_decision(snapshot, service, date(2026, 10, 14), at(2026, 10, 8, 0), BOOKING)

        assert not decision.allowed and decision.late and decision.reason == Reason.LATE
        assert pricing.late_price(Decimal("12.50"), decision.charge) == Decimal("15.50")

    def test_a_rule_that_accepts_late_changes_online_keeps_their_price(self, wednesdays):
        CutoffRule.objects.filter(service=wednesdays, direction=BOOKING).update(online_after=ACCEPT)
        service, snapshot = load(wednesdays)

        decision = engine.change_decision(snapshot, service, date(2026, 10, 14), at(2026, 10, 8, 0), BOOKING)

        assert decision.allowed and decision.late
        assert pricing.late_price(Decimal("12.50"), decision.charge) == Decimal("15.50")

    def test_late_cancellation_is_refused_online_and_stays_billed(self, wednesdays):
        service, snapshot = load(wednesdays)

        decision = engine.change_decision(snapshot, service, date(2026, 10, 14), at(2026, 10, 12), CANCELLATION)

        assert not decision.allowed and decision.charge.price == PRICE.NORMAL
        assert pricing.late_price(Decimal("12.50"), decision.charge) == Decimal("12.50")

    def test_late_evening_care_costs_a_fixed_10_euros(self, school_year):
        service = ServiceFactory(kind=Service.Kind.EVENING_CARE, weekdays=[0, 1, 3, 4])
        CutoffRuleFactory(
            service=service,
            amount=48,
            unit=CutoffRule.Unit.WORKING_HOURS,
            late_price=PRICE.FIXED,
            late_amount=Decimal("10"),
        )
        service, snapshot = load(service)

        decision = engine.change_decision(snapshot, service, date(2026, 11, 26), at(2026, 11, 25, 8), BOOKING)

        assert pricing.late_price(Decimal("2.10"), decision.charge) == Decimal("10")

    def test_late_change_refused_when_the_commune_says_so(self, canteen):
        CutoffRuleFactory(service=canteen, amount=6, unit=CutoffRule.Unit.CALENDAR_DAYS)
        service, snapshot = load(canteen)

        decision = engine.change_decision(snapshot, service, date(2026, 11, 26), at(2026, 11, 24), BOOKING)

        assert not decision.allowed and decision.reason == Reason.LATE
        assert "délai de prévenance" in decision.message

    @pytest.mark.parametrize(
        ("day", "now", "reason"),
        [
            (date(2026, 11, 25), at(2026, 11, 1), Reason.CLOSED),
            (date(2026, 11, 23), at(2026, 11, 23, 7), Reason.PAST),
        ],
    )
    def test_closed_and_past_days_are_refused(self, canteen, day, now, reason):
        service, snapshot = load(canteen)

        assert engine.change_decision(snapshot, service, day, now, BOOKING).reason == reason

    def test_enrolment_only_service_is_not_bookable_online(self, school_year):
        service, snapshot = load(ServiceFactory(kind=Service.Kind.NURSERY, bookable_online=False))

        decision = engine.change_decision(snapshot, service, date(2026, 11, 23), at(2026, 11, 1), BOOKING)

        assert decision.reason == Reason.NOT_BOOKABLE_ONLINE

    def test_summer_opens_after_the_february_holidays(self, school_year):
        service = ServiceFactory(weekdays=[0, 1, 2, 3, 4], period=Service.Period.HOLIDAYS)
        BookingWindow.objects.create(
            service=service, first_day=date(2027, 7, 3), last_day=date(2027, 8, 31), opens_at=at(2027, 3, 8, 8, 30)
        )
        service, snapshot = load(service)

        before = engine.change_decision(snapshot, service, date(2027, 7, 12), at(2027, 3, 8, 8, 29), BOOKING)
        after = engine.change_decision(snapshot, service, date(2027, 7, 12), at(2027, 3, 8, 8, 30), BOOKING)
        autumn = engine.change_decision(snapshot, service, date(2026, 10, 20), at(2026, 10, 1), BOOKING)

        assert before.reason == Reason.WINDOW_NOT_OPEN and after.allowed
        assert autumn.reason == Reason.WINDOW_NOT_OPEN  # windows defined: days outside them are not open

    def test_full_day_refuses_a_booking_but_not_a_cancellation(self, wednesdays):
        service, snapshot = load(wednesdays)
        day, now = date(2026, 10, 14), at(2026, 10, 1)

        assert engine.change_decision(snapshot, service, day, now, BOOKING, places_left=0).reason == Reason.FULL
        assert engine.change_decision(snapshot, service, day, now, CANCELLATION, places_left=0).allowed


def test_capacity_per_date_overrides_the_default(wednesdays):
    CapacityOverride.objects.create(service=wednesdays, date=date(2026, 10, 14), capacity=12)
    service, snapshot = load(wednesdays)

    assert engine.capacity(snapshot, service, date(2026, 10, 14)) == 12
    assert engine.capacity(snapshot, service, date(2026, 10, 21)) == 24


class TestPrices:
    @pytest.fixture
    def priced(self, canteen):
        tariff = TariffFactory(service=canteen)
        bracket(tariff, 0, 600, "1.20")
        bracket(tariff, 601, 1200, "2.80")
        bracket(tariff, 1201, None, "3.90")
        outsiders = TariffFactory(service=canteen, residence=Tariff.Residence.NON_RESIDENT)
        bracket(outsiders, 0, None, "5.10")
        next_year = TariffFactory(service=canteen, valid_from=date(2027, 9, 1), valid_to=None)
        bracket(next_year, 0, None, "4.00")
        return services_with_rules().get(pk=canteen.pk)

    @pytest.mark.parametrize(
        ("qf", "price"), [(0, "1.20"), (600, "1.20"), (601, "2.80"), (1200, "2.80"), (5000, "3.90"), (None, "3.90")]
    )
    def test_price_by_quotient_familial_bracket(self, priced, qf, price):
        assert meal_price(priced, date(2026, 11, 23), qf, resident=True) == Decimal(price)

    def test_unknown_qf_has_its_own_price_when_set(self, priced):
        Tariff.objects.filter(residence=Tariff.Residence.ANY).update(unknown_qf_price=Decimal("4.50"))
        service = services_with_rules().get(pk=priced.pk)

        assert meal_price(service, date(2026, 11, 23), None, resident=True) == Decimal("4.50")

    def test_non_residents_and_next_school_year(self, priced):
        assert meal_price(priced, date(2026, 11, 23), 300, resident=False) == Decimal("5.10")
        assert meal_price(priced, date(2027, 9, 6), 300, resident=True) == Decimal("4.00")
        with pytest.raises(pricing.PricingRefused) as refused:
            meal_price(priced, date(2026, 8, 1), 300, resident=True)
        assert refused.value.reason == Reason.NO_TARIFF


def meal_price(service: Service, day: date, qf: int | None, resident: bool) -> Decimal:
    return pricing.price_day(service, day, ["repas"], qf=qf, resident=resident).total


def test_snapshot_and_services_load_in_a_handful_of_queries(wednesdays, canteen, django_assert_max_num_queries):
    bracket(TariffFactory(service=wednesdays), 0, None, "3.00")
    # services + 11 prefetched relations + 4 snapshot queries; django-tenants adds a SET search_path to each
    with django_assert_max_num_queries(2 * 16):
        services = list(services_with_rules())
        snapshot = catalog_snapshot(services=services, start=date(2026, 9, 1), end=date(2026, 9, 30))
        for service in services:
            for day in (date(2026, 9, 1) + timedelta(days=i) for i in range(30)):
                engine.change_decision(snapshot, service, day, at(2026, 8, 20), BOOKING)
                if engine.is_open(snapshot, service, day):
                    units = [unit.code for unit in service.units.all()][:1]
                    if service.tariffs.all():
                        assert pricing.price_day(service, day, units, qf=700, resident=True).total >= 0
