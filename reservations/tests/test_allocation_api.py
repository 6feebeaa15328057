"""Allocation by draw through the API, with a real client: a parent reads the window, asks for a day and is
told why a day outside it is refused, withdraws; never another household's request; family staff run the
allocation with a seed and read its journal, a parent may not."""

from datetime import timedelta

from rest_framework.test import APIClient

from conftest import CLISSON
from reservations.models import AllocationRequest, AllocationRun
from reservations.tests.test_allocation import AFTER, OPENS, REQUESTS_UNTIL, asking, window  # noqa: F401
from reservations.tests.test_waiting_list import WEDNESDAY, centre, enrolled  # noqa: F401
from tests.factories import family, parent_of

API = "/api/v1/reservations"


def client_for(user) -> APIClient:
    client = APIClient(HTTP_HOST=CLISSON.host)
    client.force_authenticate(user)
    return client


def test_a_parent_reads_the_window_asks_for_a_day_and_withdraws(window, centre, year, frozen_at):  # noqa: F811
    frozen_at(OPENS + timedelta(days=1))
    martin = family("Famille Martin")
    lea = enrolled(martin, "Léa", centre, year)
    client = client_for(parent_of(martin))

    (listed,) = client.get(f"{API}/allocation-windows").json()
    assert listed["id"] == window.pk and listed["open"] is True and listed["requests"] == []
    assert listed["days"] == [WEDNESDAY.isoformat(), (WEDNESDAY + timedelta(days=7)).isoformat()]
    assert [p["code"] for p in listed["priorities"]] == ["resident", "sibling"]
    assert listed["priorities"][0]["label"] == "familles de la commune"
    body = {"child": lea.pk, "date": WEDNESDAY.isoformat(), "units": ["journee"]}

    asked = client.post(f"{API}/allocation-windows/{window.pk}/requests", body, format="json")

    assert asked.status_code == 201
    assert (asked.json()["state"], asked.json()["child_name"]) == ("pending", lea.first_name + " " + lea.last_name)
    (request,) = client.get(f"{API}/allocation-windows").json()[0]["requests"]
    assert request["id"] == asked.json()["id"] and request["units"] == ["journee"]
    assert client.delete(f"{API}/allocation-requests/{request['id']}").status_code == 204
    assert AllocationRequest.objects.get(pk=request["id"]).state == AllocationRequest.State.WITHDRAWN


def test_a_day_outside_the_window_is_refused_with_the_reason(window, centre, year, frozen_at):  # noqa: F811
    frozen_at(OPENS + timedelta(days=1))
    martin = family("Famille Martin")
    lea = enrolled(martin, "Léa", centre, year)
    body = {"child": lea.pk, "date": (WEDNESDAY + timedelta(days=14)).isoformat(), "units": ["journee"]}

    answer = client_for(parent_of(martin)).post(f"{API}/allocation-windows/{window.pk}/requests", body, format="json")

    assert answer.status_code == 422 and answer.json()["code"] == "rule"
    assert "pas dans la période" in answer.json()["message"]
    assert not AllocationRequest.objects.exists()


def test_another_household_reaches_neither_the_window_nor_the_requests(window, asking, frozen_at):  # noqa: F811
    frozen_at(OPENS + timedelta(days=1))
    households, children = asking
    request = AllocationRequest.objects.get(child=children["Ana"])
    stranger = client_for(parent_of(family("Famille Autre")))  # no child enrolled in the service
    body = {"child": children["Ana"].pk, "date": WEDNESDAY.isoformat(), "units": ["journee"]}

    assert stranger.get(f"{API}/allocation-windows").json() == []
    assert stranger.post(f"{API}/allocation-windows/{window.pk}/requests", body, format="json").status_code == 404
    assert stranger.delete(f"{API}/allocation-requests/{request.pk}").status_code == 404
    cleo = client_for(parent_of(households["Cléo"]))
    assert cleo.delete(f"{API}/allocation-requests/{request.pk}").status_code == 404
    assert AllocationRequest.objects.get(pk=request.pk).state == AllocationRequest.State.PENDING


def test_staff_run_the_allocation_with_a_seed_and_a_parent_may_not(window, asking, agent, frozen_at):  # noqa: F811
    households, _children = asking
    frozen_at(REQUESTS_UNTIL - timedelta(hours=1))
    staff = client_for(agent)

    early = staff.post(f"{API}/allocation-windows/{window.pk}/run", {"seed": 11}, format="json")
    assert early.status_code == 422 and "reçues jusqu'au" in early.json()["message"]
    frozen_at(AFTER)
    parent = client_for(parent_of(households["Ana"]))
    assert parent.post(f"{API}/allocation-windows/{window.pk}/run", {}, format="json").status_code == 403
    assert not AllocationRun.objects.exists()

    run = staff.post(f"{API}/allocation-windows/{window.pk}/run", {"seed": 11}, format="json")

    assert run.status_code == 200
    assert run.json()["seed"] == 11
    assert run.json()["days"] == [{"date": WEDNESDAY.isoformat(), "requests": 5, "allocated": 2}]
    (outcome,) = parent.get(f"{API}/allocation-windows").json()
    assert outcome["open"] is False and outcome["allocated_at"]
    assert {r["state"] for r in outcome["requests"]} == {"allocated"}
    assert all("Tirage au sort" in r["explanation"] for r in outcome["requests"])
    again = staff.post(f"{API}/allocation-windows/{window.pk}/run", {}, format="json")
    assert again.status_code == 422 and "déjà attribuées" in again.json()["message"]
