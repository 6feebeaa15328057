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
from conftest import signed_in
from families.models import Decision, Dossier
from families.selectors import FamilyActor
from reservations.models import Enrolment
from reservations.planning import State, household_planning
from reservations.services import Channel, DayRequest, bookings_take
from reservations.tests.conftest import care_service
from tests.factories import ChildFactory, SchoolYearFactory, enrol, family, parent_of

NOW = datetime(2026, 9, 1, 9, tzinfo=PARIS)  # a Tuesday
MONDAY = date(2026, 9, 7)


@pytest.fixture
def martin(year, frozen_at):
    frozen_at(NOW)
    return family("Famille Martin")


def enrolled(child, service, household, year) -> Enrolment:
    """The child enrolled in the service for the year, its dossier of the year validated: bookable."""
    return enrol(child, service, household, year)


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


def test_a_child_whose_dossier_of_the_year_is_not_validated_cannot_be_booked_but_can_be_cancelled(martin, care, year):
    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    tom = ChildFactory(household=martin, first_name="Tom", status=Decision.VALIDATED)
    Dossier.objects.create(child=tom, school_year=year, status=Dossier.Status.SUBMITTED)  # not validated yet
    for child in (lea, tom):
        enrolled(child, care, martin, year)
    book(tom, martin, care, MONDAY, "matin")  # booked before (at the counter, say): it stays shown

    planning = household_planning(actor=actor_of(martin), children=[lea, tom], start=MONDAY, end=MONDAY, now=NOW)

    bookable = cell(planning, lea, MONDAY, "soir")
    assert bookable.state == State.BOOKABLE and bookable.changeable
    free = cell(planning, tom, MONDAY, "soir")
    assert free.state == State.LOCKED and not free.changeable and free.reason == "dossier de l'année à faire valider"
    booked = cell(planning, tom, MONDAY, "matin")
    assert booked.state == State.BOOKED and booked.changeable  # cancelling does not wait for the dossier
    assert planning.dossier_missing == [tom]
    page = signed_in(parent_of(martin)).get(f"/famille/planning/?vue=semaine&du={MONDAY.isoformat()}")
    html = page.content.decode()
    assert "dossier de l&#x27;année à faire valider" in html
    assert "Le dossier de l’année de Tom n’est pas encore validé par la mairie" in html
    assert f'href="/famille/enfants/{tom.pk}/"' in html


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


# --- The pages --------------------------------------------------------------------------------------------


