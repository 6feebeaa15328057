"""Bookings go through the catalogue's rules and take their places under the service day's lock:
a child counts once whatever its units, units keep their own limits, late changes carry their price,
and the history of each booking cannot be rewritten."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from catalog.calendar import PARIS
from catalog.days import service_days
from catalog.engine import Reason
from catalog.models import CutoffRule, Service, ServiceUnit, UnitCombination
from catalog.selectors import services_with_rules
from core.roles import Role
from families.models import Decision
from reservations.models import Booking, BookingEvent, ServiceDay
from reservations.services import (
    Channel,
    DayRequest,
    booking_requests_decide,
    bookings_cancel,
    bookings_take,
    pending_requests_settle,
)
from tests.factories import (
    ChildFactory,
    CutoffRuleFactory,
    SchoolYearFactory,
    ServiceFactory,
    TariffFactory,
    UserFactory,
    bracket,
    family,
)

WEDNESDAY = date(2026, 10, 14)
WEEK_BEFORE = datetime(2026, 10, 1, 9, tzinfo=PARIS)
HOLIDAY_UNITS = [
    {"code": "matin", "name": "Matin", "duration_hours": "4", "position": 1},
    {"code": "repas", "name": "Repas", "duration_hours": "1.5", "position": 2, "capacity": 2},
    {"code": "apres-midi", "name": "Après-midi", "duration_hours": "4", "position": 3},
]


@pytest.fixture
def centre(in_clisson):
    """Wednesdays: matin, repas (2 meals a day, only with a matin or an après-midi), après-midi; 3 places."""
    SchoolYearFactory()
    service = ServiceFactory(
        name="Mercredis", kind=Service.Kind.WEDNESDAY_CENTRE, weekdays=[2], capacity=3, units=HOLIDAY_UNITS
    )
    units = {unit.code: unit for unit in service.units.all()}
    units["repas"].requires.set([units["matin"], units["apres-midi"]])
    day = UnitCombination.objects.create(service=service, code="journee", name="Journée", priority=10)
    day.units.set(units.values())
    for code, price in (("matin", "5.00"), ("apres-midi", "5.00")):
        bracket(TariffFactory(service=service, unit=units[code]), 0, None, price)
    morning_meal = UnitCombination.objects.create(service=service, code="matin-repas", name="Matin avec repas")
    morning_meal.units.set([units["matin"], units["repas"]])
    bracket(TariffFactory(service=service, unit=None, combination=morning_meal), 0, None, "8.00")
    bracket(TariffFactory(service=service, unit=None, combination=day), 0, None, "12.00")
    CutoffRuleFactory(service=service, amount=5, late_price=CutoffRule.LatePrice.PLUS, late_amount=Decimal("3"))
    CutoffRuleFactory(service=service, direction=CutoffRule.Direction.CANCELLATION, amount=5)
    return services_with_rules().get(pk=service.pk)


def child_of(household, **fields):
    return ChildFactory(household=household, status=Decision.VALIDATED, **fields)


def ask(child, service, *units, day=WEDNESDAY, household=None):
    return DayRequest(child, household or child.households.first(), service, day, frozenset(units))


def take(*requests, channel=Channel.ONLINE, now=WEEK_BEFORE, **options):
    return bookings_take(actor=None, requests=requests, channel=channel, now=now, **options)


def test_a_child_counts_once_whatever_its_units_and_units_keep_their_own_limit(centre):
    household = family()
    lea, tom, zoe = (child_of(household, first_name=name) for name in ("Léa", "Tom", "Zoé"))

    outcome = take(ask(lea, centre, "matin", "repas", "apres-midi"), ask(tom, centre, "matin", "repas"))
    assert not outcome.refused and len(outcome.changed) == 5
    third_meal = take(ask(zoe, centre, "matin", "repas"))
    assert [r.reason for r in third_meal.refused] == [Reason.FULL]  # 2 meals a day
    assert len(take(ask(zoe, centre, "matin")).changed) == 1

    day = ServiceDay.objects.get(service=centre, date=WEDNESDAY)
    assert day.children == 3 and day.units[str(centre.units.get(code="repas").pk)] == 2
    fourth = take(ask(child_of(household, first_name="Noé"), centre, "apres-midi"))
    assert [r.reason for r in fourth.refused] == [Reason.FULL]
    assert not take(ask(lea, centre, "matin")).refused  # already booked: nothing to do, nothing refused


def test_units_that_cannot_be_booked_together_are_refused_with_their_reason(centre):
    lea = child_of(family())

    (alone,) = take(ask(lea, centre, "repas")).refused
    assert alone.reason == Reason.UNIT_REQUIRES and "Repas" in alone.detail
    assert "ne se réserve qu'avec" in alone.message
    assert not Booking.objects.exists()


def test_a_late_booking_is_refused_online_and_taken_at_the_counter_with_or_without_its_price(centre):
    household = family()
    lea, tom = child_of(household), child_of(household)
    late = datetime(2026, 10, 12, 9, tzinfo=PARIS)

    assert [r.reason for r in take(ask(lea, centre, "matin"), now=late).refused] == [Reason.LATE]
    (priced,) = take(ask(lea, centre, "matin"), channel=Channel.COUNTER, now=late).changed
    assert (priced.late_price, priced.late_amount, priced.source) == ("plus", Decimal("3.00"), "counter")
    (waived,) = take(ask(tom, centre, "matin"), channel=Channel.COUNTER, now=late, late_price_applied=False).changed
    assert waived.late_price == "" and waived.late_amount is None


def test_a_typical_week_skips_days_past_their_cutoff_without_surcharge(centre):
    lea = child_of(family())
    outcome = take(ask(lea, centre, "matin"), channel=Channel.ENROLMENT, now=datetime(2026, 10, 12, tzinfo=PARIS))

    assert [r.reason for r in outcome.refused] == [Reason.LATE] and not Booking.objects.exists()


def test_a_pending_request_holds_its_place_and_a_confirmed_day_is_asked_back(centre):
    Service.objects.filter(pk=centre.pk).update(booking_mode=Service.BookingMode.REQUEST)
    service = services_with_rules().get(pk=centre.pk)
    lea = child_of(family())

    (requested,) = take(ask(lea, service, "matin")).changed
    assert requested.state == Booking.State.REQUESTED
    assert ServiceDay.objects.get(service=service, date=WEDNESDAY).children == 1
    Booking.objects.filter(pk=requested.pk).update(state=Booking.State.CONFIRMED)  # staff validated it
    (asked,) = bookings_cancel(actor=None, bookings=[requested], channel=Channel.ONLINE, now=WEEK_BEFORE).changed
    assert asked.state == Booking.State.CANCELLATION_REQUESTED
    assert ServiceDay.objects.get(service=service, date=WEDNESDAY).children == 1


def test_cancelling_frees_the_place_and_a_late_cancellation_stays_to_be_billed(centre):
    household = family()
    lea = child_of(household)
    agent = UserFactory(role=Role.ADMINISTRATOR)
    morning, meal = take(ask(lea, centre, "matin", "repas")).changed

    (refused,) = bookings_cancel(actor=None, bookings=[morning], channel=Channel.ONLINE, now=WEEK_BEFORE).refused
    assert refused.reason == Reason.UNIT_REQUIRES  # the meal would be left alone
    late = datetime(2026, 10, 13, 9, tzinfo=PARIS)
    assert bookings_cancel(actor=None, bookings=[meal], channel=Channel.ONLINE, now=late).refused
    cancelled = bookings_cancel(actor=agent, bookings=[meal, morning], channel=Channel.COUNTER, now=late).changed
    assert {b.state for b in cancelled} == {Booking.State.CANCELLED}
    assert {b.late_price for b in cancelled} == {CutoffRule.LatePrice.NORMAL}  # billed at its price
    day = ServiceDay.objects.get(service=centre, date=WEDNESDAY)
    assert day.children == 0 and set(day.units.values()) == {0}
    history = BookingEvent.objects.filter(booking=meal).values_list("state", "actor", "source")
    assert list(history) == [("confirmed", None, "parent"), ("cancelled", agent.pk, "counter")]


def test_the_database_refuses_the_same_unit_twice_for_a_child_whichever_household_booked(centre):
    first, second = family(), family("Famille Moreau")
    lea = child_of(first)
    lea.households.add(second)
    unit = ServiceUnit.objects.get(service=centre, code="matin")
    assert len(take(ask(lea, centre, "matin")).changed) == 1

    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            child=lea, household=second, service=centre, unit=unit, date=WEDNESDAY, state="confirmed", source="parent"
        )
    assert not take(ask(lea, centre, "matin", household=second)).changed  # held already: nothing new


def test_the_history_of_a_booking_cannot_be_rewritten(centre):
    (booking,) = take(ask(child_of(family()), centre, "matin")).changed
    event = BookingEvent.objects.get(booking=booking)

    for statement in ("UPDATE reservations_bookingevent SET note = 'x'", "DELETE FROM reservations_bookingevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"{statement} WHERE id = %s", [event.pk])


def test_staff_decide_requests_and_those_pending_at_their_cutoff_are_settled_as_the_service_says(centre):
    Service.objects.filter(pk=centre.pk).update(booking_mode=Service.BookingMode.REQUEST)
    service = services_with_rules().get(pk=centre.pk)
    household = family()
    lea, tom, zoe = (child_of(household) for _ in range(3))
    agent = UserFactory(role=Role.ADMINISTRATOR)
    asked = [take(ask(child, service, "matin")).changed[0] for child in (lea, tom, zoe)]

    (refused,) = booking_requests_decide(actor=agent, bookings=[asked[0]], accept=False)
    assert refused.state == Booking.State.REFUSED
    assert ServiceDay.objects.get(service=service, date=WEDNESDAY).children == 2  # its place is free again

    before_cutoff = datetime(2026, 10, 7, 23, tzinfo=PARIS)  # 5 working days: until the end of the 7th
    assert pending_requests_settle(before_cutoff) == 0
    assert pending_requests_settle(datetime(2026, 10, 8, 0, 1, tzinfo=PARIS)) == 2  # refused, as by default
    assert set(Booking.objects.filter(pk__in=[b.pk for b in asked[1:]]).values_list("state", flat=True)) == {
        Booking.State.REFUSED
    }
    assert ServiceDay.objects.get(service=service, date=WEDNESDAY).children == 0

    Service.objects.filter(pk=centre.pk).update(pending_at_cutoff=Service.PendingAtCutoff.VALIDATE)
    later = date(2026, 12, 2)  # a school-term Wednesday
    outcome = take(ask(lea, services_with_rules().get(pk=centre.pk), "matin", day=later))
    assert not outcome.refused, outcome.refused
    (pending,) = outcome.changed
    assert pending_requests_settle(datetime(2026, 11, 26, 0, 1, tzinfo=PARIS)) == 1
    pending.refresh_from_db()
    assert pending.state == Booking.State.CONFIRMED


def test_the_catalogues_days_show_the_places_the_bookings_took(centre):
    take(ask(child_of(family()), centre, "matin"))

    (day,) = service_days(service=centre, start=WEDNESDAY, end=WEDNESDAY, now=WEEK_BEFORE)
    assert (day.capacity, day.places_left) == (3, 2)


def test_a_day_closed_after_a_booking_read_the_calendar_is_refused_under_the_lock(centre, monkeypatch):
    from catalog.models import CalendarException
    from reservations.services import bookings

    lea = child_of(family())
    request = ask(lea, centre, "matin")
    read_before = bookings._snapshot([request])  # the calendar as the booking read it, before its locks
    CalendarException.objects.create(service=centre, start=WEDNESDAY, end=WEDNESDAY, label="Grève")  # meanwhile
    fresh = bookings._snapshot
    reads = iter([read_before])
    monkeypatch.setattr(bookings, "_snapshot", lambda requests: next(reads, None) or fresh(requests))

    outcome = take(request)

    assert [r.reason for r in outcome.refused] == [Reason.CLOSED] and not outcome.changed
