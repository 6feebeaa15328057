"""Absences through the API, with a real client: a parent reads the service's reasons, reports an absence
with its certificate (multipart) or without and adds it later, is told why a report is refused; the mairie
decides; never another household's absence, never the decision for a parent."""

from rest_framework.test import APIClient

from conftest import CLISSON
from reservations.models import Absence
from reservations.tests.test_absence_pages import certificate_file
from reservations.tests.test_absences import (  # noqa: F401
    MONDAY,
    THURSDAY,
    TUESDAY,
    family_reason,
    illness,
    lea_of,
    martin,
    report,
)
from tests.factories import family, parent_of

API = "/api/v1/reservations"


def client_for(user) -> APIClient:
    client = APIClient(HTTP_HOST=CLISSON.host)
    client.force_authenticate(user)
    return client


def test_a_parent_reads_the_reasons_reports_with_the_certificate_and_lists_it(martin, illness, family_reason):  # noqa: F811
    client = client_for(parent_of(martin))
    reasons = client.get(f"{API}/absence-reasons", {"service": illness.service_id}).json()["results"]
    assert [(r["label"], r["needs_proof"]) for r in reasons] == [(illness.label, True), (family_reason.label, False)]
    body = {
        "child": lea_of(martin).pk,
        "service": illness.service_id,
        "reason": illness.pk,
        "first_day": MONDAY.isoformat(),
        "last_day": TUESDAY.isoformat(),
        "note": "Varicelle",
        "proof": certificate_file(),
    }

    answer = client.post(f"{API}/absences", body, format="multipart")

    assert answer.status_code == 201
    reported = answer.json()
    assert (reported["state"], reported["reason_label"], reported["note"]) == ("reported", illness.label, "Varicelle")
    assert reported["proof_name"] == "certificat.pdf" and reported["proof_due"] is None
    assert [(d["date"], d["unit_code"]) for d in reported["bookings"]] == [
        (day.isoformat(), code) for day in (MONDAY, TUESDAY) for code in ("matin", "soir")
    ]
    assert [a["id"] for a in client.get(f"{API}/absences").json()] == [reported["id"]]


def test_the_certificate_follows_and_the_mairie_decides(martin, illness, agent):  # noqa: F811
    client = client_for(parent_of(martin))
    body = {"child": lea_of(martin).pk, "service": illness.service_id, "reason": illness.pk, "first_day": MONDAY}

    reported = client.post(f"{API}/absences", body, format="json").json()
    assert reported["proof"] is None and reported["proof_due"] and reported["last_day"] == MONDAY.isoformat()
    added = client.post(f"{API}/absences/{reported['id']}/proof", {"proof": certificate_file()}, format="multipart")
    assert added.status_code == 200 and added.json()["proof_name"] == "certificat.pdf"
    again = client.post(f"{API}/absences/{reported['id']}/proof", {"proof": certificate_file()}, format="multipart")
    assert again.status_code == 422 and "déjà joint" in again.json()["message"]

    staff = client_for(agent)
    refused = staff.post(f"{API}/absences/{reported['id']}/decision", {"justified": False}, format="json")
    assert refused.status_code == 422 and refused.json()["fields"].keys() == {"note"}
    decided = staff.post(f"{API}/absences/{reported['id']}/decision", {"justified": True}, format="json")
    assert decided.status_code == 200 and decided.json()["state"] == "justified"
    assert Absence.objects.get(pk=reported["id"]).decided_by == agent


def test_a_report_the_rules_refuse_says_why(martin, illness):  # noqa: F811
    body = {
        "child": lea_of(martin).pk,
        "service": illness.service_id,
        "reason": illness.pk,
        "first_day": THURSDAY.isoformat(),
        "last_day": MONDAY.isoformat(),
    }

    answer = client_for(parent_of(martin)).post(f"{API}/absences", body, format="json")

    assert answer.status_code == 422 and answer.json()["code"] == "rule"
    assert answer.json()["fields"]["last_day"] == ["Le dernier jour d'absence ne peut précéder le premier."]
    assert not Absence.objects.exists()


def test_another_households_absence_is_404_and_the_decision_403_to_a_parent(martin, illness):  # noqa: F811
    absence = report(martin, illness)
    durand = client_for(parent_of(family("Famille Durand")))
    body = {"child": lea_of(martin).pk, "service": illness.service_id, "reason": illness.pk, "first_day": MONDAY}

    assert durand.get(f"{API}/absences").json() == []
    proof = durand.post(f"{API}/absences/{absence.pk}/proof", {"proof": certificate_file()}, format="multipart")
    assert proof.status_code == 404
    reported = durand.post(f"{API}/absences", body, format="json")  # Léa is not of their household
    assert reported.status_code == 422 and reported.json()["fields"].keys() == {"child"}
    own = client_for(parent_of(martin))
    decision = own.post(f"{API}/absences/{absence.pk}/decision", {"justified": True}, format="json")
    assert decision.status_code == 403
    absence.refresh_from_db()
    assert (absence.state, absence.proof) == (Absence.State.REPORTED, None)
