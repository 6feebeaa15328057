"""Enrolments: requested with the service's pieces, checked for the child's year, decided by staff,
and turned into the typical week's bookings (one week in two from an anchor, not ISO parity); a new
typical week from a date moves later bookings; ending one cancels by the commune's rule."""

import io
from datetime import date, datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from catalog.calendar import PARIS
from catalog.models import SchoolYear, Service
from catalog.selectors import services_with_rules
from families.models import Decision, Dossier, Schooling
from reservations.models import Booking, Enrolment, EnrolmentRequirement, WaitingListEntry
from reservations.services import (
    Channel,
    DayRequest,
    bookings_take,
    enrolment_decide,
    enrolment_end,
    enrolment_end_preview,
    enrolment_request,
    enrolment_week_change,
    enrolments_validate,
)
from reservations.services.basket import basket_set_day, basket_validate
from reservations.services.waiting import waiting_join
from reservations.tests.conftest import SEPTEMBER
from tests.factories import (
    ChildFactory,
    DocumentTypeFactory,
    DossierFactory,
    bookable_child,
    enrol,
    family,
    parent_of,
)
from tests.samples import pdf_bytes


def validated_child(household, **fields):
    return ChildFactory(household=household, status=Decision.VALIDATED, **fields)


def request_for(child, service, year, week, household=None, **options):
    household = household or child.households.first()
    return enrolment_request(
        actor=parent_of(household),
        child=child,
        household=household,
        service=service,
        school_year=year,
        week=week,
        **options,
    )


def booked_days(enrolment) -> list[date]:
    return sorted({b.date for b in Booking.objects.filter(enrolment=enrolment, state__in=Booking.HOLDING)})


def test_a_validated_typical_week_books_its_days_from_today_and_tells_the_family(
    care, year, agent, frozen_at, django_capture_on_commit_callbacks
):
    frozen_at(SEPTEMBER)
    lea = validated_child(family())
    enrolment = request_for(lea, care, year, {1: ["matin", "soir"], 3: ["soir"]}, end=date(2026, 9, 30))
    assert enrolment.status == Decision.PENDING and not Booking.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        decided = enrolment_decide(actor=agent, enrolment=enrolment, accept=True, now=SEPTEMBER)

    days = booked_days(enrolment)
    assert days[0] == date(2026, 9, 3)  # Tuesday 1st and 2nd... the first Tuesday is past its cutoff
    assert {d.weekday() for d in days} == {1, 3} and all(d <= date(2026, 9, 30) for d in days)
    assert not any(b.late_price for b in Booking.objects.filter(enrolment=enrolment))  # skipped, never surcharged
    assert Booking.objects.filter(enrolment=enrolment, date=date(2026, 9, 8)).count() == 2  # matin and soir
    assert decided.bookings.refused  # the first Tuesday, too late
    (message,) = [m for m in mail.outbox if "Inscription validée" in m.subject]
    assert "Périscolaire" in message.subject


def test_one_week_in_two_counts_from_its_anchor_across_new_year(care, year, agent, frozen_at):
    frozen_at(SEPTEMBER)
    household = family()
    lea = validated_child(household)
    week_a = request_for(
        lea,
        care,
        year,
        {0: ["soir"]},
        recurrence=Enrolment.Recurrence.ALTERNATE,
        anchor=date(2026, 12, 23),
        start=date(2026, 12, 14),
        end=date(2027, 1, 31),
    )
    enrolment_decide(actor=agent, enrolment=week_a, accept=True, now=SEPTEMBER)

    # Anchored on the week of Monday 21 December (holidays: no care), then every other week: 4 and 18 Jan.
    # ISO parity would have swapped at New Year (2026 has 53 weeks): weeks 53 and 1 are both odd.
    assert booked_days(week_a) == [date(2027, 1, 4), date(2027, 1, 18)]


