"""Waiting lists through the API, with a real client: a parent joins a full day's list and reads the rank,
is refused (and told why) while a place is free, accepts a place offered, leaves; never another household's
entry. The basket's validation takes "all or none"."""

from datetime import timedelta

from rest_framework.test import APIClient

from conftest import CLISSON
from reservations.models import BasketLine, Booking, WaitingListEntry
from reservations.services.basket import basket_set_day
from reservations.tests.test_waiting_list import (  # noqa: F401
    CLOSE,
    FAR,
    WEDNESDAY,
    cancel,
    centre,
    enrolled,
    families,
    join,
)
from tests.factories import family, parent_of

API = "/api/v1/reservations"


def client_for(user) -> APIClient:
    client = APIClient(HTTP_HOST=CLISSON.host)
    client.force_authenticate(user)
    return client


def test_a_parent_joins_a_full_day_reads_the_rank_and_leaves(families, centre, frozen_at):  # noqa: F811
    frozen_at(FAR)
    households, children = families
    client = client_for(parent_of(households["Léa"]))
    body = {"child": children["Léa"].pk, "service": centre.pk, "date": WEDNESDAY.isoformat(), "units": ["journee"]}

    joined = client.post(f"{API}/waiting-list", body, format="json")

    assert joined.status_code == 201
    (entry,) = joined.json()
    assert (entry["unit_code"], entry["state"], entry["rank"]) == ("journee", "waiting", 1)
    again = client.post(f"{API}/waiting-list", body, format="json")
    assert again.status_code == 422 and "déjà sur la liste" in again.json()["message"]
    assert [e["id"] for e in client.get(f"{API}/waiting-list").json()] == [entry["id"]]

    other = client_for(parent_of(households["Zoé"]))
    assert other.delete(f"{API}/waiting-list/{entry['id']}").status_code == 404
    assert other.get(f"{API}/waiting-list").json() == []
    assert client.delete(f"{API}/waiting-list/{entry['id']}").status_code == 204
    assert WaitingListEntry.objects.get(pk=entry["id"]).state == WaitingListEntry.State.LEFT


def test_a_day_with_a_place_left_is_refused_with_the_reason(centre, year, frozen_at):  # noqa: F811
    frozen_at(FAR)
    martin = family("Famille Martin")
    lea = enrolled(martin, "Léa", centre, year)
    body = {"child": lea.pk, "service": centre.pk, "date": WEDNESDAY.isoformat(), "units": ["journee"]}

    answer = client_for(parent_of(martin)).post(f"{API}/waiting-list", body, format="json")

    assert answer.status_code == 422 and "n'est pas complet" in answer.json()["message"]
    assert not WaitingListEntry.objects.exists()


def test_a_place_offered_is_accepted_through_the_api(families, centre, frozen_at):  # noqa: F811
    households, children = families
    (entry,) = join(households["Léa"], children["Léa"], centre)
    cancel(households["Tom"], children["Tom"], CLOSE)
    frozen_at(CLOSE + timedelta(hours=1))
    client = client_for(parent_of(households["Léa"]))

    (offered,) = client.get(f"{API}/waiting-list").json()
    assert offered["state"] == "offered" and offered["rank"] is None and offered["offered_until"]
    assert client_for(parent_of(households["Zoé"])).post(f"{API}/waiting-list/{entry.pk}/acceptance").status_code == 404
    accepted = client.post(f"{API}/waiting-list/{entry.pk}/acceptance")

    assert accepted.status_code == 200 and accepted.json()["state"] == "confirmed"
    assert client.post(f"{API}/waiting-list/{entry.pk}/acceptance").status_code == 422  # no longer offered


def test_the_basket_validation_takes_all_or_none(families, centre, frozen_at):  # noqa: F811
    frozen_at(FAR)
    households, children = families
    zoe_family = households["Zoé"]
    basket_set_day(
        actor=parent_of(zoe_family),
        household=zoe_family,
        child=children["Zoé"],
        service=centre,
        day=WEDNESDAY,
        units=["journee"],
    )

    answer = client_for(parent_of(zoe_family)).post(f"{API}/basket/validation", {"all_or_none": True}, format="json")

    assert answer.status_code == 200
    assert answer.json()["undone"] is True and answer.json()["booked"] == []
    assert [r["reason"] for r in answer.json()["refused"]] == ["full"]
    assert BasketLine.objects.filter(household=zoe_family).count() == 1
    assert not Booking.objects.filter(child=children["Zoé"]).exists()
