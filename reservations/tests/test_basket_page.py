"""The basket page as a parent uses it: the recap with prices, one validation, what was done and not."""

from datetime import date

import pytest
from django.core import mail

from conftest import signed_in
from families.models import Decision
from reservations.models import BasketLine, Booking
from reservations.services.basket import basket_set_day
from reservations.tests.conftest import SEPTEMBER
from tests.factories import ChildFactory, bookable_child, family, parent_of


@pytest.fixture
def martin(care, frozen_at):
    frozen_at(SEPTEMBER)
    return family("Famille Martin")


def test_the_parent_reads_the_recap_validates_and_reads_what_was_done(
    martin, care, year, django_capture_on_commit_callbacks
):
    lea = bookable_child(martin, "Léa", year, care)
    parent = parent_of(martin)
    for day in (date(2026, 9, 8), date(2026, 9, 1)):  # the 1st is today: past its notice
        basket_set_day(actor=parent, household=martin, child=lea, service=care, day=day, units={"soir"})
    page = signed_in(parent)

    recap = page.get("/famille/panier/").content.decode()
    assert "mardi 8 septembre 2026" in recap and "2,00 €" in recap and "ne pourra pas être enregistré" in recap
    with django_capture_on_commit_callbacks(execute=True):
        done = page.post("/famille/panier/").content.decode()

    assert "Réservé" in done and "Non enregistré" in done and "délai" in done
    assert Booking.objects.filter(child=lea, date=date(2026, 9, 8), state="confirmed").exists()
    assert not BasketLine.objects.filter(household=martin).exists()
    assert any("réservations sont enregistrées" in m.subject for m in mail.outbox)
    assert "Votre panier est vide" in page.get("/famille/panier/").content.decode()


@pytest.mark.parametrize("value", ["abc", "", "²", "9" * 20])
def test_dropping_a_line_that_is_no_id_changes_nothing(martin, care, value):
    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    parent = parent_of(martin)
    basket_set_day(actor=parent, household=martin, child=lea, service=care, day=date(2026, 9, 8), units={"soir"})

    answer = signed_in(parent).post("/famille/panier/", {"drop": value})

    assert answer.status_code == 302 and BasketLine.objects.filter(household=martin).count() == 1