def test_the_other_household_of_a_shared_child_enrols_for_the_other_weeks(care, year, agent, frozen_at):
    frozen_at(SEPTEMBER)
    martin, moreau = family(), family("Famille Moreau")
    lea = validated_child(martin)
    lea.households.add(moreau)
    options = {"recurrence": Enrolment.Recurrence.ALTERNATE, "start": date(2027, 1, 4), "end": date(2027, 1, 31)}
    ours = request_for(lea, care, year, {0: ["soir"]}, anchor=date(2027, 1, 4), **options)
    theirs = request_for(lea, care, year, {0: ["soir"]}, household=moreau, anchor=date(2027, 1, 11), **options)
    for enrolment in (ours, theirs):
        enrolment_decide(actor=agent, enrolment=enrolment, accept=True, now=SEPTEMBER)

    assert booked_days(ours) == [date(2027, 1, 4), date(2027, 1, 18)]
    assert booked_days(theirs) == [date(2027, 1, 11), date(2027, 1, 25)]
    assert set(Booking.objects.filter(enrolment=theirs).values_list("household", flat=True)) == {moreau.pk}


def test_the_request_is_checked_for_the_childs_year_and_the_pieces_the_service_asks(care, year):
    household = family()
    lea = validated_child(household, birth_date=date(2019, 3, 2))
    Service.objects.filter(pk=care.pk).update(school_levels=["CP", "CE1"])
    with pytest.raises(ValidationError, match="Indiquez la classe"):
        request_for(lea, care, year, {1: ["soir"]})
    Schooling.objects.create(child=lea, school_year=year, level="GS")
    with pytest.raises(ValidationError, match="n'accueille pas les enfants de GS"):
        request_for(lea, care, year, {1: ["soir"]})
    Schooling.objects.filter(child=lea).update(level="CP")

    insurance = EnrolmentRequirement.objects.create(service=care, document_type=DocumentTypeFactory(name="Assurance"))
    with pytest.raises(ValidationError, match="Pièces manquantes : Assurance"):
        request_for(lea, care, year, {1: ["soir"]})
    with pytest.raises(ValidationError, match="n'a pas lieu ce jour"):
        request_for(lea, care, year, {2: ["soir"]}, pieces={insurance.pk: (io.BytesIO(pdf_bytes()), "a.pdf")})
    enrolment = request_for(lea, care, year, {1: ["soir"]}, pieces={insurance.pk: (io.BytesIO(pdf_bytes()), "a.pdf")})
    assert enrolment.pieces.get().document.document_type.name == "Assurance"
    with pytest.raises(ValidationError, match="déjà inscrit"):
        request_for(lea, care, year, {3: ["soir"]}, pieces={insurance.pk: (io.BytesIO(pdf_bytes()), "b.pdf")})


def test_a_service_without_validation_enrols_at_once_and_a_refusal_says_why(care, year, agent, frozen_at):
    frozen_at(SEPTEMBER)
    household = family()
    lea, tom = validated_child(household), validated_child(household)
    with pytest.raises(ValidationError, match="motif"):
        enrolment_decide(actor=agent, enrolment=request_for(lea, care, year, {1: ["soir"]}), accept=False)
    refused = enrolment_decide(
        actor=agent, enrolment=Enrolment.objects.get(child=lea), accept=False, reason="Dossier incomplet"
    ).enrolment
    assert refused.status == Decision.REFUSED and refused.reason == "Dossier incomplet"

    Service.objects.filter(pk=care.pk).update(enrolment_requires_validation=False)
    at_once = request_for(tom, care, year, {1: ["soir"]}, end=date(2026, 9, 30))
    at_once.refresh_from_db()
    assert at_once.status == Decision.VALIDATED and booked_days(at_once)


