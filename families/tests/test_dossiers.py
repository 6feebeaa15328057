"""The yearly dossier: filled piece by piece, reviewed piece by piece, renewed with what is still valid."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import SchoolYear
from conftest import signed_in
from core.roles import Role
from core.testing import paris
from families.models import Decision, Dossier, DossierRequirement
from families.selectors import dossier_validated
from families.services import dossier_fill, dossier_open, dossier_review, dossier_submit
from storage.models import Document
from tests.factories import (
    ChildFactory,
    DocumentTypeFactory,
    DossierRequirementFactory,
    SchoolYearFactory,
    UserFactory,
    by_family,
    family,
    parent_of,
)
from tests.samples import pdf_bytes, phone_photo


@pytest.fixture
def requirements(in_clisson):
    DossierRequirement.objects.all().delete()  # the standard starter's pieces: this test sets its own
    vaccines = DocumentTypeFactory(name="Vaccinations", validity_months=None)
    insurance = DocumentTypeFactory(name="Assurance", validity_months=12)
    return {
        "vaccines": DossierRequirementFactory(
            label="Pages de vaccination", kind="document", document_type=vaccines, position=1
        ),
        "insurance": DossierRequirementFactory(
            label="Attestation d'assurance", kind="document", document_type=insurance, position=2
        ),
        "photos": DossierRequirementFactory(label="Droit à l'image", kind="authorisation", position=3),
        "rules": DossierRequirementFactory(label="Règlement intérieur", kind="acceptance", position=4),
    }


@pytest.fixture
def years(in_clisson):
    SchoolYear.objects.filter(name__in=["2026-2027", "2027-2028"]).delete()
    return (
        SchoolYearFactory(name="2026-2027", start=date(2026, 9, 1), end=date(2027, 7, 6)),
        SchoolYearFactory(name="2027-2028", start=date(2027, 9, 1), end=date(2028, 7, 6)),
    )


@pytest.fixture
def child(in_clisson):
    return ChildFactory(household=family(), status=Decision.VALIDATED)


def fill_everything(dossier: Dossier, requirements: dict) -> None:
    items = {item.requirement_id: item.pk for item in dossier.items.all()}
    dossier_fill(
        **by_family(dossier.child),
        dossier=dossier,
        answers={items[requirements["photos"].pk]: False, items[requirements["rules"].pk]: True},
        uploads={
            items[requirements["vaccines"].pk]: (io.BytesIO(phone_photo()), "vaccins.jpg"),
            items[requirements["insurance"].pk]: (io.BytesIO(pdf_bytes()), "assurance.pdf"),
        },
    )


def test_a_dossier_cannot_be_sent_with_pieces_missing(requirements, years, child):
    dossier = dossier_open(**by_family(child), child=child, school_year=years[0])

    with pytest.raises(ValidationError) as refused:
        dossier_submit(**by_family(child), dossier=dossier)

    assert dossier.items.count() == 4
    assert refused.value.messages == [
        "Il manque : Pages de vaccination, Attestation d'assurance, Droit à l'image, Règlement intérieur."
    ]


def test_refused_piece_goes_back_to_the_family_then_the_dossier_is_validated(
    requirements, years, child, django_capture_on_commit_callbacks
):
    agent = UserFactory(role=Role.ADMINISTRATOR)
    dossier = dossier_open(**by_family(child), child=child, school_year=years[0])
    fill_everything(dossier, requirements)
    dossier_submit(**by_family(child), dossier=dossier)
    items = {item.requirement_id: item for item in dossier.items.all()}
    insurance = items[requirements["insurance"].pk]

    with django_capture_on_commit_callbacks(execute=True):
        dossier_review(
            dossier=dossier,
            actor=agent,
            decisions={
                item.pk: (item != insurance, "" if item != insurance else "Attestation de l'an dernier")
                for item in items.values()
            },
        )
    dossier.refresh_from_db()
    insurance.refresh_from_db()
    refused_email = mail.outbox[-1]
    assert dossier.status == Dossier.Status.REFUSED and insurance.document.review == "refused"
    assert "Attestation d'assurance : Attestation de l'an dernier" in refused_email.body
    assert not dossier_validated(child=child, day=date(2026, 10, 14))

    dossier_fill(
        **by_family(child),
        dossier=dossier,
        answers={},
        uploads={insurance.pk: (io.BytesIO(pdf_bytes()), "assurance 2026.pdf")},
    )
    dossier_submit(**by_family(child), dossier=dossier)
    dossier_review(dossier=dossier, actor=agent, decisions={insurance.pk: (True, "")})

    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.VALIDATED
    assert dossier_validated(child=child, day=date(2026, 10, 14))
    assert not dossier_validated(child=child, day=date(2027, 10, 14))


def test_renewal_keeps_what_is_still_valid_and_asks_for_what_expired(requirements, years, child):
    agent = UserFactory(role=Role.ADMINISTRATOR)
    first = dossier_open(**by_family(child), child=child, school_year=years[0])
    fill_everything(first, requirements)
    dossier_submit(**by_family(child), dossier=first)
    dossier_review(dossier=first, actor=agent, decisions={item.pk: (True, "") for item in first.items.all()})
    Document.objects.filter(document_type__name="Assurance").update(expires_on=date(2027, 8, 31))

    renewed = {
        item.requirement_id: item
        for item in dossier_open(**by_family(child), child=child, school_year=years[1]).items.all()
    }

    assert renewed[requirements["vaccines"].pk].document is not None  # no expiry
    assert renewed[requirements["vaccines"].pk].review == Decision.VALIDATED
    assert renewed[requirements["insurance"].pk].document is None  # expires before 1 September 2027
    assert renewed[requirements["photos"].pk].answer is False  # kept, to confirm
    assert renewed[requirements["rules"].pk].answer is None  # accepted again every year


def test_the_dossier_pages_from_start_to_validation(requirements, years, child, frozen_at):
    frozen_at(paris(2026, 8, 20))
    parent = signed_in(parent_of(child.households.get()))
    agent = signed_in(UserFactory(role=Role.ADMINISTRATOR))
    url = f"/famille/enfants/{child.pk}/dossier/{years[0].pk}/"

    parent.post(url, {"action": "open"})
    dossier = Dossier.objects.get(child=child)
    items = {item.requirement_id: item.pk for item in dossier.items.all()}
    incomplete = parent.post(url, {"action": "submit", f"item_{items[requirements['rules'].pk]}": "on"}, follow=True)
    parent.post(
        url,
        {
            "action": "submit",
            f"item_{items[requirements['vaccines'].pk]}": SimpleUploadedFile("vaccins.jpg", phone_photo()),
            f"item_{items[requirements['insurance'].pk]}": SimpleUploadedFile("assurance.pdf", pdf_bytes()),
            f"item_{items[requirements['photos'].pk]}": "yes",
            f"item_{items[requirements['rules'].pk]}": "on",
        },
    )
    queue = agent.get("/gestion/familles/").content.decode()
    review = agent.post(f"/gestion/familles/dossiers/{dossier.pk}/", {f"item_{pk}": "accept" for pk in items.values()})

    assert (
        "Il manque : Pages de vaccination, Attestation d&#x27;assurance, Droit à l&#x27;image."
        in incomplete.content.decode()
    )
    assert "Dossiers (1)" in queue
    assert review.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.VALIDATED
    assert "Validé" in parent.get(f"/famille/enfants/{child.pk}/").content.decode()


def test_only_administrators_change_the_pieces_asked(requirements, in_clisson):
    manager = signed_in(UserFactory(role=Role.SERVICE_MANAGER))
    admin = signed_in(UserFactory(role=Role.ADMINISTRATOR))

    refused = manager.post("/gestion/familles/pieces/", {"label": "Certificat médical", "kind": "acceptance"})
    missing_type = admin.post(
        "/gestion/familles/pieces/", {"label": "Certificat médical", "kind": "document", "position": 0}
    )
    admin.post(
        "/gestion/familles/pieces/", {"label": "Fiche sanitaire", "kind": "acceptance", "position": 5, "active": "on"}
    )

    assert refused.status_code == 403
    assert "Choisissez le type de document demandé." in missing_type.content.decode()
    assert DossierRequirement.objects.filter(label="Fiche sanitaire", active=True).exists()


def test_a_refused_upload_removes_the_files_already_stored_by_the_same_save(requirements, years, child, tmp_path):
    dossier = dossier_open(**by_family(child), child=child, school_year=years[0])
    items = {item.requirement_id: item.pk for item in dossier.items.all()}

    with pytest.raises(ValidationError):
        dossier_fill(
            **by_family(child),
            dossier=dossier,
            answers={},
            uploads={
                items[requirements["vaccines"].pk]: (io.BytesIO(pdf_bytes()), "vaccins.pdf"),
                items[requirements["insurance"].pk]: (io.BytesIO(b"<html>"), "assurance.pdf"),
            },
        )

    assert not Document.objects.exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_a_piece_never_given_cannot_be_accepted(requirements, years, child):
    dossier = dossier_open(**by_family(child), child=child, school_year=years[0])
    fill_everything(dossier, requirements)
    dossier_submit(**by_family(child), dossier=dossier)
    requirements["photos"].active = False
    requirements["photos"].save()
    Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.DRAFT)
    new_piece = DossierRequirementFactory(label="Fiche sanitaire", kind="acceptance", position=9)
    dossier_open(**by_family(child), child=child, school_year=years[0])
    dossier_submit_blocked = pytest.raises(ValidationError, match="Fiche sanitaire")
    with dossier_submit_blocked:
        dossier_submit(**by_family(child), dossier=dossier)
    item = dossier.items.get(requirement=new_piece)
    Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.SUBMITTED)

    with pytest.raises(ValidationError, match="n'a pas été fourni"):
        dossier_review(dossier=dossier, actor=UserFactory(role=Role.ADMINISTRATOR), decisions={item.pk: (True, "")})


def test_the_administrator_sets_the_communes_file_size_limit(in_clisson):
    from storage.models import StoragePolicy

    admin = signed_in(UserFactory(role=Role.ADMINISTRATOR))

    too_big = admin.post("/gestion/familles/pieces/", {"max_upload_mb": "500"})
    admin.post("/gestion/familles/pieces/", {"max_upload_mb": "5"})

    assert "inférieure ou égale à 50" in too_big.content.decode()
    assert StoragePolicy.objects.get().max_upload_mb == 5
