"""Holiday-centre rules on a whole week or period, checked on the basket's result: at least N days a week,
whole weeks only (a full Wednesday does not leave a broken week booked), a stay booked whole, a cap on a
family's weeks in a window. What breaks one is left out, with the reason; the rest is applied."""

from datetime import date, datetime, timedelta

import pytest

from catalog.calendar import PARIS
from catalog.engine import Reason
from catalog.models import BookingWindow, Service
from reservations.models import Booking
from reservations.services.basket import basket_set_day, basket_validate
from tests.factories import (
    CutoffRuleFactory,
    ServiceFactory,
    TariffFactory,
    bookable_child,
    bracket,
    family,
    parent_of,
)

NOW = datetime(2026, 9, 1, 9, tzinfo=PARIS)
MONDAY = date(2026, 9, 21)
WEEK = [MONDAY + timedelta(days=n) for n in range(5)]


@pytest.fixture
def centre(year) -> Service:
    service = ServiceFactory(
        name="Centre de loisirs",
        kind=Service.Kind.HOLIDAY_CENTRE,
        unit=Service.Unit.DAY,
        weekdays=[0, 1, 2, 3, 4],
        period=Service.Period.ALL,
        capacity=10,
        units=[{"code": "journee", "name": "Journée", "duration_hours": "8", "position": 1}],
    )
    bracket(TariffFactory(service=service), 0, None, "12.00")
    CutoffRuleFactory(service=service)
    return service


@pytest.fixture
def martin(centre, year):
    household = family("Famille Martin")
    return household, bookable_child(household, "Léa", year, centre)


def ask(household, child, service, days, units=("journee",)):
    for day in days:
        basket_set_day(
            actor=parent_of(household), household=household, child=child, service=service, day=day, units=units
        )
    return basket_validate(actor=parent_of(household), household=household, now=NOW)


def booked_days(child) -> list[date]:
    return sorted(Booking.objects.filter(child=child, state="confirmed").values_list("date", flat=True))


def test_whole_weeks_refuse_a_part_of_a_week_and_book_a_whole_one(martin, centre):
    household, lea = martin
    Service.objects.filter(pk=centre.pk).update(whole_weeks=True)
    centre.refresh_from_db()

    partial = ask(household, lea, centre, WEEK[:4])
    assert {r.reason for r in partial.refused} == {Reason.WHOLE_WEEKS} and len(partial.refused) == 4
    assert "semaines entières" in partial.refused[0].message and booked_days(lea) == []

    whole = ask(household, lea, centre, WEEK)
    assert not whole.refused and booked_days(lea) == WEEK

    cancelling = ask(household, lea, centre, [WEEK[1]], units=())  # a day out of a whole week
    assert [r.reason for r in cancelling.refused] == [Reason.WHOLE_WEEKS] and booked_days(lea) == WEEK


def test_a_full_day_does_not_leave_a_broken_week_booked(martin, centre, year):
    household, lea = martin
    Service.objects.filter(pk=centre.pk).update(whole_weeks=True, capacity=1)
    centre.refresh_from_db()
    other = family("Famille Autre")
    tom = bookable_child(other, "Tom", year, centre)
    Service.objects.filter(pk=centre.pk).update(whole_weeks=False)
    ask(other, tom, centre, [WEEK[2]])  # the Wednesday's one place
    Service.objects.filter(pk=centre.pk).update(whole_weeks=True)

    outcome = ask(household, lea, centre, WEEK)

    reasons = {r.line.date: r.reason for r in outcome.refused}
    assert reasons == {day: Reason.FULL if day == WEEK[2] else Reason.WHOLE_WEEKS for day in WEEK}
    assert booked_days(lea) == []


def test_a_minimum_of_days_a_week(martin, centre):
    household, lea = martin
    Service.objects.filter(pk=centre.pk).update(min_days_per_week=3)
    centre.refresh_from_db()

    two = ask(household, lea, centre, WEEK[:2])
    assert {r.reason for r in two.refused} == {Reason.WEEK_MINIMUM}
    assert two.refused[0].message.endswith("au moins 3 jours.") and booked_days(lea) == []

    three = ask(household, lea, centre, WEEK[:3])
    assert not three.refused and booked_days(lea) == WEEK[:3]


def test_a_stay_is_booked_whole(martin, centre):
    household, lea = martin
    BookingWindow.objects.create(
        service=centre, first_day=WEEK[0], last_day=WEEK[2], opens_at=NOW - timedelta(days=30), whole_period=True
    )
    centre.refresh_from_db()

    part = ask(household, lea, centre, WEEK[:2])
    assert {r.reason for r in part.refused} == {Reason.WHOLE_STAY} and booked_days(lea) == []
    whole = ask(household, lea, centre, WEEK[:3])
    assert not whole.refused and booked_days(lea) == WEEK[:3]


def test_a_cap_on_the_weeks_a_family_books_in_a_window(martin, centre):
    household, lea = martin
    BookingWindow.objects.create(
        service=centre,
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=20),
        opens_at=NOW - timedelta(days=30),
        max_weeks_per_household=2,
    )
    centre.refresh_from_db()
    mondays = [MONDAY, MONDAY + timedelta(days=7), MONDAY + timedelta(days=14)]

    assert not ask(household, lea, centre, mondays[:2]).refused
    third = ask(household, lea, centre, mondays[2:])
    assert [r.reason for r in third.refused] == [Reason.WEEKS_CAP]
    assert third.refused[0].message.endswith("2 semaines au plus.") and booked_days(lea) == mondays[:2]


def test_a_whole_week_asks_only_for_the_days_the_family_can_still_book(martin, centre):
    household, lea = martin
    Service.objects.filter(pk=centre.pk).update(whole_weeks=True)
    saturday_before = datetime(2026, 9, 19, 10, tzinfo=PARIS)  # Monday and Tuesday are past their 2 days
    for day in WEEK[2:]:
        basket_set_day(
            actor=parent_of(household), household=household, child=lea, service=centre, day=day, units=["journee"]
        )

    outcome = basket_validate(actor=parent_of(household), household=household, now=saturday_before)

    assert not outcome.refused and booked_days(lea) == WEEK[2:]  # the rest of the week is the whole week now


def test_a_change_to_a_week_already_held_is_never_refused_for_the_cap(martin, centre, year):
    household, lea = martin
    BookingWindow.objects.create(
        service=centre,
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=20),
        opens_at=NOW - timedelta(days=30),
        max_weeks_per_household=2,
    )
    ask(household, lea, centre, [MONDAY, MONDAY + timedelta(days=7)])
    BookingWindow.objects.filter(service=centre).update(max_weeks_per_household=1)  # lowered since
    tom = bookable_child(household, "Tom", year, centre)

    same_week = ask(household, tom, centre, [MONDAY + timedelta(days=1)])  # the family's week, another child

    assert not same_week.refused and booked_days(tom) == [MONDAY + timedelta(days=1)]