def test_a_parent_ticks_days_for_two_children_and_they_go_to_the_basket(martin, care, year):
    from reservations.models import BasketLine

    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    tom = ChildFactory(household=martin, first_name="Tom", status=Decision.VALIDATED)
    for child in (lea, tom):
        enrolled(child, care, martin, year)
    book(lea, martin, care, MONDAY, "matin")
    parent = signed_in(parent_of(martin))

    child_page = parent.get(f"/famille/enfants/{lea.pk}/").content.decode()
    assert f"/famille/planning/?enfant={lea.pk}" in child_page
    page = parent.get(f"/famille/planning/?vue=semaine&du={MONDAY.isoformat()}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Coût de la période" in html and "Léa" in html and "Tom" in html
    assert "Léa, lundi 7 septembre, Périscolaire, </span>Matin" in html
    lea_key, tom_key = f"{lea.pk}:{care.pk}:{MONDAY.isoformat()}", f"{tom.pk}:{care.pk}:{MONDAY.isoformat()}"
    response = parent.post(
        "/famille/planning/",
        {"vue": "semaine", "du": MONDAY.isoformat(), "jour": [lea_key, tom_key], "u": [f"{tom_key}:soir"]},
    )
    assert response.status_code == 302
    lines = {(line.child_id, tuple(line.units)) for line in BasketLine.objects.filter(household=martin)}
    assert lines == {(lea.pk, ()), (tom.pk, ("soir",))}  # Léa's matin cancelled, Tom's soir booked
    after = parent.get(response.url).content.decode()
    assert "à annuler (panier)" in after and "à réserver (panier)" in after


def test_every_tuesday_evening_in_period_mode(martin, care, year):
    from reservations.models import BasketLine

    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    enrolled(lea, care, martin, year)
    parent = signed_in(parent_of(martin))
    assert parent.get("/famille/planning/periode/").status_code == 200

    response = parent.post(
        "/famille/planning/periode/",
        {"du": "2026-09-07", "au": "2026-10-16", "enfant": [lea.pk], "jours": ["1"], "unites": [f"{care.pk}:soir"]},
    )

    assert response.status_code == 302
    days = sorted(line.date for line in BasketLine.objects.filter(household=martin, child=lea))
    # The Tuesdays of September and October before the autumn holidays (zone B, from 17 October).
    assert days == [date(2026, 9, 8) + timedelta(weeks=n) for n in range(6)]
    assert all(line.units == ["soir"] for line in BasketLine.objects.filter(household=martin))
    refused = parent.post("/famille/planning/periode/", {"du": "2026-09-07", "au": "2026-09-01"})
    assert "la fin après le début" in refused.content.decode()


def test_another_households_child_is_not_reached(martin, care, year):
    other = family("Famille Durand")
    stranger = ChildFactory(household=other, status=Decision.VALIDATED)
    parent = signed_in(parent_of(martin))
    assert parent.get(f"/famille/planning/?enfant={stranger.pk}").status_code == 404


def test_children_and_weekdays_that_are_no_ids_are_refused(martin, care, year):
    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    enrolled(lea, care, martin, year)
    parent = signed_in(parent_of(martin))

    for value in ["²", "abc", "9" * 20]:
        assert parent.get("/famille/planning/", {"enfant": value}).status_code == 404
    period = {"du": "2026-09-07", "au": "2026-09-18", "enfant": [lea.pk], "unites": [f"{care.pk}:soir"]}
    refused = parent.post("/famille/planning/periode/", {**period, "jours": ["²", "9" * 20]})
    assert refused.status_code == 200 and "Cochez au moins un jour de la semaine." in refused.content.decode()


@pytest.mark.parametrize("query", ["du=0001-01-01", "vue=mois&du=0001-01-15", "du=9999-12-31", "du=2035-01-05"])
def test_a_date_beyond_the_plannings_reach_shows_the_current_period(martin, care, year, query):
    parent = signed_in(parent_of(martin))

    page = parent.get(f"/famille/planning/?{query}")

    assert page.status_code == 200
    today = NOW.date()
    assert page.context["start"] <= today <= page.context["end"]


def test_a_period_longer_than_a_year_or_beyond_reach_is_refused_in_words(martin, care, year):
    from reservations.models import BasketLine

    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    enrolled(lea, care, martin, year)
    parent = signed_in(parent_of(martin))
    ticked = {"enfant": [lea.pk], "jours": ["1"], "unites": [f"{care.pk}:soir"]}

    too_long = parent.post("/famille/planning/periode/", {**ticked, "du": "2026-09-01", "au": "2027-09-30"})
    far = parent.post("/famille/planning/periode/", {**ticked, "du": "9999-12-01", "au": "9999-12-31"})

    assert too_long.status_code == 200 and "Choisissez une période d&#x27;un an au plus." in too_long.content.decode()
    assert far.status_code == 200 and "à moins de cinq ans d&#x27;aujourd&#x27;hui" in far.content.decode()
    assert not BasketLine.objects.filter(household=martin).exists()


def test_the_dossier_notice_stays_away_from_days_the_child_is_not_enrolled_on(martin, care, year):
    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    enrolled(lea, care, martin, year)  # 2026-2027, its dossier validated
    next_year = SchoolYearFactory(name="2027-2028", start=date(2027, 9, 1), end=date(2028, 8, 31))
    assert not Dossier.objects.filter(child=lea, school_year=next_year).exists()

    planning = household_planning(
        actor=actor_of(martin), children=[lea], start=date(2027, 8, 30), end=date(2027, 9, 10), now=NOW
    )

    assert planning.lines and planning.dossier_missing == []