def test_a_new_typical_week_from_a_date_moves_later_bookings_and_ending_cancels_by_the_rule(
    care, year, agent, frozen_at
):
    frozen_at(SEPTEMBER)
    lea = validated_child(family())
    enrolment = request_for(lea, care, year, {1: ["soir"]}, end=date(2026, 10, 16))
    enrolment_decide(actor=agent, enrolment=enrolment, accept=True, now=SEPTEMBER)
    parent = parent_of(enrolment.household)

    cancelled, booked = enrolment_week_change(
        actor=parent, enrolment=enrolment, since=date(2026, 10, 1), week={3: ["soir"]}, now=SEPTEMBER
    )
    days = booked_days(enrolment)
    assert [d for d in days if d < date(2026, 10, 1)] == [
        date(2026, 9, 8),
        date(2026, 9, 15),
        date(2026, 9, 22),
        date(2026, 9, 29),
    ]
    assert [d for d in days if d >= date(2026, 10, 1)] == [date(2026, 10, 1), date(2026, 10, 8), date(2026, 10, 15)]
    assert len(cancelled.changed) == 2 and len(booked.changed) == 3

    now = datetime(2026, 10, 7, 9, tzinfo=PARIS)  # the 8th is past its 2 working days, the 15th is not
    free, kept = enrolment_end_preview(enrolment=enrolment, on=date(2026, 10, 8), now=now)
    assert [b.date for b in free] == [date(2026, 10, 15)] and [b.date for b in kept] == [date(2026, 10, 8)]
    outcome = enrolment_end(actor=parent, enrolment=enrolment, on=date(2026, 10, 8), now=now)
    assert [b.date for b in outcome.changed] == [date(2026, 10, 15)]
    assert booked_days(enrolment)[-1] == date(2026, 10, 8)  # too late to cancel: it stays, billed
    enrolment.refresh_from_db()
    assert enrolment.ended_on == date(2026, 10, 8)


def test_ending_cancels_the_later_days_booked_through_the_basket_too_and_leaves_their_waiting_lists(
    care, year, agent, frozen_at
):
    frozen_at(SEPTEMBER)
    Service.objects.filter(pk=care.pk).update(capacity=1, waiting_list=True)
    lea = validated_child(family())
    DossierFactory(child=lea, school_year=year, status=Dossier.Status.VALIDATED)
    enrolment = request_for(lea, care, year, {1: ["soir"]}, end=date(2026, 10, 16))  # Tuesdays
    enrolment_decide(actor=agent, enrolment=enrolment, accept=True, now=SEPTEMBER)
    household, parent = enrolment.household, parent_of(enrolment.household)
    for day in (date(2026, 9, 24), date(2026, 10, 8)):  # two Thursdays ticked on the planning
        basket_set_day(actor=parent, household=household, child=lea, service=care, day=day, units=["soir"])
    basket_validate(actor=parent, household=household, now=SEPTEMBER)
    durand = family("Famille Durand")
    tom = bookable_child(durand, "Tom", year, care)
    for day in (date(2026, 9, 17), date(2026, 10, 15)):  # Tom holds the one place; Léa waits for it
        basket_set_day(actor=parent_of(durand), household=durand, child=tom, service=care, day=day, units=["soir"])
    basket_validate(actor=parent_of(durand), household=durand, now=SEPTEMBER)
    for day in (date(2026, 9, 17), date(2026, 10, 15)):
        waiting_join(actor=parent, household=household, child=lea, service=care, day=day, units=["soir"], now=SEPTEMBER)

    outcome = enrolment_end(actor=parent, enrolment=enrolment, on=date(2026, 10, 1), now=SEPTEMBER)

    assert sorted(b.date for b in outcome.changed) == [date(2026, 10, 6), date(2026, 10, 8), date(2026, 10, 13)]
    held = sorted(Booking.objects.filter(child=lea, state__in=Booking.HOLDING).values_list("date", flat=True))
    assert held == [date(2026, 9, d) for d in (8, 15, 22, 24, 29)]  # before the end: the Tuesdays and a Thursday
    entries = {e.date: (e.state, e.closed_at) for e in WaitingListEntry.objects.filter(child=lea)}
    assert entries == {
        date(2026, 9, 17): (WaitingListEntry.State.WAITING, None),  # before the end: still waiting
        date(2026, 10, 15): (WaitingListEntry.State.LEFT, SEPTEMBER),
    }
    assert Booking.objects.get(child=tom, date=date(2026, 10, 15)).state == Booking.State.CONFIRMED


