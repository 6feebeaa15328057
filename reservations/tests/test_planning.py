"""The parents' planning: each day and unit in words and symbol, a shared child's other household's days
unseen, the month's cost from the pricing function, a query count that does not grow with the children,
services and days; the pages post the ticks and the period to the basket."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.calendar import PARIS
from catalog.models import CalendarException
from families.models import Decision
from families.selectors import FamilyActor
from reservations.models import Enrolment
from reservations.planning import State, household_planning
from reservations.services import Channel, DayRequest, bookings_take
from reservations.tests.conftest import care_service
from tests.factories import ChildFactory, family, parent_of

NOW = datetime(2026, 9, 1, 9, tzinfo=PARIS)  # a Tuesday
MONDAY = date(2026, 9, 7)


@pytest.fixture
def martin(year, frozen_at):
    frozen_at(NOW)
    return family("Famille Martin")


def enrolled(child, service, household, year) -> Enrolment:
    return Enrolment.objects.create(
        child=child,
        household=household,
        service=service,
        school_year=year,
        start=year.start,
        end=year.end,
        status=Decision.VALIDATED,
    )


def book(child, household, service, day, *codes):
    from catalog.selectors import services_with_rules

    service = services_with_rules().get(pk=service.pk)
    request = DayRequest(child=child, household=household, service=service, date=day, units=frozenset(codes))
    return bookings_take(actor=parent_of(household), requests=[request], channel=Channel.ONLINE, now=NOW)


def actor_of(household) -> FamilyActor:
    return FamilyActor(user=parent_of(household), household=household)


def cell(planning, child, day, code):
    return next(
        c
        for line in planning.lines
        if line.child == child
        for d in line.days
        if d.date == day
        for c in d.cells
        if c.unit.code == code
    )


def test_each_unit_says_its_state_and_the_month_costs_what_price_day_says(martin, care, year):
    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    enrolled(lea, care, martin, year)
    book(lea, martin, care, MONDAY, "matin", "soir")
    CalendarException.objects.create(
        label="Pont de l'école", start=MONDAY + timedelta(days=3), end=MONDAY + timedelta(days=3)
    )

    planning = household_planning(
        actor=actor_of(martin), children=[lea], start=MONDAY, end=MONDAY + timedelta(days=6), now=NOW
    )

    booked = cell(planning, lea, MONDAY, "matin")
    assert booked.state == State.BOOKED and booked.label == "réservé" and booked.symbol == "✓" and booked.changeable
    assert cell(planning, lea, MONDAY + timedelta(days=1), "soir").state == State.BOOKABLE
    thursday = next(d for d in planning.lines[0].days if d.date == MONDAY + timedelta(days=3))
    assert not thursday.open and thursday.closed_reason == "Pont de l'école"
    # Thursday is within the 2 days' notice: the rule refuses it online, and says so.
    thursday = date(2026, 9, 3)
    soon = household_planning(
        actor=actor_of(martin), children=[lea], start=thursday, end=thursday, now=NOW + timedelta(days=1)
    )
    late = cell(soon, lea, thursday, "matin")
    assert late.state == State.LOCKED and late.late and not late.changeable and "délai" in late.reason
    # A week later, past the day: not modifiable, and says why.
    past = household_planning(
        actor=actor_of(martin), children=[lea], start=thursday, end=thursday, now=NOW + timedelta(days=7)
    )
    assert cell(past, lea, thursday, "matin").state == State.LOCKED
    assert cell(past, lea, thursday, "matin").reason == "Ce jour est passé."
    september = next(c for c in planning.costs if c.month == date(2026, 9, 1))
    assert september.total == Decimal("4.00") and september.days == 1  # matin 2 € + soir 2 €


def test_a_shared_childs_other_household_bookings_are_not_shown(martin, care, year):
    other = family("Famille Durand")
    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    lea.households.add(other)
    enrolled(lea, care, martin, year)
    enrolled(lea, care, other, year)
    book(lea, other, care, MONDAY, "soir")

    planning = household_planning(actor=actor_of(martin), children=[lea], start=MONDAY, end=MONDAY, now=NOW)

    assert cell(planning, lea, MONDAY, "soir").state == State.BOOKABLE
    assert all(c.total == 0 for c in planning.costs)


def test_a_full_day_and_a_service_not_enrolled(martin, year):
    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    tom = ChildFactory(household=martin, first_name="Tom", status=Decision.VALIDATED)
    small = care_service("Petit accueil")
    small.capacity = 1
    small.save()
    enrolled(lea, small, martin, year)
    enrolled(tom, small, martin, year)
    book(lea, martin, small, MONDAY, "matin")

    planning = household_planning(actor=actor_of(martin), children=[lea, tom], start=MONDAY, end=MONDAY, now=NOW)

    assert cell(planning, tom, MONDAY, "matin").state == State.FULL
    assert cell(planning, lea, MONDAY, "soir").state == State.BOOKABLE  # Léa already has her place
    assert (
        household_planning(actor=actor_of(family("Autre")), children=[lea], start=MONDAY, end=MONDAY, now=NOW).lines
        == []
    )


def test_the_month_of_three_children_in_three_services_costs_the_queries_of_one_child_and_one_week(
    martin, year, django_assert_max_num_queries
):
    services = [care_service(name) for name in ("Périscolaire", "Accueil du soir", "Garderie")]
    children = [ChildFactory(household=martin, status=Decision.VALIDATED) for _ in range(3)]
    for child in children:
        for service in services:
            enrolled(child, service, martin, year)
            book(child, martin, service, MONDAY, "matin")
    actor = actor_of(martin)

    queries = CaptureQueriesContext(connection)

    def count(children, services_start, end) -> int:
        with queries:
            planning = household_planning(actor=actor, children=children, start=services_start, end=end, now=NOW)
        assert planning.lines
        return len(queries)

    one = count(children[:1], MONDAY, MONDAY + timedelta(days=6))
    many = count(children, date(2026, 9, 1), date(2026, 9, 30))
    assert one == many
    assert many <= 40, "\n".join(q["sql"][:150] for q in queries)
