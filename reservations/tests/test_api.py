"""The reservations API, with a real client: a parent asks to enrol their own child (JSON, or multipart with
the pieces the service asks for) and reads their household's enrolments and bookings only, a shared child's
included; the family staff read every household's and decide, the answer saying what was booked and which
days were full."""

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from catalog.calendar import PARIS
from catalog.models import CutoffRule, Service
from catalog.selectors import services_with_rules
from conftest import CLISSON
from core.roles import Role
from families.models import Decision
from reservations.models import Booking, Enrolment, EnrolmentRequirement
from reservations.services import Channel, DayRequest, bookings_take
from tests.factories import (
    ChildFactory,
    CutoffRuleFactory,
    DocumentTypeFactory,
    SchoolYearFactory,
    ServiceFactory,
    TariffFactory,
    UserFactory,
    bracket,
    family,
    parent_of,
)
from tests.samples import pdf_bytes

API = "/api/v1/reservations"
SEPTEMBER = datetime(2026, 9, 1, 9, tzinfo=PARIS)
WEDNESDAYS = [date(2026, 9, 9), date(2026, 9, 16), date(2026, 9, 23)]


def client_for(user) -> APIClient:
    client = APIClient(HTTP_HOST=CLISSON.host)
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(in_clisson, frozen_at):
    """Wednesdays of September 2026 with one place; household Martin's Léa, whom household Moreau shares,
    and household Durand's Hugo."""
    frozen_at(SEPTEMBER)
    year = SchoolYearFactory()
    service = ServiceFactory(name="Mercredis", kind=Service.Kind.WEDNESDAY_CENTRE, weekdays=[2], capacity=1)
    bracket(TariffFactory(service=service), 0, None, "9.00")
    martin, moreau, durand = family("Famille Martin"), family("Famille Moreau"), family("Famille Durand")
    lea = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    lea.households.add(moreau)
    hugo = ChildFactory(household=durand, first_name="Hugo", last_name="Durand", status=Decision.VALIDATED)
    return {
        "year": year,
        "service": service,
        "martin": martin,
        "moreau": moreau,
        "durand": durand,
        "lea": lea,
        "hugo": hugo,
        "agent": UserFactory(role=Role.ADMINISTRATOR),
    }


def ask(world, household="martin", child="lea", **body):
    body = {
        "child": world[child].pk,
        "service": world["service"].pk,
        "school_year": world["year"].pk,
        "start": "2026-09-07",
        "end": "2026-09-27",
        "week": {"2": ["repas"]},
        **body,
    }
    return client_for(parent_of(world[household])).post(f"{API}/enrolments", body, format="json")


def book(world, child: str, household: str, day: date, **options) -> list[Booking]:
    service = services_with_rules().get(pk=world["service"].pk)
    request = DayRequest(world[child], world[household], service, day, frozenset({"repas"}))
    return bookings_take(actor=None, requests=[request], channel=Channel.COUNTER, now=SEPTEMBER, **options).changed


def test_a_parent_asks_for_an_enrolment_and_reads_it_back(world):
    asked = ask(world)
    parent = client_for(parent_of(world["martin"]))
    listed = parent.get(f"{API}/enrolments").json()
    detail = parent.get(f"{API}/enrolments/{asked.json()['id']}")

    assert asked.status_code == 201, asked.json()
    assert asked.json() | {"id": 0, "requested_at": ""} == {
        "id": 0,
        "child": world["lea"].pk,
        "child_name": "Léa Martin",
        "household": world["martin"].pk,
        "household_name": "Famille Martin",
        "service": world["service"].pk,
        "service_name": "Mercredis",
        "school_year": world["year"].pk,
        "school_year_name": "2026-2027",
        "start": "2026-09-07",
        "end": "2026-09-27",
        "week": {"2": ["repas"]},
        "recurrence": "weekly",
        "anchor": None,
        "status": "pending",
        "reason": "",
        "requested_at": "",
        "decided_at": None,
        "ended_on": None,
        "pieces": [],
    }
    assert listed["count"] == 1 and listed["results"][0]["id"] == asked.json()["id"]
    assert detail.status_code == 200 and detail.json() == asked.json()


def test_a_request_follows_the_schema_or_a_rule_refuses_it(world):
    for body, field in (({"week": {"7": ["repas"]}}, "week"), ({"week": {"2": "repas"}}, "week"), ({"end": 3}, "end")):
        refused = ask(world, **body)
        assert refused.status_code == 400 and field in refused.json()["fields"], (body, refused.json())

    not_theirs = ask(world, child="hugo")
    no_service = ask(world, service=999_999)
    closed_day = ask(world, week={"1": ["repas"]})
    unknown_unit = ask(world, week={"2": ["gouter"]})
    backwards = ask(world, start="2026-09-20", end="2026-09-10")
    alternate = ask(world, recurrence="alternate")

    assert not_theirs.status_code == 422 and not_theirs.json()["fields"].keys() == {"child"}
    assert no_service.status_code == 422 and no_service.json()["fields"].keys() == {"service"}
    assert closed_day.status_code == 422 and "n'a pas lieu ce jour" in closed_day.json()["message"]
    assert unknown_unit.status_code == 422 and unknown_unit.json()["fields"].keys() == {"week"}
    assert backwards.status_code == 422 and backwards.json()["fields"].keys() == {"end"}
    assert alternate.status_code == 422 and alternate.json()["fields"].keys() == {"anchor"}
    assert not Enrolment.objects.exists()


