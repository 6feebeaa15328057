"""Every staff page and API endpoint of families refuses parents, animators and (for now) service managers;
a parent's dossier URLs never open another household's dossier."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from catalog.models import SchoolYear
from conftest import signed_in
from core.roles import Role
from families.models import Decision, Dossier, DossierItem
from tests.factories import (
    ChildFactory,
    DocumentFactory,
    DossierFactory,
    DossierRequirementFactory,
    UserFactory,
    family,
    parent_of,
)

API = "/api/v1/families"


@pytest.fixture
def records(in_clisson):
    household = family("Famille Martin")
    year, _created = SchoolYear.objects.get_or_create(
        name="2030-2031", defaults={"start": date(2030, 9, 1), "end": date(2031, 7, 5)}
    )
    child = ChildFactory(household=household, status=Decision.VALIDATED)
    dossier = DossierFactory(child=child, school_year=year, status=Dossier.Status.SUBMITTED)
    requirement = DossierRequirementFactory(label="Droit à l'image (test)", kind="authorisation")
    DossierItem.objects.create(dossier=dossier, requirement=requirement)
    document = DocumentFactory(household=household)
    return {"household": household, "child": child, "dossier": dossier, "document": document, "year": year}


def staff_pages(r) -> list[str]:
    return [
        "/gestion/familles/",
        f"/gestion/familles/demandes/{r['household'].requests.get().pk}/",
        f"/gestion/familles/documents/{r['document'].pk}/",
        f"/gestion/familles/foyers/{r['household'].pk}/",
        f"/gestion/familles/foyers/{r['household'].pk}/guichet/",
        "/gestion/familles/foyers/nouveau/",
        f"/gestion/familles/dossiers/{r['dossier'].pk}/",
        "/gestion/familles/pieces/",
    ]


def staff_api(r) -> list[str]:
    return [
        f"{API}/staff/requests",
        f"{API}/staff/requests/{r['household'].requests.get().pk}/decision",
        f"{API}/staff/documents/{r['document'].pk}/review",
        f"{API}/staff/dossiers",
        f"{API}/staff/dossiers/{r['dossier'].pk}/review",
    ]


@pytest.mark.parametrize("role", [Role.PARENT, Role.ANIMATOR, Role.SERVICE_MANAGER])
def test_staff_pages_and_api_refuse_other_roles(records, role):
    user = UserFactory(role=role)
    page_client, api_client = signed_in(user), APIClient(HTTP_HOST="clisson.localhost")
    api_client.force_authenticate(user)

    for url in staff_pages(records):
        assert page_client.get(url).status_code in (403, 405), url
        assert page_client.post(url, {"decision": "accept"}).status_code in (403, 405), url
    for url in staff_api(records):
        assert api_client.post(url, {"accept": True, "items": []}, format="json").status_code == 403, url
    records["dossier"].refresh_from_db()
    assert records["dossier"].status == Dossier.Status.SUBMITTED
    assert records["household"].requests.get().status == Decision.PENDING


def test_a_parent_never_opens_another_households_dossier(records):
    stranger = family("Famille Durand")
    client = signed_in(parent_of(stranger))
    api = APIClient(HTTP_HOST="clisson.localhost")
    api.force_authenticate(parent_of(stranger))
    child, dossier, year = records["child"], records["dossier"], records["year"]

    assert client.get(f"/famille/enfants/{child.pk}/dossier/{year.pk}/").status_code == 404
    assert client.post(f"/famille/enfants/{child.pk}/dossier/{year.pk}/", {"action": "open"}).status_code == 404
    assert api.post(f"{API}/children/{child.pk}/dossiers", {"school_year": year.pk}, format="json").status_code == 404
    item = dossier.items.get()  # a real item of the other household's dossier: only the owner check says no
    own_item_url = f"{API}/dossiers/{dossier.pk}/items/{item.pk}"
    assert api.post(own_item_url, {"answer": True}, format="json").status_code == 404
    item.refresh_from_db()
    assert item.answer is None
    assert api.post(f"{API}/dossiers/{dossier.pk}/submit").status_code == 404
    assert api.get(f"{API}/dossiers").json()["results"] == []