def test_pending_enrolments_validated_together_share_the_places_and_each_family_hears_of_its_own(
    care, year, agent, frozen_at, django_capture_on_commit_callbacks
):
    frozen_at(SEPTEMBER)
    Service.objects.filter(pk=care.pk).update(capacity=2)
    children = [validated_child(family(f"Famille {i}")) for i in range(3)]
    enrolments = [request_for(c, care, year, {1: ["soir"]}, end=date(2026, 9, 30)) for c in children]

    with django_capture_on_commit_callbacks(execute=True):
        decided = enrolments_validate(actor=agent, enrolments=enrolments, now=SEPTEMBER)

    assert [booked_days(e) != [] for e in enrolments] == [True, True, False]  # in the order of the requests
    full = {r.request.date for r in decided[2].bookings.refused if r.reason == "full"}
    assert full == {date(2026, 9, 8), date(2026, 9, 15), date(2026, 9, 22), date(2026, 9, 29)}
    assert len([m for m in mail.outbox if "Inscription validée" in m.subject]) == 3
    third = next(m for m in mail.outbox if m.to == [parent_of(enrolments[2].household).email])
    assert "complets" in third.body and "mardi 8 septembre 2026" in third.body


def test_the_class_declared_on_the_childs_page_counts_for_the_year_under_way_only(care, year, frozen_at):
    frozen_at(SEPTEMBER)
    Service.objects.filter(pk=care.pk).update(school_levels=["CP"])
    lea = validated_child(family(), school_class="cp")
    next_year = SchoolYear.objects.create(name="2027-2028", start=date(2027, 9, 1), end=date(2028, 8, 31))

    assert request_for(lea, care, year, {1: ["soir"]}).status == Decision.PENDING
    with pytest.raises(ValidationError, match="Indiquez la classe de l'enfant pour l'année 2027-2028"):
        request_for(lea, care, next_year, {1: ["soir"]})


def test_ending_an_enrolment_leaves_the_days_of_the_childs_earlier_enrolment_alone(care, year, frozen_at):
    frozen_at(SEPTEMBER)
    martin = family("Famille Martin")
    lea = validated_child(martin)
    enrol(lea, care, martin, year, end=date(2026, 12, 31))  # the autumn, then from January
    later = enrol(lea, care, martin, year, start=date(2027, 1, 4))
    parent = parent_of(martin)
    basket_set_day(actor=parent, household=martin, child=lea, service=care, day=date(2026, 9, 8), units=["soir"])
    basket_validate(actor=parent, household=martin, now=SEPTEMBER)

    outcome = enrolment_end(actor=parent, enrolment=later, on=date(2026, 9, 1), now=SEPTEMBER)

    assert outcome.changed == []
    assert Booking.objects.get(child=lea, date=date(2026, 9, 8)).state == Booking.State.CONFIRMED


def test_withdrawing_a_request_cancels_no_day_the_counter_or_another_enrolment_booked(care, year, frozen_at):
    frozen_at(SEPTEMBER)
    martin = family("Famille Martin")
    lea = validated_child(martin)
    running = enrol(lea, care, martin, year, ended_on=date(2026, 11, 2))  # ended from November, still running
    rules = services_with_rules().get(pk=care.pk)
    days = [date(2026, 9, 15), date(2026, 10, 6)]
    asked = [DayRequest(lea, martin, rules, day, frozenset({"soir"}), enrolment=running) for day in days]
    bookings_take(actor=None, requests=asked, channel=Channel.COUNTER, now=SEPTEMBER)
    pending = request_for(lea, care, year, {1: ["soir"]}, start=date(2026, 10, 1))

    outcome = enrolment_end(actor=parent_of(martin), enrolment=pending, on=date(2026, 9, 1), now=SEPTEMBER)

    assert outcome.changed == []
    assert Booking.objects.filter(child=lea, state=Booking.State.CONFIRMED).count() == 2