def test_the_pieces_a_service_asks_for_come_in_a_multipart_request(world):
    insurance = EnrolmentRequirement.objects.create(
        service=world["service"], document_type=DocumentTypeFactory(name="Assurance")
    )
    other = EnrolmentRequirement.objects.create(
        service=ServiceFactory(), document_type=DocumentTypeFactory(name="Autre")
    )
    parent = client_for(parent_of(world["martin"]))
    form = {
        "child": world["lea"].pk,
        "service": world["service"].pk,
        "school_year": world["year"].pk,
        "week": json.dumps({"2": ["repas"]}),
    }

    def pdf():
        return SimpleUploadedFile("assurance.pdf", pdf_bytes(), content_type="application/pdf")

    listed = parent.get(f"{API}/enrolment-requirements", {"service": world["service"].pk}).json()["results"]
    as_json = ask(world)
    without = parent.post(f"{API}/enrolments", form, format="multipart")
    mismatched = parent.post(f"{API}/enrolments", {**form, "pieces": [pdf()]}, format="multipart")
    elsewhere = parent.post(
        f"{API}/enrolments", {**form, "requirements": [other.pk], "pieces": [pdf()]}, format="multipart"
    )
    no_pdf = parent.post(
        f"{API}/enrolments",
        {**form, "requirements": [insurance.pk], "pieces": [SimpleUploadedFile("a.pdf", b"<svg/>")]},
        format="multipart",
    )
    sent = parent.post(
        f"{API}/enrolments", {**form, "requirements": [insurance.pk], "pieces": [pdf()]}, format="multipart"
    )

    assert [(r["id"], r["document_type_name"]) for r in listed] == [(insurance.pk, "Assurance")]
    assert as_json.status_code == 422 and "Pièces manquantes : Assurance" in as_json.json()["message"]
    assert without.status_code == 422 and without.json()["fields"].keys() == {"pieces"}
    assert mismatched.status_code == 422 and mismatched.json()["fields"].keys() == {"pieces"}
    assert elsewhere.status_code == 422 and elsewhere.json()["fields"].keys() == {"requirements"}
    assert no_pdf.status_code == 422 and no_pdf.json()["code"] == "type"
    assert sent.status_code == 201, sent.json()
    assert sent.json()["week"] == {"2": ["repas"]}
    assert [p["requirement"] for p in sent.json()["pieces"]] == [insurance.pk]


def test_staff_validate_and_the_answer_says_what_was_booked_and_which_days_were_full(world):
    enrolment_id = ask(world).json()["id"]
    book(world, "hugo", "durand", WEDNESDAYS[1])  # the one place of the 16th
    agent = client_for(world["agent"])

    decided = agent.post(f"{API}/enrolments/{enrolment_id}/decision", {"accept": True}, format="json")
    again = agent.post(f"{API}/enrolments/{enrolment_id}/decision", {"accept": True}, format="json")

    assert decided.status_code == 200, decided.json()
    body = decided.json()
    assert body["enrolment"]["status"] == "validated"
    assert [(b["date"], b["unit_code"], b["state"], b["source"]) for b in body["booked"]] == [
        ("2026-09-09", "repas", "confirmed", "enrolment"),
        ("2026-09-23", "repas", "confirmed", "enrolment"),
    ]
    assert body["full_days"] == ["2026-09-16"]
    assert [(d["date"], d["reason"]) for d in body["refused_days"]] == [("2026-09-16", "full")]
    assert body["refused_days"][0]["message"] == "Il n'y a plus de place ce jour-là."
    assert again.status_code == 422 and again.json()["code"] == "rule"


def test_a_refusal_needs_a_reason_and_only_family_staff_decide(world):
    enrolment_id = ask(world).json()["id"]
    url = f"{API}/enrolments/{enrolment_id}/decision"

    by_parent = client_for(parent_of(world["martin"])).post(url, {"accept": True}, format="json")
    by_manager = client_for(UserFactory(role=Role.SERVICE_MANAGER)).post(url, {"accept": True}, format="json")
    no_reason = client_for(world["agent"]).post(url, {"accept": False}, format="json")
    refused = client_for(UserFactory(role=Role.FINANCE)).post(
        url, {"accept": False, "reason": "Dossier incomplet"}, format="json"
    )
    missing = client_for(world["agent"]).post(f"{API}/enrolments/999999/decision", {"accept": True}, format="json")

    assert by_parent.status_code == 403 and by_manager.status_code == 403
    assert no_reason.status_code == 422 and no_reason.json()["fields"].keys() == {"reason"}
    assert refused.status_code == 200 and refused.json()["enrolment"]["status"] == "refused"
    assert refused.json()["enrolment"]["reason"] == "Dossier incomplet" and refused.json()["booked"] == []
    assert missing.status_code == 404


