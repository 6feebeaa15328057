"""The counter's page: from the family file, a child's page where staff book and cancel a day's units past
the cutoffs, with the rule's late price (ticked by default) or without it, told what was done and refused,
journaled under their name."""

import re
from datetime import date, datetime

import pytest
from django.test import Client

from audit.models import AuditEntry
from catalog.calendar import PARIS
from catalog.models import Service
from conftest import CLISSON
from core.roles import Role
from reservations.models import Booking
from reservations.services.basket import basket_set_day, basket_validate
from tests.factories import ChildFactory, UserFactory, bookable_child, family, parent_of

LATE = datetime(2026, 9, 7, 9, tzinfo=PARIS)  # Tuesday 8th is within the 2 working days' notice
TUESDAY = date(2026, 9, 8)


@pytest.fixture
def desk(year, care, agent, frozen_at):
    frozen_at(LATE)
    household = family("Famille Martin")
    lea = bookable_child(household, "Léa", year, care, last_name="Martin")
    client = Client(HTTP_HOST=CLISSON.host)
    client.force_login(agent)
    url = f"/gestion/inscriptions/guichet/foyers/{household.pk}/enfants/{lea.pk}/"
    return {"household": household, "lea": lea, "client": client, "url": url}


def post(desk, care, action, *codes, late=True):
    body = {"service": care.pk, "date": TUESDAY.isoformat(), "units": [f"{care.pk}:{c}" for c in codes]}
    body["action"] = action
    if late:
        body["late_price"] = "on"
    return desk["client"].post(desk["url"], body, follow=True)


def test_the_family_file_links_to_each_child_s_counter_page(desk):
    page = desk["client"].get(f"/gestion/familles/foyers/{desk['household'].pk}/")

    assert desk["url"] in page.content.decode()


def test_the_page_offers_the_late_price_ticked_by_default(desk):
    page = desk["client"].get(desk["url"])

    assert page.status_code == 200
    html = page.content.decode()
    assert "Appliquer le prix du retard" in html and re.search(r'name="late_price"[^>]* checked>', html)


def test_the_agent_books_late_with_the_late_price_and_without_it(desk, care, agent):
    priced = post(desk, care, "book", "matin")
    waived = post(desk, care, "book", "matin", "soir", late=False)

    morning = Booking.objects.get(child=desk["lea"], unit__code="matin")
    evening = Booking.objects.get(child=desk["lea"], unit__code="soir")
    assert (morning.late_price, morning.source) == ("fixed", "counter") and evening.late_price == ""
    assert "Réservé le mardi 8 septembre 2026 : Matin (prix du retard)." in priced.content.decode()
    assert "Réservé le mardi 8 septembre 2026 : Soir." in waived.content.decode()
    journal = AuditEntry.objects.filter(actor=agent, action="reservations.book").order_by("pk")
    assert [e.changes["prix du retard appliqué"] for e in journal] == [True, False]


def test_the_agent_cancels_and_is_told_when_nothing_was_booked(desk, care):
    post(desk, care, "book", "matin")

    cancelled = post(desk, care, "cancel", "matin")
    nothing = post(desk, care, "cancel", "soir")

    assert Booking.objects.get(child=desk["lea"], unit__code="matin").state == Booking.State.CANCELLED
    assert "Annulé le mardi 8 septembre 2026 : Matin" in cancelled.content.decode()
    assert "Rien à annuler" in nothing.content.decode()


def test_a_closed_day_stays_refused_with_its_reason(desk, care):
    sunday = desk["client"].post(
        desk["url"],
        {"service": care.pk, "date": "2026-09-13", "units": [f"{care.pk}:matin"], "action": "book"},
        follow=True,
    )

    assert "Refusé le dimanche 13 septembre 2026" in sunday.content.decode()
    assert not Booking.objects.exists()


def test_only_the_family_staff_reach_the_page_and_only_a_child_of_that_household(desk, in_clisson):
    animator = Client(HTTP_HOST=CLISSON.host)
    animator.force_login(UserFactory(role=Role.ANIMATOR))
    other = ChildFactory(household=family("Famille Durand"))

    assert animator.get(desk["url"]).status_code == 403
    wrong = f"/gestion/inscriptions/guichet/foyers/{desk['household'].pk}/enfants/{other.pk}/"
    assert desk["client"].get(wrong).status_code == 404


def test_the_agent_records_a_payment_by_hand_and_the_held_days_are_booked(desk, care, agent):
    Service.objects.filter(pk=care.pk).update(billing_mode=Service.BillingMode.IMMEDIATE)
    household, lea = desk["household"], desk["lea"]
    basket_set_day(
        actor=parent_of(household), household=household, child=lea, service=care, day=date(2026, 9, 24), units={"soir"}
    )
    basket_validate(actor=parent_of(household), household=household)
    page = desk["client"].get(desk["url"]).content.decode()
    assert "En attente de paiement" in page and "2,00 €" in page

    done = desk["client"].post(desk["url"], {"pay": "1"}, follow=True).content.decode()

    assert "Paiement enregistré : 1 jour réservé." in done
    assert Booking.objects.get(child=lea, date=date(2026, 9, 24)).state == Booking.State.CONFIRMED
    assert AuditEntry.objects.filter(actor=agent, action="reservations.payment").count() == 1
