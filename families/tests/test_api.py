"""The families API, with a real client: a parent's own data only, staff decisions, one error shape."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from conftest import CLISSON, GORGES
from core.roles import Role
from core.testing import paris
from families.models import Decision
from tests.factories import (
    ChildFactory,
    DocumentTypeFactory,
    DossierRequirementFactory,
    SchoolYearFactory,
    UserFactory,
    family,
    parent_of,
)
from tests.samples import pdf_bytes, phone_photo

API = "/api/v1/families"


def client_for(user, host: str = CLISSON.host) -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.force_authenticate(user)
    return client


@pytest.fixture
def martin(in_clisson):
    return family("Famille Martin")


def test_a_parent_declares_the_household_then_adds_a_child_and_a_pickup(in_clisson):
    client = client_for(UserFactory(role=Role.PARENT))
    body = {
        "name": "Famille Roux",
        "address": "1 rue",
        "postcode": "44190",
        "city": "Clisson",
        "resident": True,
        "first_name": "Inès",
        "last_name": "Roux",
        "phone": "0600000001",
    }

    created = client.post(f"{API}/household", body, format="json")
    child = client.post(
        f"{API}/children", {"first_name": "Léa", "last_name": "Roux", "birth_date": "2019-03-02"}, format="json"
    )
    pickup = client.post(
        f"{API}/children/{child.json()['id']}/pickups",
        {"name": "Jo", "phone": "0611111111", "relationship": "grand-mère"},
        format="json",
    )
    requests = client.get(f"{API}/requests").json()["results"]

    assert created.status_code == 201 and created.json()["status"] == "pending"
    assert child.status_code == 201 and child.json()["status"] == "pending"
    assert pickup.status_code == 201
    assert [r["kind"] for r in requests] == ["child", "household"]
    assert client.get(f"{API}/children").json()["results"][0]["pickup_persons"][0]["name"] == "Jo"


def test_documents_are_uploaded_and_listed_and_hostile_ones_explained(martin):
    client = client_for(parent_of(martin))

    photo = client.post(f"{API}/documents", {"file": SimpleUploadedFile("IMG.JPG", phone_photo())}, format="multipart")
    hostile = client.post(
        f"{API}/documents", {"file": SimpleUploadedFile("a.pdf", b"<svg onload=alert(1)>")}, format="multipart"
    )
    listed = client.get(f"{API}/documents").json()["results"]

    assert photo.status_code == 201 and photo.json()["content_type"] == "image/jpeg"
    assert hostile.status_code == 422 and hostile.json()["code"] == "type"
    assert "ni un PDF" in hostile.json()["message"]
    assert [d["original_name"] for d in listed] == ["IMG.JPG"]  # as the family named it
    with schema_context(CLISSON.slug):
        client.force_login(parent_of(martin))  # the download view is a page: it reads the session
    assert client.get(listed[0]["download_url"]).status_code == 200


def test_a_parent_cannot_reach_another_households_data(martin):
    other = family("Famille Durand")
    their_child = ChildFactory(household=other)
    client = client_for(parent_of(martin))

    assert client.get(f"{API}/children/{their_child.pk}").status_code == 404
    assert client.patch(f"{API}/children/{their_child.pk}", {"allergies": "x"}, format="json").status_code == 404
    assert client.post(f"{API}/children/{their_child.pk}/pickups", {}, format="json").status_code == 404
    assert client.get(f"{API}/children").json()["results"] == []
    assert client.get(f"{API}/staff/requests").status_code == 403


def test_staff_decide_by_api_and_animators_cannot(martin):
    request_id = martin.requests.get().pk
    animator = client_for(UserFactory(role=Role.ANIMATOR))
    agent = client_for(UserFactory(role=Role.ADMINISTRATOR))

    assert animator.get(f"{API}/staff/requests").status_code == 403
    no_reason = agent.post(f"{API}/staff/requests/{request_id}/decision", {"accept": False}, format="json")
    decided = agent.post(f"{API}/staff/requests/{request_id}/decision", {"accept": True}, format="json")

    assert no_reason.status_code == 422 and no_reason.json()["fields"]["reason"]
    assert decided.status_code == 200 and decided.json()["status"] == Decision.VALIDATED


def test_another_communes_account_is_unknown_here(martin, gorges):
    with schema_context(GORGES.slug):
        stranger = UserFactory(role=Role.ADMINISTRATOR)
    client = APIClient(HTTP_HOST=CLISSON.host)
    with schema_context(GORGES.slug):
        client.force_login(stranger)  # a session of Gorges, replayed on Clisson

    assert client.get(f"{API}/staff/requests").status_code in (401, 403)


def test_the_openapi_schema_documents_the_families_api(in_clisson):
    schema = APIClient(HTTP_HOST=CLISSON.host).get("/api/schema/").content.decode()

    for path in ("/api/v1/families/household", "/api/v1/families/documents", "/api/v1/families/dossiers"):
        assert path in schema
    assert "/api/v1/families/staff/requests/{id}/decision" in schema


def test_a_dossier_filled_and_sent_by_api_then_reviewed_by_api(martin, frozen_at):
    from datetime import date

    from catalog.models import SchoolYear
    from families.models import DossierRequirement

    frozen_at(paris(2026, 8, 20))
    DossierRequirement.objects.all().delete()
    SchoolYear.objects.filter(name="2026-2027").delete()
    year = SchoolYearFactory(name="2026-2027", start=date(2026, 9, 1), end=date(2027, 7, 6))
    DossierRequirementFactory(label="Vaccins", kind="document", document_type=DocumentTypeFactory(name="Vaccins API"))
    DossierRequirementFactory(label="Règlement", kind="acceptance")
    child = ChildFactory(household=martin, status=Decision.VALIDATED)
    parent, agent = client_for(parent_of(martin)), client_for(UserFactory(role=Role.ADMINISTRATOR))

    opened = parent.post(f"{API}/children/{child.pk}/dossiers", {"school_year": year.pk}, format="json").json()
    items = {item["label"]: item["id"] for item in opened["items"]}
    too_early = parent.post(f"{API}/dossiers/{opened['id']}/submit")
    parent.post(
        f"{API}/dossiers/{opened['id']}/items/{items['Vaccins']}",
        {"file": SimpleUploadedFile("vaccins.jpg", phone_photo())},
        format="multipart",
    )
    parent.post(f"{API}/dossiers/{opened['id']}/items/{items['Règlement']}", {"answer": True}, format="json")
    sent = parent.post(f"{API}/dossiers/{opened['id']}/submit")
    waiting = agent.get(f"{API}/staff/dossiers").json()["results"]
    reviewed = agent.post(
        f"{API}/staff/dossiers/{opened['id']}/review",
        {"items": [{"id": pk, "accept": True} for pk in items.values()]},
        format="json",
    )

    assert too_early.status_code == 422 and "Il manque" in too_early.json()["message"]
    assert sent.json()["status"] == "submitted" and [d["id"] for d in waiting] == [opened["id"]]
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "validated"


def test_qf_and_guardian_requests_by_api(martin, django_capture_on_commit_callbacks):
    client = client_for(parent_of(martin))

    qf = client.post(
        f"{API}/requests/qf",
        {"qf": 640, "source": "caf", "valid_from": "2026-01-01", "proof": SimpleUploadedFile("caf.pdf", pdf_bytes())},
        format="multipart",
    )
    with django_capture_on_commit_callbacks(execute=True):
        guardian = client.post(
            f"{API}/guardians",
            {"first_name": "Sam", "last_name": "Martin", "email": "sam@example.test", "phone": "0611111111"},
            format="json",
        )

    assert qf.status_code == 201 and qf.json()["kind"] == "qf"
    assert guardian.status_code == 201 and guardian.json()["has_account"] is True


def test_a_document_cannot_be_filed_under_another_households_child(martin):
    stranger_child = ChildFactory(household=family("Famille Durand"))
    client = client_for(parent_of(martin))

    response = client.post(
        f"{API}/documents",
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes()), "child": stranger_child.pk},
        format="multipart",
    )

    assert response.status_code == 422 and response.json()["fields"].keys() == {"child"}


def test_a_request_about_no_child_has_a_null_child_as_the_schema_says(martin):
    agent = client_for(UserFactory(role=Role.ADMINISTRATOR))

    waiting = agent.get(f"{API}/staff/requests").json()["results"]
    schema = yaml.safe_load(agent.get("/api/schema/").content)["components"]["schemas"]["ChangeRequest"]

    assert [(r["kind"], r["child"]) for r in waiting] == [("household", None)]
    assert schema["properties"]["child"]["nullable"] is True


def test_a_parent_without_household_gets_409_no_household(in_clisson):
    client = client_for(UserFactory(role=Role.PARENT))

    response = client.get(f"{API}/children")

    assert response.status_code == 409
    assert response.json() == {"code": "no_household", "message": "Déclarez d'abord votre foyer.", "fields": {}}


def test_a_guardian_without_account_has_account_false(martin, django_capture_on_commit_callbacks):
    client = client_for(parent_of(martin))

    guardian = client.post(
        f"{API}/guardians",
        {"first_name": "Sam", "last_name": "Martin", "email": "sam@example.test", "phone": "0611111111"}
        | {"with_account": False},
    )

    assert guardian.status_code == 201 and guardian.json()["has_account"] is False