def test_each_household_reads_its_own_enrolments_and_bookings_of_a_shared_child(world):
    ours = ask(world).json()["id"]
    theirs = ask(world, household="moreau", start="2026-09-28", end="2026-10-11").json()["id"]
    hugo = ask(world, household="durand", child="hugo", start="2026-10-12", end="2026-10-18").json()["id"]
    martin_booking = book(world, "lea", "martin", WEDNESDAYS[0])[0]
    moreau_booking = book(world, "lea", "moreau", WEDNESDAYS[1])[0]
    book(world, "hugo", "durand", WEDNESDAYS[2])
    martin, moreau = client_for(parent_of(world["martin"])), client_for(parent_of(world["moreau"]))
    finance = client_for(UserFactory(role=Role.FINANCE))

    assert [e["id"] for e in martin.get(f"{API}/enrolments").json()["results"]] == [ours]
    assert [e["id"] for e in moreau.get(f"{API}/enrolments").json()["results"]] == [theirs]
    assert martin.get(f"{API}/enrolments/{theirs}").status_code == 404
    assert moreau.get(f"{API}/enrolments/{ours}").status_code == 404
    assert [b["id"] for b in martin.get(f"{API}/bookings").json()["results"]] == [martin_booking.pk]
    assert [b["id"] for b in moreau.get(f"{API}/bookings").json()["results"]] == [moreau_booking.pk]
    assert {e["id"] for e in finance.get(f"{API}/enrolments").json()["results"]} == {ours, theirs, hugo}
    assert finance.get(f"{API}/bookings").json()["count"] == 3
    assert finance.get(f"{API}/enrolments/{ours}").status_code == 200
    assert client_for(UserFactory(role=Role.ANIMATOR)).get(f"{API}/bookings").status_code == 403
    by_staff = client_for(UserFactory(role=Role.ADMINISTRATOR)).post(f"{API}/enrolments", {}, format="json")
    assert by_staff.status_code == 403


def test_a_parent_without_a_household_is_told_to_declare_it(world):
    newcomer = client_for(UserFactory(role=Role.PARENT))

    assert newcomer.get(f"{API}/bookings").json()["code"] == "no_household"
    assert newcomer.get(f"{API}/enrolments").status_code == 409


def test_bookings_are_filtered_and_name_their_unit_state_source_and_late_price(world):
    CutoffRuleFactory(
        service=world["service"], amount=2, late_price=CutoffRule.LatePrice.FIXED, late_amount=Decimal("4")
    )
    late = book(world, "lea", "martin", date(2026, 9, 2))[0]  # the next day: past the 2 working days
    on_time = book(world, "hugo", "durand", WEDNESDAYS[0])[0]
    Booking.objects.filter(pk=on_time.pk).update(state=Booking.State.CANCELLED)
    finance = client_for(UserFactory(role=Role.FINANCE))

    def ids(**query):
        answer = finance.get(f"{API}/bookings", query)
        assert answer.status_code == 200, answer.json()
        return [b["id"] for b in answer.json()["results"]]

    (late_row,) = finance.get(f"{API}/bookings", {"child": world["lea"].pk}).json()["results"]
    assert late_row | {"id": 0, "created": ""} == {
        "id": 0,
        "child": world["lea"].pk,
        "child_name": "Léa Martin",
        "household": world["martin"].pk,
        "service": world["service"].pk,
        "unit": late.unit_id,
        "unit_code": "repas",
        "date": "2026-09-02",
        "state": "confirmed",
        "source": "counter",
        "late_price": "fixed",
        "late_amount": "4.00",
        "enrolment": None,
        "created": "",
    }
    assert ids(child=world["hugo"].pk) == [on_time.pk]
    assert ids(service=world["service"].pk) == [late.pk, on_time.pk]
    assert ids(start="2026-09-03") == [on_time.pk] and ids(end="2026-09-08") == [late.pk]
    assert ids(start="2026-09-01", end="2026-09-30", state="cancelled") == [on_time.pk]
    assert ids(service=world["service"].pk + 1) == []
    for query in ({"day": "2026-09-02"}, {"state": "booked"}, {"start": "2 septembre"}, {"child": ""}):
        refused = finance.get(f"{API}/bookings", query)
        assert refused.status_code == 400 and refused.json()["code"] == "invalid", query


def test_the_openapi_schema_documents_the_reservations_api(world):
    schema = yaml.safe_load(APIClient(HTTP_HOST=CLISSON.host).get("/api/schema/").content)
    request = schema["paths"][f"{API}/enrolments"]["post"]

    assert {f"{API}/enrolments/{{id}}/decision", f"{API}/bookings", f"{API}/enrolment-requirements"} <= set(
        schema["paths"]
    )
    assert set(request["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"201", "400", "403", "409", "415", "422"} <= set(request["responses"])
    assert client_for(world["agent"]).get(f"{API}/bookings/").json()["code"] == "not_found"
