"""The basket: days a household wants changed, kept on the server, validated in one transaction with
what could not be applied and why, and a recap e-mail; services paid at booking hold their places
until paid, and the hold expires."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from catalog.calendar import PARIS
from catalog.engine import Reason
from catalog.models import Service
from catalog.selectors import services_with_rules
from conftest import signed_in
from families.models import Decision, Dossier
from reservations.basket_recap import basket_recap
from reservations.models import BasketLine, Booking, Enrolment, ServiceDay
from reservations.services import Channel, DayRequest, bookings_take
from reservations.services.basket import (
    basket_set_day,
    basket_set_days,
    basket_validate,
    holds_paid,
    holds_release,
)
from tests.factories import (
    ChildFactory,
    DossierFactory,
    ServiceFactory,
    TariffFactory,
    bookable_child,
    bracket,
    enrol,
    family,
    parent_of,
)

NOW = datetime(2026, 9, 1, 9, tzinfo=PARIS)
TUESDAY, THURSDAY = date(2026, 9, 8), date(2026, 9, 10)


@pytest.fixture
def martin(care):
    return family("Famille Martin")


@pytest.fixture
def lea(martin, care, year):
    return bookable_child(martin, "Léa", year, care)


def wants(household, child, service, day, *units):
    return basket_set_day(
        actor=parent_of(household), household=household, child=child, service=service, day=day, units=units
    )


def test_the_basket_is_kept_until_validated_and_applies_everything_in_one_go(
    martin, lea, care, year, django_capture_on_commit_callbacks
):
    tom = bookable_child(martin, "Tom", year, care)
    wants(martin, lea, care, TUESDAY, "matin", "soir")
    wants(martin, tom, care, TUESDAY, "soir")
    wants(martin, lea, care, date(2026, 9, 1), "soir")  # today: past its 2 working days, refused online
    assert BasketLine.objects.filter(household=martin).count() == 3  # on the server: a logout keeps it

    with django_capture_on_commit_callbacks(execute=True):
        outcome = basket_validate(actor=parent_of(martin), household=martin, now=NOW)

    assert len(outcome.booked) == 3 and [r.reason for r in outcome.refused] == [Reason.LATE]
    assert not BasketLine.objects.filter(household=martin).exists()
    (recap,) = [m for m in mail.outbox if "réservations sont enregistrées" in m.subject]
    assert "mardi 8 septembre 2026 — Léa Martin — Périscolaire (matin, soir) : 4,00 €" in recap.body  # 2 € each
    assert "Total : 6,00 €" in recap.body and "Non enregistré" in recap.body and "délai" in recap.body


def test_unticking_and_validating_cancels_and_a_day_wanted_as_booked_leaves_the_basket(martin, lea, care):
    wants(martin, lea, care, TUESDAY, "matin", "soir")
    basket_validate(actor=parent_of(martin), household=martin, now=NOW)

    assert wants(martin, lea, care, TUESDAY, "matin", "soir") is None  # as booked: nothing to change
    wants(martin, lea, care, TUESDAY, "matin")
    outcome = basket_validate(actor=parent_of(martin), household=martin, now=NOW)

    assert [b.unit.code for b in outcome.cancelled] == ["soir"]
    assert set(Booking.objects.filter(child=lea, state="confirmed").values_list("unit__code", flat=True)) == {"matin"}


def test_a_service_paid_at_booking_holds_its_places_until_paid_or_the_hold_expires(martin, lea, care):
    Service.objects.filter(pk=care.pk).update(billing_mode=Service.BillingMode.IMMEDIATE, payment_hold_minutes=30)
    for day in (TUESDAY, THURSDAY):
        wants(martin, lea, care, day, "matin")
    outcome = basket_validate(actor=parent_of(martin), household=martin, now=NOW)

    assert {b.state for b in outcome.booked} == {Booking.State.HELD}
    assert {b.held_until for b in outcome.booked} == {NOW + timedelta(minutes=30)}
    assert ServiceDay.objects.get(service=care, date=TUESDAY).children == 1  # the place is taken meanwhile
    (paid,) = holds_paid(actor=None, household=martin, bookings=[outcome.booked[0]])
    assert paid.state == Booking.State.CONFIRMED

    assert holds_release(NOW + timedelta(minutes=29)) == 0
    assert holds_release(NOW + timedelta(minutes=31)) == 1
    assert ServiceDay.objects.get(service=care, date=THURSDAY).children == 0
    assert Booking.objects.get(date=THURSDAY).state == Booking.State.CANCELLED


def test_a_household_of_a_shared_child_changes_only_its_own_days(martin, lea, care):
    moreau = family("Famille Moreau")
    lea.households.add(moreau)
    service = services_with_rules().get(pk=care.pk)
    bookings_take(
        actor=None,
        requests=[DayRequest(lea, moreau, service, TUESDAY, frozenset({"soir"}))],
        channel=Channel.ONLINE,
        now=NOW,
    )

    wants(martin, lea, care, TUESDAY, "matin")  # Martin wants a matin; Moreau's soir is not Martin's to cancel
    outcome = basket_validate(actor=parent_of(martin), household=martin, now=NOW)

    assert [b.unit.code for b in outcome.booked] == ["matin"] and not outcome.cancelled
    held = Booking.objects.filter(child=lea, state="confirmed").values_list("household", "unit__code")
    assert set(held) == {(martin.pk, "matin"), (moreau.pk, "soir")}
    assert Decimal("0") == sum((b.late_amount or 0) for b in outcome.booked)


def test_the_recap_shows_each_change_with_its_price_before_validation(martin, lea, in_clisson):
    """Seed 004 (Lutinville): four canteen meals at 3,60 € show 14,40 €."""
    canteen = ServiceFactory(name="Cantine", weekdays=[0, 1, 3, 4])
    bracket(TariffFactory(service=canteen), 0, None, "3.60")
    for day in (date(2026, 9, 7), TUESDAY, THURSDAY, date(2026, 9, 11)):
        wants(martin, lea, canteen, day, "repas")
    wants(martin, lea, canteen, date(2026, 9, 1), "repas")  # today, begun: no rule says until when

    recap = basket_recap(martin, NOW)

    on_time = [line for line in recap if not line.refusal]
    assert [line.after for line in on_time] == [("repas",)] * 4
    assert sum(line.total for line in on_time) == Decimal("14.40")
    (late,) = [line for line in recap if line.refusal]
    assert late.date == date(2026, 9, 1) and late.refusal == "Ce jour est passé."


def test_many_days_go_into_the_basket_at_once_and_a_day_as_booked_leaves_it(martin, lea, care):
    wants(martin, lea, care, TUESDAY, "matin")
    basket_validate(actor=parent_of(martin), household=martin, now=NOW)
    wants(martin, lea, care, THURSDAY, "soir")

    basket_set_days(
        actor=parent_of(martin),
        household=martin,
        days=[(lea, care, TUESDAY, {"matin"}), (lea, care, THURSDAY, set()), (lea, care, date(2026, 9, 11), {"soir"})],
    )

    lines = {line.date: line.units for line in BasketLine.objects.filter(household=martin)}
    assert lines == {date(2026, 9, 11): ["soir"]}  # Tuesday and Thursday are wanted as they are booked
    with pytest.raises(PermissionDenied):
        basket_set_days(actor=parent_of(martin), household=martin, days=[(ChildFactory(), care, TUESDAY, {"soir"})])


def test_an_expired_hold_of_two_units_frees_the_childs_place_once(martin, lea, care, year):
    Service.objects.filter(pk=care.pk).update(billing_mode=Service.BillingMode.IMMEDIATE)
    tom = bookable_child(martin, "Tom", year, care)
    wants(martin, lea, care, TUESDAY, "matin", "soir")
    wants(martin, tom, care, TUESDAY, "matin")
    basket_validate(actor=parent_of(martin), household=martin, now=NOW)
    holds_paid(actor=None, household=martin, bookings=Booking.objects.filter(child=tom))
    assert ServiceDay.objects.get(service=care, date=TUESDAY).children == 2

    assert holds_release(NOW + timedelta(hours=1)) == 2  # Léa's matin and soir

    day = ServiceDay.objects.get(service=care, date=TUESDAY)
    assert day.children == 1  # Tom still holds his place


def test_all_or_none_applies_nothing_when_the_last_place_cannot_take_both_children(martin, lea, care, year):
    Service.objects.filter(pk=care.pk).update(capacity=1)
    tom = bookable_child(martin, "Tom", year, care)
    wants(martin, lea, care, TUESDAY, "soir")
    wants(martin, tom, care, TUESDAY, "soir")
    wants(martin, lea, care, THURSDAY, "soir")

    outcome = basket_validate(actor=parent_of(martin), household=martin, now=NOW, all_or_none=True)

    assert outcome.undone and [r.reason for r in outcome.refused] == [Reason.FULL]
    assert not outcome.booked and not Booking.objects.filter(service=care).exists()  # Thursday's too: none
    assert BasketLine.objects.filter(household=martin).count() == 3  # the basket is kept as it was
    assert not ServiceDay.objects.filter(service=care, children__gt=0).exists()

    outcome = basket_validate(actor=parent_of(martin), household=martin, now=NOW)  # without: what fits
    assert not outcome.undone and len(outcome.booked) == 2 and [r.reason for r in outcome.refused] == [Reason.FULL]


def test_the_basket_page_offers_all_or_none_for_several_children(martin, lea, care, year, frozen_at):
    frozen_at(NOW)
    Service.objects.filter(pk=care.pk).update(capacity=1)
    tom = bookable_child(martin, "Tom", year, care)
    wants(martin, lea, care, TUESDAY, "soir")
    wants(martin, tom, care, TUESDAY, "soir")
    page = signed_in(parent_of(martin))

    assert "Tout ou rien" in page.get("/famille/panier/").content.decode()
    done = page.post("/famille/panier/", {"tout_ou_rien": "on"}).content.decode()

    assert "Rien n&#x27;a été enregistré (tout ou rien)" in done or "Rien n'a été enregistré (tout ou rien)" in done
    assert (
        not Booking.objects.filter(service=care).exists() and BasketLine.objects.filter(household=martin).count() == 2
    )


# --- Who may be booked: a validated enrolment covering the day, a validated dossier of its year -------------

NOT_ENROLLED = "L'enfant n'a pas d'inscription validée à ce service ce jour-là."


def test_a_child_without_a_validated_enrolment_is_refused_at_validation_and_nothing_is_booked(martin, care, year):
    tom = ChildFactory(household=martin, first_name="Tom", status=Decision.VALIDATED)
    enrol(tom, care, martin, year, status=Decision.PENDING)  # asked for, not decided yet
    zoe = bookable_child(martin, "Zoé", year)  # her dossier validated, enrolled in nothing
    wants(martin, tom, care, TUESDAY, "matin")
    wants(martin, zoe, care, TUESDAY, "soir")

    outcome = basket_validate(actor=parent_of(martin), household=martin, now=NOW)

    assert not outcome.booked and not outcome.cancelled
    assert {(r.line.child, r.reason) for r in outcome.refused} == {
        (tom, Reason.NOT_ENROLLED),
        (zoe, Reason.NOT_ENROLLED),
    }
    assert {r.message for r in outcome.refused} == {NOT_ENROLLED}
    assert not Booking.objects.exists() and not ServiceDay.objects.filter(children__gt=0).exists()
    assert not BasketLine.objects.filter(household=martin).exists()  # refused lines leave the basket too


@pytest.mark.parametrize("status", [Dossier.Status.DRAFT, Dossier.Status.SUBMITTED])
def test_a_child_whose_dossier_of_the_year_is_not_validated_is_refused_and_a_sibling_is_booked(
    martin, lea, care, year, status
):
    tom = ChildFactory(household=martin, first_name="Tom", status=Decision.VALIDATED)
    DossierFactory(child=tom, school_year=year, status=status)
    enrol(tom, care, martin, year)  # enrolled: only the dossier is missing
    wants(martin, lea, care, TUESDAY, "matin")
    wants(martin, tom, care, TUESDAY, "matin")

    outcome = basket_validate(actor=parent_of(martin), household=martin, now=NOW)

    assert [(b.child, b.unit.code) for b in outcome.booked] == [(lea, "matin")]
    (refused,) = outcome.refused
    assert refused.line.child == tom and refused.reason == Reason.DOSSIER
    assert refused.message.startswith("Le dossier de l'enfant pour cette année scolaire n'est pas encore validé")
    assert not Booking.objects.filter(child=tom).exists()
    assert ServiceDay.objects.get(service=care, date=TUESDAY).children == 1  # Léa's place only


def test_a_day_from_the_end_of_the_enrolment_is_refused(martin, lea, care):
    Enrolment.objects.filter(child=lea, service=care).update(ended_on=THURSDAY)  # ended: Thursday on is out
    for day in (TUESDAY, THURSDAY, date(2026, 9, 11)):
        wants(martin, lea, care, day, "soir")

    outcome = basket_validate(actor=parent_of(martin), household=martin, now=NOW)

    assert [b.date for b in outcome.booked] == [TUESDAY]
    refused = {r.line.date: (r.reason, r.message) for r in outcome.refused}
    assert refused == {day: (Reason.NOT_ENROLLED, NOT_ENROLLED) for day in (THURSDAY, date(2026, 9, 11))}
    assert set(Booking.objects.filter(child=lea).values_list("date", flat=True)) == {TUESDAY}


def test_a_day_refused_for_the_dossier_is_left_whole_not_half_cancelled(martin, care, year):
    tom = ChildFactory(household=martin, first_name="Tom", status=Decision.VALIDATED)
    Dossier.objects.create(child=tom, school_year=year, status=Dossier.Status.SUBMITTED)
    enrol(tom, care, martin, year)
    rules = services_with_rules().get(pk=care.pk)
    asked = DayRequest(tom, martin, rules, TUESDAY, frozenset({"matin"}))
    bookings_take(actor=None, requests=[asked], channel=Channel.COUNTER, now=NOW)  # booked at the counter
    wants(martin, tom, care, TUESDAY, "soir")  # the morning for the evening: one line, both changes

    outcome = basket_validate(actor=parent_of(martin), household=martin, now=NOW)

    assert [r.reason for r in outcome.refused] == [Reason.DOSSIER] and not outcome.cancelled
    assert list(Booking.objects.filter(child=tom, state__in=Booking.HOLDING).values_list("unit__code", flat=True)) == [
        "matin"
    ]
