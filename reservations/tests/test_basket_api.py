"""The planning and the basket through the API, with a real client: a parent reads their household's days
(states, units, prices, each month's cost), sets a day's units in the basket, reads the recap, takes a day
out, validates (what was applied, what was refused and why, what to pay now for a service paid at booking);
never another household's basket, even of a shared child."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from catalog.calendar import PARIS
from catalog.models import Service
from conftest import CLISSON
from families.models import Decision, Dossier
from reservations.models import BasketLine, Booking
from tests.factories import ChildFactory, DossierFactory, enrol, family, parent_of

API = "/api/v1/reservations"
NOW = datetime(2026, 9, 1, 9, tzinfo=PARIS)
TUESDAY, THURSDAY = date(2026, 9, 8), date(2026, 9, 10)


def client_for(user) -> APIClient:
    client = APIClient(HTTP_HOST=CLISSON.host)
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(year, care, frozen_at):
    frozen_at(NOW)
    martin, moreau = family("Famille Martin"), family("Famille Moreau")
    lea = ChildFactory(household=martin, first_name="Léa", last_name="Martin", status=Decision.VALIDATED)
    lea.households.add(moreau)
    for household in (martin, moreau):
        enrol(lea, care, household, year)
    return {"martin": martin, "moreau": moreau, "lea": lea, "care": care}


def set_day(client, world, day, *units, child=None):
    child = child or world["lea"]
    body = {"child": child.pk, "service": world["care"].pk, "date": day.isoformat(), "units": list(units)}
    return client.post(f"{API}/basket/days", body, format="json")


def test_a_parent_reads_the_days_of_their_household_with_states_and_costs(world):
    parent = client_for(parent_of(world["martin"]))
    set_day(parent, world, TUESDAY, "matin")

    household = parent.get(f"{API}/days", {"start": "2026-09-07", "end": "2026-09-13"})
    child = parent.get(f"{API}/children/{world['lea'].pk}/days", {"start": "2026-09-07", "end": "2026-09-13"})

    assert household.status_code == 200 and child.status_code == 200
    assert household.json()["days"] == child.json()["days"]
    days = {d["date"]: d for d in household.json()["days"]}
    assert set(days) == {"2026-09-07", "2026-09-08", "2026-09-10", "2026-09-11"}  # the four school days
    tuesday = {u["code"]: u for u in days["2026-09-08"]["units"]}
    assert tuesday["matin"]["state"] == "bookable" and tuesday["matin"]["wanted"] and tuesday["matin"]["in_basket"]
    assert tuesday["matin"]["state_label"] == "réservable" and tuesday["matin"]["symbol"] == "○"
    assert days["2026-09-08"]["price"] is None  # nothing booked yet
    assert [c["month"] for c in household.json()["costs"]] == ["2026-09-01"]


def test_the_days_refuse_a_range_too_long_and_a_child_of_another_household(world):
    parent = client_for(parent_of(world["martin"]))
    other = ChildFactory(household=family("Famille Durand"))

    too_long = parent.get(f"{API}/days", {"start": "2026-09-01", "end": "2026-12-01"})
    not_mine = parent.get(f"{API}/days", {"start": "2026-09-07", "end": "2026-09-13", "child": other.pk})
    not_mine_path = parent.get(f"{API}/children/{other.pk}/days", {"start": "2026-09-07", "end": "2026-09-13"})

    assert too_long.status_code == 422 and too_long.json()["code"] == "invalid_range"
    assert not_mine.status_code == 422 and not_mine.json()["fields"].keys() == {"child"}
    assert not_mine_path.status_code == 404


def test_the_basket_shows_the_recap_and_validation_says_what_was_applied_and_refused(world):
    parent = client_for(parent_of(world["martin"]))

    created = set_day(parent, world, TUESDAY, "matin", "soir")
    set_day(parent, world, date(2026, 9, 3), "soir")
    basket = parent.get(f"{API}/basket").json()

    assert created.status_code == 201, created.json()
    assert created.json()["after"] == ["matin", "soir"] and created.json()["price"] == "4.00"
    assert [line["date"] for line in basket["lines"]] == ["2026-09-03", "2026-09-08"]
    assert [line["refusal"] for line in basket["lines"]] == ["", ""]
    assert basket["total"] == "6.00"  # 2 € a unit
    validated = parent.post(f"{API}/basket/validation")

    assert validated.status_code == 200, validated.json()
    answer = validated.json()
    assert sorted(b["unit_code"] for b in answer["booked"]) == ["matin", "soir", "soir"]
    assert answer["refused"] == [] and answer["to_pay"] == "0.00" and answer["held_until"] is None
    assert parent.get(f"{API}/basket").json() == {"lines": [], "total": "0.00"}


def test_a_day_is_refused_past_the_cutoff_with_its_reason(world):
    parent = client_for(parent_of(world["martin"]))
    set_day(parent, world, date(2026, 9, 1), "matin")  # today: past its 2 working days' notice
    recap = parent.get(f"{API}/basket").json()["lines"]

    answer = parent.post(f"{API}/basket/validation").json()

    assert recap[0]["refusal"]
    assert answer["booked"] == [] and [r["date"] for r in answer["refused"]] == ["2026-09-01"]
    assert answer["refused"][0]["reason"] == "late" and answer["refused"][0]["message"]


def test_a_day_as_booked_leaves_the_basket_and_a_day_can_be_taken_out(world):
    parent = client_for(parent_of(world["martin"]))
    set_day(parent, world, TUESDAY, "matin")
    parent.post(f"{API}/basket/validation")

    as_booked = set_day(parent, world, TUESDAY, "matin")
    line = set_day(parent, world, TUESDAY).json()  # unticking: cancel the day
    dropped = parent.delete(f"{API}/basket/days/{line['id']}")

    assert as_booked.status_code == 204 and line["before"] == ["matin"] and line["after"] == []
    assert dropped.status_code == 204 and not BasketLine.objects.exists()
    assert Booking.objects.get(date=TUESDAY).state == Booking.State.CONFIRMED


def test_a_basket_day_names_an_enrolled_day_and_the_service_s_units(world):
    parent = client_for(parent_of(world["martin"]))

    outside = set_day(parent, world, date(2028, 1, 4), "matin")
    unknown = set_day(parent, world, TUESDAY, "nuit")

    assert outside.status_code == 422 and outside.json()["fields"].keys() == {"date"}
    assert unknown.status_code == 422 and unknown.json()["fields"].keys() == {"units"}
    assert not BasketLine.objects.exists()


def test_a_shared_child_s_other_household_cannot_reach_the_basket(world):
    martin = client_for(parent_of(world["martin"]))
    moreau = client_for(parent_of(world["moreau"]))
    line = set_day(martin, world, TUESDAY, "matin").json()

    assert moreau.get(f"{API}/basket").json()["lines"] == []
    assert moreau.delete(f"{API}/basket/days/{line['id']}").status_code == 404
    assert moreau.post(f"{API}/basket/validation").json()["booked"] == []
    assert BasketLine.objects.filter(pk=line["id"]).exists()


def test_a_service_paid_at_booking_says_what_to_pay_now_and_until_when(world, care):
    Service.objects.filter(pk=care.pk).update(billing_mode=Service.BillingMode.IMMEDIATE, payment_hold_minutes=30)
    parent = client_for(parent_of(world["martin"]))
    for day in (TUESDAY, THURSDAY):
        set_day(parent, world, day, "matin", "soir")

    answer = parent.post(f"{API}/basket/validation").json()

    assert {b["state"] for b in answer["booked"]} == {"held"}
    assert Decimal(answer["to_pay"]) == Decimal("8.00")
    assert answer["held_until"] == (NOW + timedelta(minutes=30)).isoformat().replace("+02:00", "+02:00")


def test_the_validation_says_a_day_refused_for_want_of_a_validated_enrolment_or_dossier(world, care, year):
    martin = world["martin"]
    tom = ChildFactory(household=martin, first_name="Tom", status=Decision.VALIDATED)
    enrol(tom, care, martin, year, status=Decision.PENDING)  # the basket may name its days; validation refuses
    zoe = ChildFactory(household=martin, first_name="Zoé", status=Decision.VALIDATED)
    DossierFactory(child=zoe, school_year=year, status=Dossier.Status.SUBMITTED)
    enrol(zoe, care, martin, year)
    parent = client_for(parent_of(martin))
    for child in (world["lea"], tom, zoe):
        assert set_day(parent, world, TUESDAY, "matin", child=child).status_code == 201

    answer = parent.post(f"{API}/basket/validation").json()

    assert [(b["child"], b["unit_code"]) for b in answer["booked"]] == [(world["lea"].pk, "matin")]
    refused = {r["child"]: r for r in answer["refused"]}
    assert {child: r["reason"] for child, r in refused.items()} == {
        tom.pk: "not_enrolled",
        zoe.pk: "dossier_not_validated",
    }
    assert refused[tom.pk]["message"] == "L'enfant n'a pas d'inscription validée à ce service ce jour-là."
    assert refused[zoe.pk]["message"].startswith("Le dossier de l'enfant pour cette année scolaire")
    assert [r["date"] for r in answer["refused"]] == ["2026-09-08", "2026-09-08"]
    assert not Booking.objects.filter(child__in=[tom, zoe]).exists()


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_days_beyond_the_plannings_reach_are_refused_in_words(world, start):
    answer = client_for(parent_of(world["martin"])).get(f"{API}/days", {"start": start, "end": start})

    assert answer.status_code == 422
    assert "à moins de cinq ans" in answer.content.decode()
