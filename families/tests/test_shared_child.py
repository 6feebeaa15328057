"""A child of separated parents attached to two households: both see and update the child and the dossier;
neither sees the other's address, phones, QF, pick-up persons or documents."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from catalog.models import SchoolYear
from conftest import CLISSON, signed_in
from core.roles import Role
from families.models import Child, Decision, Guardian
from families.services import child_link, dossier_fill, dossier_open, dossier_review, dossier_submit
from tests.factories import ChildFactory, DocumentFactory, PickupPersonFactory, UserFactory, family, parent_of
from tests.samples import pdf_bytes


@pytest.fixture
def agent(in_clisson):
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.fixture
def separated(agent):
    """Household A (Martin, the child's first) and household B (Moreau), the child linked to both by staff."""
    martin, moreau = family("Famille Martin"), family("Famille Moreau")
    Guardian.objects.filter(household=moreau).update(phone="07 99 99 99 99")
    moreau.address = "8 rue du Moulin"
    moreau.save(update_fields=["address"])
    child = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)
    staff = signed_in(agent)
    linked = staff.post(f"/gestion/familles/foyers/{moreau.pk}/rattacher/", {"child": child.pk})
    assert linked.status_code == 302
    return martin, moreau, child


def test_staff_find_the_child_by_name_and_link_it_once(agent, separated):
    martin, moreau, child = separated
    staff = signed_in(agent)

    page = staff.get(f"/gestion/familles/foyers/{moreau.pk}/", {"enfant": "Léa"}).content.decode()

    assert set(child.households.all()) == {martin, moreau}
    assert "Aussi rattaché(e) au foyer" in page and "Famille Martin" in page
    with pytest.raises(ValidationError, match="déjà rattaché"):
        child_link(actor=agent, child=child, household=moreau)
    with pytest.raises(ValidationError):
        child_link(actor=parent_of(moreau), child=child, household=family("Famille Tierce"))


def test_both_households_see_and_update_the_child(separated):
    martin, moreau, child = separated
    a, b = signed_in(parent_of(martin)), signed_in(parent_of(moreau))

    b.post(f"/famille/enfants/{child.pk}/", {"child-allergies": "arachide", "child-diet": "", "child-school": ""})

    assert "Léa" in a.get("/famille/").content.decode() and "Léa" in b.get("/famille/").content.decode()
    assert Child.objects.get(pk=child.pk).allergies == "arachide"
    assert "arachide" in a.get(f"/famille/enfants/{child.pk}/").content.decode()


def test_neither_household_sees_the_others_address_phones_pickups_or_documents(separated):
    martin, moreau, child = separated
    theirs = PickupPersonFactory(child=child, household=moreau, name="Oncle Paul")
    mine = PickupPersonFactory(child=child, household=martin, name="Mamie Jeanne")
    moreau_document = DocumentFactory(household=moreau)
    a = signed_in(parent_of(martin))

    pages = a.get("/famille/").content.decode() + a.get(f"/famille/enfants/{child.pk}/").content.decode()

    assert "Mamie Jeanne" in pages
    for secret in ("Oncle Paul", "8 rue du Moulin", "07 99 99 99 99", "Famille Moreau"):
        assert secret not in pages
    assert a.post(f"/famille/personnes-autorisees/{theirs.pk}/retirer/").status_code == 404
    assert a.get(f"/documents/{moreau_document.pk}/").status_code == 404
    api = APIClient(HTTP_HOST=CLISSON.host)
    api.force_authenticate(parent_of(martin))
    listed = api.get("/api/v1/families/children").json()["results"]
    assert [p["name"] for p in listed[0]["pickup_persons"]] == [mine.name]
    assert api.delete(f"/api/v1/families/pickups/{theirs.pk}").status_code == 404


def test_the_dossier_is_shared_and_both_households_hear_of_the_decision(
    separated, agent, django_capture_on_commit_callbacks
):
    martin, moreau, child = separated
    year = SchoolYear.objects.get_or_create(
        name="2026-2027", defaults={"start": date(2026, 9, 1), "end": date(2027, 7, 6)}
    )[0]
    by_moreau = {"actor": parent_of(moreau), "household": moreau}
    dossier = dossier_open(**by_moreau, child=child, school_year=year)
    uploads = {
        item.pk: (io.BytesIO(pdf_bytes()), f"{item}.pdf")
        for item in dossier.items.all()
        if item.requirement.document_type
    }
    answers = {item.pk: True for item in dossier.items.all() if not item.requirement.document_type}
    dossier_fill(**by_moreau, dossier=dossier, answers=answers, uploads=uploads)
    dossier_submit(**by_moreau, dossier=dossier)
    piece = dossier.items.exclude(document=None).first().document

    a = signed_in(parent_of(martin))
    assert a.get(f"/famille/enfants/{child.pk}/dossier/{year.pk}/").status_code == 200
    assert a.get(f"/documents/{piece.pk}/").status_code in (200, 302)  # a piece of the shared dossier
    with django_capture_on_commit_callbacks(execute=True):
        dossier_review(dossier=dossier, actor=agent, decisions={i.pk: (True, "") for i in dossier.items.all()})

    # Each guardian gets an e-mail of their own (in their language).
    recipients = [message.to for message in mail.outbox if message.subject.startswith("[Clisson] Dossier validé")]
    assert sorted(recipients) == sorted([[parent_of(martin).email], [parent_of(moreau).email]])


def test_a_child_declared_again_by_the_other_parent_is_matched_by_staff(agent, django_capture_on_commit_callbacks):
    martin, moreau = family("Famille Martin"), family("Famille Moreau")
    known = ChildFactory(household=martin, first_name="Léa", last_name="Martin", status=Decision.VALIDATED)
    b = signed_in(parent_of(moreau))
    b.post("/famille/enfants/ajouter/", {"first_name": "Léa", "last_name": "Martin", "birth_date": "2018-05-04"})
    request = moreau.requests.get(kind="child")
    staff = signed_in(agent)

    page = staff.get(f"/gestion/familles/demandes/{request.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        matched = staff.post(f"/gestion/familles/demandes/{request.pk}/meme-enfant/", {"child": known.pk})

    assert "Un enfant du même nom et de la même date de naissance est déjà connu" in page
    assert matched.status_code == 302
    assert set(known.households.all()) == {martin, moreau}
    assert Child.objects.filter(first_name="Léa").count() == 1
    request.refresh_from_db()
    assert request.status == Decision.VALIDATED and request.child == known
    assert mail.outbox[-1].to == [parent_of(moreau).email]
