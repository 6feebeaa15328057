"""The parent's pages and the mairie's queues, as a browser posts them; nobody reaches another household."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from conftest import GORGES, signed_in
from core.roles import Role
from families.models import ChangeRequest, Child, Decision, Household, PickupPerson
from storage.models import Document
from tests.factories import ChildFactory, DocumentFactory, PickupPersonFactory, UserFactory, family, parent_of
from tests.samples import pdf_bytes, phone_photo


@pytest.fixture
def martin(in_clisson) -> Household:
    return family("Famille Martin")


@pytest.fixture
def parent(martin):
    return signed_in(parent_of(martin))


def test_a_parent_without_household_is_asked_to_declare_it(in_clisson):
    client = signed_in(UserFactory(role=Role.PARENT))

    first = client.get("/famille/")
    missing = client.post("/famille/creer/", {"name": "Famille Roux", "postcode": "443"})
    done = client.post(
        "/famille/creer/",
        {
            "name": "Famille Roux",
            "first_name": "Inès",
            "last_name": "Roux",
            "phone": "06 00 00 00 01",
            "address": "2 place de l'Église",
            "postcode": "44190",
            "city": "Clisson",
            "resident": "on",
        },
    )

    assert first.status_code == 302 and first.url == "/famille/creer/"
    assert "Un code postal a 5 chiffres." in missing.content.decode()
    assert done.status_code == 302 and done.url == "/famille/"
    dashboard = client.get("/famille/").content.decode()
    assert "Famille Roux" in dashboard and "Création du foyer" in dashboard and "En attente" in dashboard


def test_parent_adds_a_child_and_a_pickup_person(parent, martin):
    response = parent.post(
        "/famille/enfants/ajouter/",
        {"first_name": "Léa", "last_name": "Martin", "birth_date": "2019-03-02", "allergies": "arachide", "diet": ""},
    )
    child = Child.objects.get(first_name="Léa")
    missing_phone = parent.post(
        f"/famille/enfants/{child.pk}/personnes-autorisees/",
        {"pickup-name": "Mamie Jo", "pickup-relationship": "grand-mère", "pickup-phone": "abc"},
    )
    parent.post(
        f"/famille/enfants/{child.pk}/personnes-autorisees/",
        {"pickup-name": "Mamie Jo", "pickup-relationship": "grand-mère", "pickup-phone": "06 11 22 33 44"},
    )

    assert response.status_code == 302 and child.status == Decision.PENDING
    assert "Numéro de téléphone invalide." in missing_phone.content.decode()
    assert [p.name for p in child.pickup_persons.all()] == ["Mamie Jo"]
    assert martin.requests.filter(kind=ChangeRequest.Kind.CHILD, child=child).exists()


def test_parent_uploads_a_phone_photo_and_a_pdf_and_downloads_them(parent, martin):
    photo = SimpleUploadedFile("IMG_2041.JPG", phone_photo(), content_type="image/jpeg")
    pdf = SimpleUploadedFile("assurance.pdf", pdf_bytes(), content_type="application/pdf")
    hostile = SimpleUploadedFile("facture.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")

    parent.post("/famille/documents/", {"file": photo})
    parent.post("/famille/documents/", {"file": pdf})
    refused = parent.post("/famille/documents/", {"file": hostile})

    assert "ni un PDF, ni une photo JPEG ou PNG" in refused.content.decode()
    documents = Document.objects.filter(owner=f"families.household:{martin.pk}")
    assert sorted(d.original_name for d in documents) == ["IMG_2041.JPG", "assurance.pdf"]
    download = parent.get(f"/documents/{documents.get(original_name='assurance.pdf').pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_parent_changes_contact_details_but_not_their_email(parent, martin):
    parent.post(
        "/famille/coordonnees/",
        {"first_name": "Camille", "last_name": "Martin", "phone": "07 00 00 00 00", "email": "x@evil.test"},
    )

    guardian = martin.guardians.get()
    assert guardian.phone == "07 00 00 00 00" and guardian.email != "x@evil.test"
    assert guardian.user.email != "x@evil.test"


def test_qf_request_with_its_proof(parent, martin):
    proof = SimpleUploadedFile("caf.pdf", pdf_bytes(), content_type="application/pdf")

    parent.post("/famille/quotient/", {"qf": "640", "source": "caf", "valid_from": "2026-01-01", "proof": proof})

    request = martin.requests.get(kind=ChangeRequest.Kind.QF)
    assert request.payload["qf"] == 640 and request.proof.original_name == "caf.pdf"


class TestIsolation:
    def test_a_parent_cannot_reach_another_households_child_pickups_or_documents(self, martin, parent):
        other = family("Famille Durand")
        child = ChildFactory(household=other)
        person = PickupPersonFactory(child=child)
        other_doc = DocumentFactory(household=other)

        assert parent.get(f"/famille/enfants/{child.pk}/").status_code == 404
        assert parent.post(f"/famille/enfants/{child.pk}/", {"child-first_name": "Pirate"}).status_code == 404
        assert parent.post(f"/famille/enfants/{child.pk}/personnes-autorisees/", {}).status_code == 404
        assert parent.post(f"/famille/personnes-autorisees/{person.pk}/retirer/").status_code == 404
        assert parent.get(f"/documents/{other_doc.pk}/").status_code == 404
        assert PickupPerson.objects.filter(pk=person.pk).exists()
        assert "Famille Durand" not in parent.get("/famille/").content.decode()

    def test_parents_and_animators_never_see_the_staff_queues(self, martin, parent):
        animator = signed_in(UserFactory(role=Role.ANIMATOR))
        request = martin.requests.get()

        for client in (parent, animator):
            assert client.get("/gestion/familles/").status_code == 403
            assert client.get(f"/gestion/familles/demandes/{request.pk}/").status_code == 403
            assert client.get(f"/gestion/familles/foyers/{martin.pk}/").status_code == 403

    def test_another_communes_staff_cannot_see_this_communes_households(self, martin, gorges):
        with schema_context(GORGES.slug):
            gorges_admin = UserFactory(role=Role.ADMINISTRATOR)
        client = signed_in(gorges_admin, GORGES.host)

        assert client.get(f"/gestion/familles/foyers/{martin.pk}/").status_code == 404
        assert "Famille Martin" not in client.get("/gestion/familles/").content.decode()


def test_the_mairie_refuses_then_validates_and_the_family_sees_it(martin, django_capture_on_commit_callbacks):
    agent = signed_in(UserFactory(role=Role.ADMINISTRATOR))
    family_client = signed_in(parent_of(martin))
    request = martin.requests.get()

    queue = agent.get("/gestion/familles/").content.decode()
    no_reason = agent.post(f"/gestion/familles/demandes/{request.pk}/", {"decision": "refuse"})
    with django_capture_on_commit_callbacks(execute=True):
        agent.post(
            f"/gestion/familles/demandes/{request.pk}/",
            {"decision": "refuse", "reason": "Justificatif de domicile manquant"},
        )

    assert "Famille Martin" in queue and "Foyers (1)" in queue
    assert "Indiquez le motif du refus : la famille le lira." in no_reason.content.decode()
    dashboard = family_client.get("/famille/").content.decode()
    assert "Justificatif de domicile manquant" in dashboard and "Refusé" in dashboard
    assert mail.outbox[-1].subject == "[Clisson] Demande refusée : Création du foyer"


def test_staff_change_a_guardians_email_and_it_is_journaled(martin):
    agent = signed_in(UserFactory(role=Role.ADMINISTRATOR))
    guardian = martin.guardians.get()

    agent.post(f"/gestion/familles/foyers/{martin.pk}/", {"guardian": guardian.pk, "email": "Nouvelle@Example.test"})

    guardian.refresh_from_db()
    assert guardian.email == "nouvelle@example.test" and guardian.user.email == "nouvelle@example.test"
    page = agent.get(f"/gestion/familles/foyers/{martin.pk}/").content.decode()
    assert re.search(r"nouvelle@example\.test", page)


def test_an_agent_acts_for_a_family_at_the_counter_and_it_is_journaled(martin):
    from audit.models import AuditEntry

    agent_user = UserFactory(role=Role.ADMINISTRATOR)
    agent = signed_in(agent_user)

    agent.post(f"/gestion/familles/foyers/{martin.pk}/guichet/")
    dashboard = agent.get("/famille/").content.decode()
    agent.post("/famille/enfants/ajouter/", {"first_name": "Noé", "last_name": "Martin", "birth_date": "2020-01-10"})
    agent.post("/gestion/familles/guichet/terminer/")

    assert "Vous agissez pour Famille Martin au guichet" in dashboard
    assert Child.objects.get(first_name="Noé").households.get() == martin
    counter = AuditEntry.objects.filter(action="families.child_add", actor=agent_user).get()
    assert counter.changes == {"child": "Noé Martin"} and counter.context == f"families.household:{martin.pk}"
    assert agent.get("/famille/").status_code == 403  # the counter session is over
    animator = signed_in(UserFactory(role=Role.ANIMATOR))
    assert animator.post(f"/gestion/familles/foyers/{martin.pk}/guichet/").status_code == 403


def test_the_queue_filters_by_school(martin):
    durand = family("Famille Durand")
    ChildFactory(household=martin, school="École Paul Éluard")
    ChildFactory(household=durand, school="École du Val")
    agent = signed_in(UserFactory(role=Role.ADMINISTRATOR))

    page = agent.get("/gestion/familles/", {"ecole": "École du Val"}).content.decode()

    requests = page.split('id="requests-title"')[1].split("</section>")[0]
    assert "Famille Durand" in requests and "Famille Martin" not in requests
    assert "<option selected>École du Val</option>" in page


def test_a_family_updates_health_information_but_not_a_childs_identity(parent, martin):
    child = ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)

    parent.post(
        f"/famille/enfants/{child.pk}/",
        {
            "child-first_name": "Autre",
            "child-birth_date": "2010-01-01",
            "child-allergies": "arachide",
            "child-diet": "",
        },
    )

    child.refresh_from_db()
    assert child.first_name == "Léa" and child.birth_date.year == 2018 and child.allergies == "arachide"


def test_the_mairie_opens_a_familys_account_which_the_parent_activates(in_clisson, django_capture_on_commit_callbacks):
    agent = signed_in(UserFactory(role=Role.ADMINISTRATOR))
    form = {
        "name": "Famille Nguyen",
        "first_name": "Linh",
        "last_name": "Nguyen",
        "email": "linh@example.test",
        "phone": "0622222222",
        "address": "4 rue Neuve",
        "postcode": "44190",
        "city": "Clisson",
        "resident": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post("/gestion/familles/foyers/nouveau/", form)
    duplicate = agent.post("/gestion/familles/foyers/nouveau/", form)

    household = Household.objects.get(name="Famille Nguyen")
    assert response.status_code == 302 and household.status == Decision.VALIDATED and household.resident
    invitation = next(m for m in mail.outbox if m.to == ["linh@example.test"] and "/compte/activation/" in m.body)
    assert invitation
    assert "Un compte existe déjà avec cette adresse." in duplicate.content.decode()


def test_the_dashboard_speaks_english_when_chosen(parent):
    parent.post("/langue/", {"language": "en", "next": "/famille/"})

    page = parent.get("/famille/").content.decode()

    assert "Dashboard" in page and "My requests" in page and "Mes demandes" not in page


def test_staff_forms_posting_no_id_answer_404(martin):
    agent = signed_in(UserFactory(role=Role.ADMINISTRATOR))
    email = "nouvelle@example.test"

    for value in ["²", "abc", "9" * 20]:
        assert agent.post(f"/gestion/familles/foyers/{martin.pk}/rattacher/", {"child": value}).status_code == 404
        changed = agent.post(f"/gestion/familles/foyers/{martin.pk}/", {"guardian": value, "email": email})
        assert changed.status_code == 404
    assert martin.guardians.get().email != email
