"""Absences as a parent and an agent use them: reported from the child's page or the planning, the
certificate added later from the list, decided on the mairie's page with the certificate to download; another
household's absence answers 404, the mairie's pages 403 to a parent."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import AbsenceReason
from conftest import signed_in
from core.roles import Role
from reservations.models import Absence
from reservations.tests.test_absences import (  # noqa: F401
    MONDAY,
    THURSDAY,
    family_reason,
    illness,
    lea_of,
    martin,
    report,
)
from tests.factories import UserFactory, family, parent_of
from tests.samples import pdf_bytes


def certificate_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("certificat.pdf", pdf_bytes(), content_type="application/pdf")


def test_a_parent_reports_from_the_childs_page_then_adds_the_certificate_from_the_list(
    martin,  # noqa: F811
    illness,  # noqa: F811
    family_reason,  # noqa: F811
):
    lea = lea_of(martin)
    page = signed_in(parent_of(martin))
    (link,) = re.findall(
        r'href="(/famille/absences/signaler/\?enfant=\d+)"', page.get(f"/famille/enfants/{lea.pk}/").content.decode()
    )
    assert "/famille/absences/signaler/" in page.get("/famille/planning/").content.decode()
    form = page.get(link).content.decode()
    assert f'<option value="{lea.pk}" selected>Léa Martin</option>' in form
    assert (
        '<optgroup label="Périscolaire">' in form and "Maladie (certificat médical) — justificatif obligatoire" in form
    )

    answer = page.post(
        "/famille/absences/signaler/",
        {
            "child": lea.pk,
            "service": illness.service_id,
            "reason": illness.pk,
            "first_day": MONDAY,
            "last_day": THURSDAY,
        },
    )

    assert answer.status_code == 302 and answer["Location"] == "/famille/absences/"
    absence = Absence.objects.get()
    listing = page.get("/famille/absences/").content.decode()
    assert "Signalée, à examiner" in listing and "à ajouter au plus tard le jeudi 3 septembre 2026" in listing
    assert "lundi 7 septembre (Matin, Soir)" in listing
    assert "◌</span> absent" in page.get(f"/famille/planning/?vue=semaine&du={MONDAY.isoformat()}").content.decode()

    page.post("/famille/absences/", {"absence": absence.pk, "proof": certificate_file()})
    absence.refresh_from_db()
    assert absence.proof.original_name == "certificat.pdf"
    assert f'href="/documents/{absence.proof.pk}/"' in page.get("/famille/absences/").content.decode()


def test_a_report_the_rules_refuse_says_why_on_the_form(martin, illness):  # noqa: F811
    page = signed_in(parent_of(martin))
    answer = page.post(
        "/famille/absences/signaler/",
        {
            "child": lea_of(martin).pk,
            "service": illness.service_id,
            "reason": illness.pk,
            "first_day": THURSDAY,
            "last_day": MONDAY,
        },
    )

    assert answer.status_code == 200
    assert "Le dernier jour d&#x27;absence ne peut précéder le premier." in answer.content.decode()
    assert not Absence.objects.exists()


def test_another_households_absence_is_404_and_unlisted(martin, illness):  # noqa: F811
    absence = report(martin, illness)
    other = signed_in(parent_of(family("Famille Durand")))

    assert other.post("/famille/absences/", {"absence": absence.pk, "proof": certificate_file()}).status_code == 404
    assert "Léa" not in other.get("/famille/absences/").content.decode()
    assert other.get(f"/gestion/inscriptions/absences/{absence.pk}/").status_code == 403
    absence.refresh_from_db()
    assert absence.proof is None


def test_an_agent_decides_from_the_families_queue_with_the_certificate_at_hand(martin, illness, agent):  # noqa: F811
    absence = report(martin, illness, proof=(certificate_file(), "certificat.pdf"))
    staff = signed_in(agent)

    assert "Absences à examiner (1)" in staff.get("/gestion/familles/").content.decode()
    assert (
        f'href="/gestion/inscriptions/absences/{absence.pk}/"'
        in staff.get("/gestion/inscriptions/absences/").content.decode()
    )
    review = staff.get(f"/gestion/inscriptions/absences/{absence.pk}/").content.decode()
    assert f'href="/documents/{absence.proof_id}/"' in review
    refused = staff.post(f"/gestion/inscriptions/absences/{absence.pk}/", {"decision": "unjustified", "note": ""})
    assert "Indiquez pourquoi l&#x27;absence n&#x27;est pas justifiée" in refused.content.decode()

    answer = staff.post(f"/gestion/inscriptions/absences/{absence.pk}/", {"decision": "justified", "note": ""})

    assert answer.status_code == 302 and answer["Location"] == "/gestion/inscriptions/absences/"
    absence.refresh_from_db()
    assert absence.state == Absence.State.JUSTIFIED
    assert "Justifiée" in signed_in(parent_of(martin)).get("/famille/absences/").content.decode()
    assert staff.get("/gestion/inscriptions/absences/999999/").status_code == 404


def test_an_absence_that_is_no_id_answers_404(martin):  # noqa: F811
    page = signed_in(parent_of(martin))

    for value in ["²", "abc", "9" * 20, ""]:
        assert page.post("/famille/absences/", {"absence": value, "proof": certificate_file()}).status_code == 404


def test_a_reason_families_gave_cannot_be_deleted_from_the_catalogue(martin, illness):  # noqa: F811
    report(martin, illness)
    mairie = signed_in(UserFactory(role=Role.ADMINISTRATOR))

    answer = mairie.post(
        f"/gestion/catalogue/prestations/{illness.service_id}/motifs/{illness.pk}/supprimer/", follow=True
    )

    assert "Maladie (certificat médical) est encore utilisé par : Léa Martin — Périscolaire" in answer.content.decode()
    assert AbsenceReason.objects.filter(pk=illness.pk).exists()
