"""Cutoffs per unit (seed 001's périscolaire), the new kinds of deadline, and how the previews say them."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from catalog import calendar, engine, previews, pricing
from catalog.calendar import PARIS
from catalog.engine import Reason
from catalog.models import CutoffRule, Service
from catalog.selectors import catalog_snapshot, services_with_rules
from tests.factories import CutoffRuleFactory, SchoolYearFactory, ServiceFactory, TariffFactory, bracket, unit_of

BOOKING, CANCELLATION = CutoffRule.Direction.BOOKING, CutoffRule.Direction.CANCELLATION
KIND, PRICE = CutoffRule.Unit, CutoffRule.LatePrice
REFUSED_ONLINE = "Ensuite, elle est impossible en ligne : la famille contacte la structure."


def at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def load(service: Service, start=date(2026, 9, 1), end=date(2027, 8, 31)):
    service = services_with_rules().get(pk=service.pk)
    return service, catalog_snapshot(services=[service], start=start, end=end)


def decide(service: Service, day: date, now: datetime, direction=BOOKING, unit: str | None = None):
    service, snapshot = load(service)
    unit_id = unit_of(service, unit).pk if unit else None
    return engine.change_decision(snapshot, service, day, now, direction, unit_id=unit_id)


def deadline_of(service: Service, day: date, direction=BOOKING) -> datetime:
    service, snapshot = load(service)
    return engine.service_deadline(snapshot, service, day, direction)


@pytest.fixture
def school_year(in_clisson):
    return SchoolYearFactory()


@pytest.fixture
def periscolaire(school_year) -> Service:
    """Seed 001 as one service: matin and soir booked 48 working hours ahead, refused online after, a late
    booking staff accept costing 4 € (matin) or 10 € (soir); the étude has no rule of its own and follows the
    service's 2 working days; every cancellation follows the service's 48 working hours, late ones billed."""
    service = ServiceFactory(
        name="Accueil périscolaire",
        kind=Service.Kind.MORNING_CARE,
        unit=Service.Unit.SESSION,
        units=[
            {"code": "matin", "name": "Matin", "duration_hours": "1.50", "position": 0},
            {"code": "soir", "name": "Soir", "duration_hours": "2.50", "position": 1},
            {"code": "etude", "name": "Étude", "duration_hours": "1.00", "position": 2},
        ],
    )
    for code, late in (("matin", "4"), ("soir", "10")):
        CutoffRuleFactory(
            service=service,
            applies_to=unit_of(service, code),
            amount=48,
            unit=KIND.WORKING_HOURS,
            late_price=PRICE.FIXED,
            late_amount=Decimal(late),
        )
    CutoffRuleFactory(service=service, amount=2, unit=KIND.WORKING_DAYS)
    CutoffRuleFactory(service=service, direction=CANCELLATION, amount=48, unit=KIND.WORKING_HOURS)
    for code, price in (("matin", "1.80"), ("soir", "2.60"), ("etude", "1.20")):
        bracket(TariffFactory(service=service, unit=unit_of(service, code)), 0, None, price)
    return service


@pytest.fixture
def canteen(school_year) -> Service:
    return ServiceFactory(name="Restaurant scolaire", weekdays=[0, 1, 3, 4])


def rule(service: Service, **fields) -> CutoffRule:
    return CutoffRuleFactory(service=service, **fields)


class TestPerUnitRules:
    THURSDAY = date(2026, 11, 26)  # 48 working hours: Wednesday 25 and Tuesday 24

    def test_each_unit_reads_its_own_rule_else_the_services(self, periscolaire):
        service, _ = load(periscolaire)
        matin, soir, etude = (unit_of(service, code).pk for code in ("matin", "soir", "etude"))

        assert engine.cutoff_rule(service, BOOKING, matin).late_amount == Decimal("4")
        assert engine.cutoff_rule(service, BOOKING, soir).late_amount == Decimal("10")
        for unit_id in (etude, None):
            assert engine.cutoff_rule(service, BOOKING, unit_id).applies_to_id is None
        assert engine.cutoff_rule(service, CANCELLATION, matin).applies_to_id is None

    @pytest.mark.parametrize(
        ("unit", "allowed_until", "late_from"),
        [
            ("matin", at(2026, 11, 23, 23, 59), at(2026, 11, 24)),
            ("soir", at(2026, 11, 23, 23, 59), at(2026, 11, 24)),
            ("etude", at(2026, 11, 24, 23, 59), at(2026, 11, 25)),  # the service's 2 working days
        ],
    )
    def test_a_unit_is_late_from_its_own_deadline(self, periscolaire, unit, allowed_until, late_from):
        assert decide(periscolaire, self.THURSDAY, allowed_until, unit=unit).allowed
        late = decide(periscolaire, self.THURSDAY, late_from, unit=unit)
        assert (late.allowed, late.reason, late.late) == (False, Reason.LATE, True)

    def test_late_bookings_cost_4_euros_the_matin_and_10_euros_the_soir_when_staff_accept_them(self, periscolaire):
        now = at(2026, 11, 25, 8)
        late = {code: decide(periscolaire, self.THURSDAY, now, unit=code).charge for code in ("matin", "soir")}
        service, _ = load(periscolaire)

        day = pricing.price_day(service, self.THURSDAY, ["matin", "soir"], qf=500, resident=True, late=late)

        assert [(line.name, line.price) for line in day.lines] == [("Matin", Decimal("4")), ("Soir", Decimal("10"))]
        assert day.total == Decimal("14.00")

    def test_a_late_cancellation_follows_the_services_rule_and_stays_billed(self, periscolaire):
        decision = decide(periscolaire, self.THURSDAY, at(2026, 11, 24, 7), CANCELLATION, unit="soir")
        service, _ = load(periscolaire)

        assert not decision.allowed and decision.charge.price == PRICE.NORMAL
        day = pricing.price_day(service, self.THURSDAY, ["soir"], qf=500, resident=True, late={"soir": decision.charge})
        assert day.total == Decimal("2.60")

    def test_without_a_rule_for_the_service_a_unit_without_its_own_has_no_cutoff(self, periscolaire):
        CutoffRule.objects.filter(service=periscolaire, applies_to=None, direction=BOOKING).delete()

        assert decide(periscolaire, self.THURSDAY, at(2026, 11, 25, 23, 59), unit="etude").allowed
        assert decide(periscolaire, self.THURSDAY, at(2026, 11, 26, 7), unit="etude").reason == Reason.PAST
        assert decide(periscolaire, self.THURSDAY, at(2026, 11, 24), unit="matin").reason == Reason.LATE


def test_a_late_alsh_day_costs_the_day_rate_plus_3_euros(school_year):
    service = ServiceFactory(
        name="ALSH mercredi", kind=Service.Kind.WEDNESDAY_CENTRE, unit=Service.Unit.DAY, weekdays=[2]
    )
    rule(service, amount=5, late_price=PRICE.PLUS, late_amount=Decimal("3"))
    bracket(TariffFactory(service=service), 0, None, "12.50")
    wednesday = date(2026, 10, 14)

    decision = decide(service, wednesday, at(2026, 10, 8))
    service, _ = load(service)
    day = pricing.price_day(service, wednesday, ["journee"], qf=900, resident=True, late={"journee": decision.charge})

    assert decision.reason == Reason.LATE and day.total == Decimal("15.50") and day.lines[0].late


class TestSameDayBeforeATime:
    MONDAY = date(2026, 11, 23)

    @pytest.fixture
    def before_930(self, canteen) -> Service:
        rule(canteen, amount=0, unit=KIND.CALENDAR_DAYS, time_of_day=time(9, 30))
        return canteen

    @pytest.mark.parametrize(
        "now", [at(2026, 11, 22, 20), at(2026, 11, 23), at(2026, 11, 23, 8), at(2026, 11, 23, 9, 29)]
    )
    def test_the_day_itself_is_bookable_until_930(self, before_930, now):
        assert decide(before_930, self.MONDAY, now).allowed

    @pytest.mark.parametrize("now", [at(2026, 11, 23, 9, 30), at(2026, 11, 23, 9, 31), at(2026, 11, 23, 18)])
    def test_from_930_it_is_late_not_past(self, before_930, now):
        assert decide(before_930, self.MONDAY, now).reason == Reason.LATE

    def test_once_the_day_is_over_it_is_past(self, before_930):
        assert decide(before_930, self.MONDAY, at(2026, 11, 24)).reason == Reason.PAST

    def test_a_direction_without_a_rule_is_past_from_midnight(self, before_930):
        assert decide(before_930, self.MONDAY, at(2026, 11, 23, 8), CANCELLATION).reason == Reason.PAST

    def test_0_days_without_a_time_is_until_the_end_of_the_day(self, canteen):
        rule(canteen, amount=0, unit=KIND.CALENDAR_DAYS)

        assert deadline_of(canteen, self.MONDAY) == at(2026, 11, 24)
        assert decide(canteen, self.MONDAY, at(2026, 11, 23, 23, 59)).allowed


class TestDayOfTheMonthBefore:
    """ "Les réservations du mois closent le 20 du mois précédent"."""

    @pytest.mark.parametrize(
        ("day", "deadline"),
        [
            (date(2026, 10, 1), at(2026, 9, 21)),
            (date(2026, 10, 12), at(2026, 9, 21)),
            (date(2026, 10, 31), at(2026, 9, 21)),
            (date(2027, 1, 4), at(2026, 12, 21)),  # January: the 20th of December of the year before
            (date(2027, 3, 1), at(2027, 2, 21)),
        ],
    )
    def test_until_the_end_of_the_20th(self, canteen, day, deadline):
        rule(canteen, amount=20, unit=KIND.MONTH_DAY)

        assert deadline_of(canteen, day) == deadline

    def test_until_the_time_of_day_when_set(self, canteen):
        rule(canteen, amount=20, unit=KIND.MONTH_DAY, time_of_day=time(18))

        assert deadline_of(canteen, date(2027, 1, 4)) == at(2026, 12, 20, 18)

    def test_the_28th_of_february(self, canteen):
        rule(canteen, amount=28, unit=KIND.MONTH_DAY)

        assert deadline_of(canteen, date(2027, 3, 15)) == at(2027, 3, 1)

    def test_a_booking_on_the_21st_is_late(self, canteen):
        rule(canteen, amount=20, unit=KIND.MONTH_DAY)

        assert decide(canteen, date(2026, 10, 12), at(2026, 9, 20, 23, 59)).allowed
        assert decide(canteen, date(2026, 10, 12), at(2026, 9, 21)).reason == Reason.LATE


class TestWeekdayOfTheWeekBefore:
    """ "Avant le jeudi de la semaine précédente": late from the start of that Thursday."""

    @pytest.mark.parametrize(
        ("day", "deadline"),
        [
            (date(2026, 10, 12), at(2026, 10, 8)),  # Monday
            (date(2026, 10, 15), at(2026, 10, 8)),  # a Thursday: the Thursday a week before, not itself
            (date(2026, 10, 16), at(2026, 10, 8)),  # Friday
            (date(2026, 10, 18), at(2026, 10, 8)),  # Sunday, the end of the same week
            (date(2026, 10, 19), at(2026, 10, 15)),  # the next Monday
            (date(2027, 1, 4), at(2026, 12, 31)),  # across the new year
        ],
    )
    def test_late_from_the_start_of_the_thursday_before(self, canteen, day, deadline):
        rule(canteen, amount=3, unit=KIND.WEEKDAY)

        assert deadline_of(canteen, day) == deadline

    def test_or_from_its_time_of_day(self, canteen):
        rule(canteen, amount=3, unit=KIND.WEEKDAY, time_of_day=time(12))

        assert deadline_of(canteen, date(2026, 10, 15)) == at(2026, 10, 8, 12)

    @pytest.mark.parametrize(("weekday", "deadline"), [(0, at(2026, 10, 5)), (6, at(2026, 10, 11))])
    def test_monday_and_sunday_of_the_week_before(self, canteen, weekday, deadline):
        rule(canteen, amount=weekday, unit=KIND.WEEKDAY)

        assert deadline_of(canteen, date(2026, 10, 12)) == deadline

    def test_a_booking_on_the_thursday_is_late(self, canteen):
        rule(canteen, amount=3, unit=KIND.WEEKDAY)

        assert decide(canteen, date(2026, 10, 12), at(2026, 10, 7, 23, 59)).allowed
        assert decide(canteen, date(2026, 10, 12), at(2026, 10, 8)).reason == Reason.LATE


class TestDaylightSaving:
    """Clocks go forward on Sunday 28 March 2027 and back on Sunday 25 October 2026."""

    @pytest.fixture
    def all_year(self, school_year) -> Service:
        return ServiceFactory(kind=Service.Kind.EVENING_CARE, unit=Service.Unit.SESSION, period=Service.Period.ALL)

    @pytest.mark.parametrize(
        ("hours", "day", "deadline"),
        [
            (24, date(2027, 3, 29), at(2027, 3, 27, 23)),  # a 23-hour Sunday: the deadline is an hour earlier
            (48, date(2027, 3, 30), at(2027, 3, 27, 23)),
            (24, date(2026, 10, 26), at(2026, 10, 25, 1)),  # a 25-hour Sunday: an hour later
            (48, date(2026, 10, 27), at(2026, 10, 25, 1)),
        ],
    )
    def test_hours_are_elapsed_hours(self, all_year, hours, day, deadline):
        rule(all_year, amount=hours, unit=KIND.HOURS)

        found = deadline_of(all_year, day)

        assert found == deadline
        assert calendar.local_datetime(day).astimezone(UTC) - found.astimezone(UTC) == timedelta(hours=hours)

    @pytest.mark.parametrize(
        ("day", "deadline"),
        [
            (date(2027, 3, 30), at(2027, 3, 25)),  # Easter Monday skipped: Friday 26 and Thursday 25
            (date(2026, 10, 26), at(2026, 10, 22)),  # Friday 23 and Thursday 22
            (date(2026, 10, 27), at(2026, 10, 23)),  # Monday 26 and Friday 23
        ],
    )
    def test_working_hours_count_whole_working_days_which_never_change_their_clocks(self, all_year, day, deadline):
        rule(all_year, amount=48, unit=KIND.WORKING_HOURS)

        assert deadline_of(all_year, day) == deadline

    def test_a_day_rule_keeps_its_time_on_the_clock(self, all_year):
        rule(all_year, amount=1, unit=KIND.CALENDAR_DAYS, time_of_day=time(9, 30))

        assert deadline_of(all_year, date(2027, 3, 29)) == at(2027, 3, 28, 9, 30)
        assert deadline_of(all_year, date(2026, 10, 26)) == at(2026, 10, 25, 9, 30)

    def test_decisions_around_the_spring_change(self, all_year):
        rule(all_year, amount=48, unit=KIND.HOURS)
        tuesday = date(2027, 3, 30)

        assert decide(all_year, tuesday, at(2027, 3, 27, 22, 59)).allowed
        assert decide(all_year, tuesday, at(2027, 3, 27, 23)).reason == Reason.LATE


class TestPreviews:
    """What the back office shows an agent, through catalog.previews.deadline_preview."""

    def sentences(self, service: Service, day: date) -> list[str]:
        service = services_with_rules().get(pk=service.pk)
        return previews.deadline_preview(service, day, list(service.cutoff_rules.all()))

    def test_day_20_of_the_month_before(self, canteen):
        rule(canteen, amount=20, unit=KIND.MONTH_DAY)

        assert self.sentences(canteen, date(2026, 10, 12)) == [
            "Avec ces règles, la réservation pour le lundi 12 octobre 2026 ferme le dimanche 20 septembre 2026 "
            f"à 23:59. {REFUSED_ONLINE} Acceptée en retard, elle est facturée au tarif normal."
        ]

    def test_day_20_of_december_at_a_time(self, canteen):
        rule(canteen, amount=20, unit=KIND.MONTH_DAY, time_of_day=time(18))

        (sentence,) = self.sentences(canteen, date(2027, 1, 4))
        assert "pour le lundi 4 janvier 2027 ferme le dimanche 20 décembre 2026 à 18:00." in sentence

    def test_thursday_of_the_week_before(self, canteen):
        rule(canteen, amount=3, unit=KIND.WEEKDAY)
        rule(canteen, direction=CANCELLATION, amount=3, unit=KIND.WEEKDAY, time_of_day=time(12))

        booking, cancellation = self.sentences(canteen, date(2026, 10, 15))
        assert "la réservation pour le jeudi 15 octobre 2026 ferme le mercredi 7 octobre 2026 à 23:59." in booking
        assert "l'annulation pour le jeudi 15 octobre 2026 ferme le jeudi 8 octobre 2026 à 12:00." in cancellation

    def test_the_same_day_before_930(self, canteen):
        rule(canteen, amount=0, unit=KIND.CALENDAR_DAYS, time_of_day=time(9, 30))

        (sentence,) = self.sentences(canteen, date(2026, 11, 23))
        assert "la réservation pour le lundi 23 novembre 2026 ferme le lundi 23 novembre 2026 à 09:30." in sentence

    def test_hours_across_the_spring_change(self, school_year):
        service = ServiceFactory(period=Service.Period.ALL)
        rule(service, amount=48, unit=KIND.HOURS)

        (sentence,) = self.sentences(service, date(2027, 3, 30))
        assert "pour le mardi 30 mars 2027 ferme le samedi 27 mars 2027 à 23:00." in sentence

    def test_each_unit_rule_names_its_unit_and_its_late_price(self, periscolaire):
        matin, soir, others, cancellation = self.sentences(periscolaire, TestPerUnitRules.THURSDAY)

        assert matin == (
            "Avec ces règles, la réservation (Matin) pour le jeudi 26 novembre 2026 ferme le lundi 23 novembre 2026 "
            f"à 23:59. {REFUSED_ONLINE} Acceptée en retard, elle coûte 4,00 € (ou le tarif normal s'il est plus élevé)."
        )
        assert "la réservation (Soir) pour" in soir and "elle coûte 10,00 €" in soir
        assert "la réservation (autres unités) pour le jeudi 26 novembre 2026 ferme le mardi 24 novembre" in others
        assert "l'annulation pour le jeudi 26 novembre 2026 ferme le lundi 23 novembre 2026 à 23:59." in cancellation
        assert "Acceptée en retard, le jour reste facturé." in cancellation

    def test_the_day_rate_plus_3_euros(self, school_year):
        service = ServiceFactory(kind=Service.Kind.WEDNESDAY_CENTRE, unit=Service.Unit.DAY, weekdays=[2])
        rule(service, amount=5, late_price=PRICE.PLUS, late_amount=Decimal("3"), online_after="accept")

        (sentence,) = self.sentences(service, date(2026, 10, 14))
        assert sentence.endswith(
            "Ensuite, elle reste possible en ligne. Acceptée en retard, elle coûte le tarif plus 3,00 €."
        )

    def test_without_a_rule_changes_close_when_the_day_begins(self, canteen):
        assert self.sentences(canteen, date(2026, 11, 23)) == [
            "Sans délai : les changements pour le lundi 23 novembre 2026 sont possibles jusqu'au "
            "dimanche 22 novembre 2026 à 23:59."
        ]
