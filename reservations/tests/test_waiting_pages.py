"""The waiting list as a parent uses it: a full day of the planning offers to join, the list says the
rank, a place offered is accepted from it; another family's entries answer 404."""

import re
from datetime import timedelta

from catalog.models import Service
from conftest import signed_in
from reservations.models import Booking, WaitingListEntry
from reservations.tests.test_waiting_list import CLOSE, FAR, WEDNESDAY, cancel, centre, families, join  # noqa: F401
from tests.factories import parent_of

Entry = WaitingListEntry


def planning_of(page) -> str:
    return page.get(f"/famille/planning/?vue=semaine&du={WEDNESDAY.isoformat()}").content.decode()


def test_a_parent_joins_from_the_full_day_and_reads_the_rank(families, centre, frozen_at):  # noqa: F811
    frozen_at(FAR)
    households, children = families
    page = signed_in(parent_of(households["Léa"]))

    planning = planning_of(page)
    assert "complet" in planning
    (link,) = re.findall(r'href="(/famille/liste-d-attente/rejoindre/\?jour=[^"]+)"', planning)
    assert "M'inscrire sur la liste d'attente" in page.get(link.replace("&amp;", "&")).content.decode()
    value = link.split("jour=")[1].replace("%3A", ":")
    answer = page.post("/famille/liste-d-attente/rejoindre/", {"jour": value})

    assert answer.status_code == 302 and answer["Location"] == "/famille/liste-d-attente/"
    assert "1er sur la liste d'attente" in page.get("/famille/liste-d-attente/").content.decode()
    assert "en liste d&#x27;attente" in planning_of(page)
    entry = Entry.objects.get(child=children["Léa"])

    other = signed_in(parent_of(households["Zoé"]))
    assert other.post("/famille/liste-d-attente/", {"entry": entry.pk, "action": "quitter"}).status_code == 404
    assert "Léa" not in other.get("/famille/liste-d-attente/").content.decode()
    page.post("/famille/liste-d-attente/", {"entry": entry.pk, "action": "quitter"})
    entry.refresh_from_db()
    assert entry.state == Entry.State.LEFT


def test_a_place_offered_is_accepted_from_the_list(families, centre, frozen_at):  # noqa: F811
    households, children = families
    (entry,) = join(households["Léa"], children["Léa"], centre)
    cancel(households["Tom"], children["Tom"], CLOSE)
    frozen_at(CLOSE + timedelta(hours=1))
    page = signed_in(parent_of(households["Léa"]))

    listing = page.get("/famille/liste-d-attente/").content.decode()
    assert "Place proposée jusqu'au lundi 14 septembre à 22:00" in listing
    assert "place proposée" in planning_of(page)
    page.post("/famille/liste-d-attente/", {"entry": entry.pk, "action": "accepter"})

    entry.refresh_from_db()
    assert entry.state == Entry.State.BOOKED and entry.booking.state == Booking.State.CONFIRMED
    assert "réservé" in planning_of(page)


def test_an_entry_that_is_no_id_answers_404(families, centre, frozen_at):  # noqa: F811
    frozen_at(FAR)
    households, _children = families
    page = signed_in(parent_of(households["Léa"]))

    for value in ["²", "abc", "9" * 20, ""]:
        assert page.post("/famille/liste-d-attente/", {"entry": value, "action": "quitter"}).status_code == 404


def test_a_place_accepted_on_a_service_paid_at_booking_says_until_when_it_is_kept(families, centre, frozen_at):  # noqa: F811
    households, children = families
    Service.objects.filter(pk=centre.pk).update(billing_mode=Service.BillingMode.IMMEDIATE, payment_hold_minutes=30)
    (entry,) = join(households["Léa"], children["Léa"], centre)
    cancel(households["Tom"], children["Tom"], CLOSE)
    frozen_at(CLOSE + timedelta(hours=1))  # Monday 14 September, 11:00
    page = signed_in(parent_of(households["Léa"]))

    listing = page.post("/famille/liste-d-attente/", {"entry": entry.pk, "action": "accepter"}, follow=True)

    said = listing.content.decode()
    assert (
        "Place acceptée : elle vous est gardée jusqu&#x27;au lundi 14 septembre à 11:30, le temps de la payer." in said
    )
    entry.refresh_from_db()
    assert entry.booking.state == Booking.State.HELD
