"""The enrolment pages as a browser posts them: a parent asks from the child's page (a typical week as
boxes, the pieces as files), the mairie validates from its queue, the child's page shows the household's
own days; a new typical week, the end of an enrolment previewed then confirmed; nobody reaches another
household's enrolment."""

import re
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.calendar import PARIS
from catalog.models import Service
from conftest import signed_in
from core.roles import Role
from families.models import Decision, Dossier
from reservations.models import Booking, Enrolment, EnrolmentRequirement
from reservations.services import enrolment_decide, enrolment_request
from reservations.tests.conftest import SEPTEMBER, care_service
from tests.factories import (
    ChildFactory,
    DocumentTypeFactory,
    ServiceFactory,
    TariffFactory,
    UserFactory,
    bracket,
    family,
    parent_of,
)
from tests.samples import pdf_bytes


@pytest.fixture
def martin(year, frozen_at):
    frozen_at(SEPTEMBER)
    return family("Famille Martin")


@pytest.fixture
def lea(martin):
    return ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)


@pytest.fixture
def parent(martin):
    return signed_in(parent_of(martin))


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def pdf(name: str = "attestation.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def enrol(child, service, year, week, household=None, **options) -> Enrolment:
    household = household or child.households.first()
    return enrolment_request(
        actor=parent_of(household),
        child=child,
        household=household,
        service=service,
        school_year=year,
        week=week,
        **options,
    )


def test_a_parent_asks_from_the_childs_page_and_keeps_what_was_typed_on_error(parent, lea, care, year):
    insurance = EnrolmentRequirement.objects.create(
        service=care, document_type=DocumentTypeFactory(name="Attestation de l'employeur")
    )
    ServiceFactory(name="Crèche", kind=Service.Kind.NURSERY, max_age_months=48)  # Léa is too old for it
    ServiceFactory(name="Au guichet", bookable_online=False)  # enrolled at the structure

    child_page = page(parent.get(f"/famille/enfants/{lea.pk}/"))
    choice = page(parent.get(f"/famille/enfants/{lea.pk}/inscription/"))
    form_page = page(parent.get(f"/famille/enfants/{lea.pk}/inscription/?service={care.pk}"))
    url = f"/famille/enfants/{lea.pk}/inscription/?service={care.pk}"
    wrong = parent.post(
        url,
        {
            "service": care.pk,
            "school_year": year.pk,
            "start": "2026-10-01",
            "end": "2026-09-15",
            "week_0": ["matin", "soir"],
            "recurrence": "alternate",
        },
    )
    nothing = not Enrolment.objects.exists()
    sent = parent.post(
        url,
        {
            "service": care.pk,
            "school_year": year.pk,
            "week_0": ["matin", "soir"],
            "week_1": ["soir"],
            "recurrence": "alternate",
            "anchor": "2026-09-09",  # a Wednesday: its week's Monday is the anchor
            f"piece_{insurance.pk}": pdf("employeur.pdf"),
        },
    )

    assert "Inscrire à un service" in child_page and "Aucune inscription pour l’instant." in child_page
    assert "Périscolaire" in choice and f"?service={care.pk}" in choice
    assert "Crèche" not in choice and "Au guichet" not in choice
    assert re.search(r"<legend>Lundi</legend>\s*<div class=\"field--check\"><input type=\"checkbox\"", form_page)
    assert "Attestation de l&#x27;employeur" in form_page and 'type="file"' in form_page
    errors = page(wrong)
    assert "La fin doit suivre le début." in errors
    assert "Indiquez la première semaine où l’enfant vient (une semaine sur deux)." in errors
    assert "Ce champ est obligatoire." in errors  # the piece
    assert "choisissez-les à nouveau" in errors
    assert 'value="2026-10-01"' in errors and re.search(r'value="matin"[^>]*checked', errors)
    assert nothing
    assert sent.status_code == 302 and sent.url == f"/famille/enfants/{lea.pk}/"
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Decision.PENDING and enrolment.week == {"0": ["matin", "soir"], "1": ["soir"]}
    assert enrolment.anchor == date(2026, 9, 7) and enrolment.start == date(2026, 9, 1)
    assert enrolment.end == year.end and enrolment.pieces.get().document.original_name == "employeur.pdf"
    after = page(parent.get(f"/famille/enfants/{lea.pk}/"))
    assert "Demande d’inscription envoyée" in after and "En attente" in after
    assert "lundi (Matin, Soir), mardi (Soir), une semaine sur deux" in after


def test_a_refused_file_or_a_refused_week_is_said_next_to_it(parent, lea, care, year):
    insurance = EnrolmentRequirement.objects.create(service=care, document_type=DocumentTypeFactory(name="Assurance"))
    meal = care.units.create(code="repas", name="Repas", duration_hours=1, position=3)
    meal.requires.set([care.units.get(code="matin")])  # never alone
    bracket(TariffFactory(service=care, unit=meal), 0, None, "3.00")
    url = f"/famille/enfants/{lea.pk}/inscription/?service={care.pk}"
    fake = SimpleUploadedFile("assurance.pdf", b"<html>pas un pdf</html>", content_type="application/pdf")
    fields = {"school_year": year.pk, "recurrence": "weekly"}

    bad_file = page(parent.post(url, {**fields, "week_0": ["soir"], f"piece_{insurance.pk}": fake}))
    bad_week = page(parent.post(url, {**fields, "week_0": ["soir", "repas"], f"piece_{insurance.pk}": pdf()}))

    piece_field = bad_file.split(f'<label for="id_piece_{insurance.pk}"')[1].split(f'id="id_piece_{insurance.pk}"')[0]
    assert "ni un PDF, ni une photo JPEG ou PNG" in piece_field  # the error is next to its file
    week_errors = bad_week.split('id="week-errors">')[1].split("</ul>")[0]
    assert "« Repas » se réserve avec « Matin »" in week_errors
    assert not Enrolment.objects.exists()


def test_staff_validate_from_the_queue_and_read_what_was_booked_and_which_days_were_full(
    agent, lea, care, year, martin
):
    insurance = EnrolmentRequirement.objects.create(service=care, document_type=DocumentTypeFactory(name="Assurance"))
    enrolment = enrol(
        lea, care, year, {1: ["matin", "soir"]}, end=date(2026, 9, 30), pieces={insurance.pk: (pdf("a.pdf"), "a.pdf")}
    )
    Service.objects.filter(pk=care.pk).update(capacity=1)
    other = ChildFactory(household=family("Famille Durand"), status=Decision.VALIDATED)
    piece = {insurance.pk: (pdf("b.pdf"), "b.pdf")}
    taken = enrol(other, care, year, {1: ["soir"]}, start=date(2026, 9, 15), end=date(2026, 9, 15), pieces=piece)
    enrolment_decide(actor=agent, enrolment=taken, accept=True, now=SEPTEMBER)  # the 15th is full now
    staff = signed_in(agent)

    families_queue = page(staff.get("/gestion/familles/"))
    queue = page(staff.get("/gestion/inscriptions/"))
    review = page(staff.get(f"/gestion/inscriptions/{enrolment.pk}/"))
    decided = staff.post(f"/gestion/inscriptions/{enrolment.pk}/", {"decision": "accept", "reason": ""})
    after = page(staff.get(decided.url))

    assert (
        "Inscriptions à examiner (1)" in families_queue and f"/gestion/inscriptions/{enrolment.pk}/" in families_queue
    )
    assert "Léa Martin" in queue and "Périscolaire" in queue and "Famille Martin" in queue
    assert "Famille Martin" in review and "Mardi : Matin, Soir" in review and "Chaque semaine" in review
    assert f"/documents/{enrolment.pieces.get().document_id}/" in review and "Enregistrer la décision" in review
    assert decided.status_code == 302 and decided.url == f"/gestion/inscriptions/{enrolment.pk}/"
    # Tuesdays of September from the 8th (the 1st is past its 2 working days); the 15th is full.
    assert "Inscription validée : 3 jours réservés" in after
    assert "Jours complets, non réservés : mardi 15 septembre 2026." in after
    assert "Jours non réservés (délai dépassé ou fermés) : mardi 1 septembre 2026." in after
    assert "mardi 8, mardi 22, mardi 29" in after and "Télécharger l’attestation (PDF)" in after
    assert "Inscriptions à examiner (0)" in page(staff.get("/gestion/familles/"))


def test_a_refusal_needs_its_reason_and_the_family_reads_it(agent, parent, lea, care, year):
    enrolment = enrol(lea, care, year, {1: ["soir"]})
    staff = signed_in(agent)

    no_reason = page(staff.post(f"/gestion/inscriptions/{enrolment.pk}/", {"decision": "refuse", "reason": ""}))
    staff.post(f"/gestion/inscriptions/{enrolment.pk}/", {"decision": "refuse", "reason": "Plus de place le soir"})

    assert "Indiquez le motif du refus" in no_reason
    child_page = page(parent.get(f"/famille/enfants/{lea.pk}/"))
    assert "Refusée" in child_page and "Motif du refus : Plus de place le soir" in child_page
    assert "Changer la semaine type" not in child_page and "attestation" not in child_page.lower()


def test_the_childs_page_shows_the_households_own_days_not_the_other_households(agent, lea, care, year, martin):
    moreau = family("Foyer Moreau")
    lea.households.add(moreau)
    options = {"recurrence": "alternate", "start": date(2026, 9, 7), "end": date(2026, 9, 27)}
    ours = enrol(lea, care, year, {0: ["matin"]}, anchor=date(2026, 9, 7), **options)
    theirs = enrol(lea, care, year, {0: ["soir"]}, household=moreau, anchor=date(2026, 9, 14), **options)
    for enrolment in (ours, theirs):
        enrolment_decide(actor=agent, enrolment=enrolment, accept=True, now=SEPTEMBER)

    our_page = page(signed_in(parent_of(martin)).get(f"/famille/enfants/{lea.pk}/"))
    their_page = page(signed_in(parent_of(moreau)).get(f"/famille/enfants/{lea.pk}/"))

    assert "Lundi 7 septembre 2026 — Périscolaire : Matin" in our_page
    assert "Lundi 21 septembre 2026 — Périscolaire : Matin" in our_page
    assert "14 septembre" not in our_page and "Soir" not in our_page.split("enrolments-title")[1].split("</section>")[0]
    assert "Lundi 14 septembre 2026 — Périscolaire : Soir" in their_page and "7 septembre 2026 —" not in their_page
    assert f"/famille/inscriptions/{ours.pk}/" not in their_page and f"/famille/inscriptions/{theirs.pk}/" in their_page
    other = signed_in(parent_of(moreau))
    assert other.get(f"/famille/inscriptions/{ours.pk}/semaine-type/").status_code == 404
    assert other.get(f"/famille/inscriptions/{ours.pk}/fin/").status_code == 404
    assert other.get(f"/famille/inscriptions/{ours.pk}/attestation/").status_code == 404


def test_a_new_typical_week_from_a_date(agent, parent, lea, care, year):
    enrolment = enrol(lea, care, year, {1: ["soir"]}, end=date(2026, 10, 16))
    enrolment_decide(actor=agent, enrolment=enrolment, accept=True, now=SEPTEMBER)
    url = f"/famille/inscriptions/{enrolment.pk}/semaine-type/"

    form_page = page(parent.get(url))
    past = page(parent.post(url, {"since": "2026-08-01", "week_3": ["soir"], "recurrence": "weekly"}))
    changed = parent.post(url, {"since": "2026-10-01", "week_3": ["soir"], "recurrence": "weekly"}, follow=True)

    assert re.search(r'value="soir"[^>]*checked[^>]*id="id_week_1_1"|id="id_week_1_1"[^>]*checked', form_page)
    assert "Choisissez aujourd’hui ou un jour à venir." in past
    assert "Nouvelle semaine type à partir du 1 octobre 2026. 2 réservations annulées, 3 ajoutées." in page(changed)
    days = sorted(Booking.objects.filter(enrolment=enrolment, state__in=Booking.HOLDING).values_list("date", flat=True))
    assert [d for d in days if d >= date(2026, 10, 1)] == [date(2026, 10, 1), date(2026, 10, 8), date(2026, 10, 15)]


def test_ending_shows_what_is_cancelled_and_what_stays_billed_before_confirming(
    agent, parent, lea, care, year, frozen_at
):
    enrolment = enrol(lea, care, year, {1: ["soir"]}, end=date(2026, 10, 16))
    enrolment_decide(actor=agent, enrolment=enrolment, accept=True, now=SEPTEMBER)
    frozen_at(datetime(2026, 10, 5, 9, tzinfo=PARIS))  # the 6th is past its 2 working days, the 13th is not
    parent = signed_in(parent_of(lea.households.get()))  # a session of that day
    url = f"/famille/inscriptions/{enrolment.pk}/fin/"

    asked = page(parent.get(url))
    preview = page(parent.get(url, {"on": "2026-10-06"}))
    still = Booking.objects.filter(enrolment=enrolment, state__in=Booking.HOLDING).count()
    ended = parent.post(url, {"on": "2026-10-06"}, follow=True)

    assert "Voir ce qui change" in asked and "Confirmer" not in asked
    assert "1 jour annulé, sans frais" in preview and "Mardi 13 octobre 2026 : Soir" in preview
    assert "1 jour gardé et facturé" in preview and "Mardi 6 octobre 2026 : Soir" in preview
    assert "Confirmer la fin de l’inscription" in preview and still == 6
    assert "Inscription terminée à partir du 6 octobre 2026 : 1 réservation annulée." in page(ended)
    assert "Trop tard pour annuler, ces jours restent réservés et facturés : mardi 6 octobre 2026." in page(ended)
    enrolment.refresh_from_db()
    assert enrolment.ended_on == date(2026, 10, 6)
    assert "terminée à partir du 6 octobre 2026" in page(parent.get(f"/famille/enfants/{lea.pk}/"))
    assert parent.get(url).status_code == 302  # ended: nothing more to change


def test_another_household_or_commune_reaches_no_enrolment(agent, lea, care, year, gorges_client):
    enrolment = enrol(lea, care, year, {1: ["soir"]})
    stranger = signed_in(parent_of(family("Famille Durand")))

    assert stranger.get(f"/famille/enfants/{lea.pk}/inscription/").status_code == 404
    assert stranger.get(f"/famille/inscriptions/{enrolment.pk}/semaine-type/").status_code == 404
    assert signed_in(UserFactory(role=Role.ANIMATOR)).get(f"/gestion/inscriptions/{enrolment.pk}/").status_code == 403
    elsewhere = gorges_client.get(f"/gestion/inscriptions/{enrolment.pk}/")
    assert elsewhere.status_code == 302 and elsewhere.url.startswith("/compte/login/")


def test_the_childs_page_reads_its_enrolments_in_a_bounded_number_of_queries(
    parent, lea, care, year, agent, django_assert_max_num_queries
):
    url = f"/famille/enfants/{lea.pk}/"
    enrolment_decide(actor=agent, enrolment=enrol(lea, care, year, {0: ["soir"]}, end=date(2026, 9, 30)), accept=True)
    parent.get(url)
    with django_assert_max_num_queries(40) as one:
        page(parent.get(url))
    for service in [care_service(f"Garderie {n}") for n in range(3)]:
        enrol(lea, service, year, {0: ["matin"]})

    with django_assert_max_num_queries(len(one.captured_queries)):
        page(parent.get(url))


def test_a_family_withdraws_a_request_the_mairie_has_not_decided(agent, parent, lea, care, year):
    enrolment = enrol(lea, care, year, {1: ["soir"]})
    url = f"/famille/inscriptions/{enrolment.pk}/fin/"
    staff = signed_in(agent)

    asked = page(parent.get(url))
    withdrawn = parent.post(url, follow=True)
    decided = page(staff.post(f"/gestion/inscriptions/{enrolment.pk}/", {"decision": "accept", "reason": ""}))

    assert "aucun jour n’est réservé" in asked
    assert "Demande d’inscription retirée." in page(withdrawn) and "Demande retirée" in page(withdrawn)
    assert "Rien en attente." in page(staff.get("/gestion/inscriptions/"))
    assert "La famille a retiré cette demande" in decided
    enrolment.refresh_from_db()
    assert enrolment.status == Decision.PENDING and not Booking.objects.exists()
    again = enrol(lea, care, year, {1: ["matin"]})  # another request may follow
    assert again.pk != enrolment.pk


def test_a_child_the_mairie_has_not_validated_yet_is_enrolled_later(parent, martin, care):
    tom = ChildFactory(household=martin, first_name="Tom", status=Decision.PENDING)

    child_page = page(parent.get(f"/famille/enfants/{tom.pk}/"))

    assert "une fois que la mairie l’aura validé" in child_page and "/inscription/" not in child_page


def test_staff_validate_the_requests_they_tick_together(agent, lea, care, year, martin):
    tom = ChildFactory(household=martin, first_name="Tom", status=Decision.VALIDATED)
    first = enrol(lea, care, year, {1: ["soir"]}, end=date(2026, 9, 30))
    second = enrol(tom, care, year, {3: ["matin"]}, end=date(2026, 9, 30))
    left = enrol(ChildFactory(household=martin, status=Decision.VALIDATED), care, year, {0: ["soir"]})
    staff = signed_in(agent)

    queue = page(staff.get("/gestion/inscriptions/"))
    none = staff.post("/gestion/inscriptions/", follow=True)
    done = staff.post("/gestion/inscriptions/", {"enrolment": [first.pk, second.pk]}, follow=True)

    assert f'name="enrolment" value="{first.pk}"' in queue and "Valider Léa Martin, Périscolaire" in queue
    assert "Cochez les inscriptions à valider." in page(none)
    text = page(done)
    assert "Inscription de Léa Martin (Périscolaire) validée : 4 jours réservés." in text
    assert "Léa Martin : Jours non réservés (délai dépassé ou fermés) : mardi 1 septembre 2026." in text
    assert "Inscription de Tom Martin (Périscolaire) validée : 4 jours réservés." in text
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert statuses == {first.pk: Decision.VALIDATED, second.pk: Decision.VALIDATED, left.pk: Decision.PENDING}
    assert f"/gestion/inscriptions/{left.pk}/" in text and f"/gestion/inscriptions/{first.pk}/" not in text


def test_a_service_or_an_enrolment_that_is_no_id_answers_404_or_the_message(agent, parent, lea, care, year):
    for value in ["²", "abc", "9" * 20]:
        assert parent.get(f"/famille/enfants/{lea.pk}/inscription/", {"service": value}).status_code == 404
    enrolment = enrol(lea, care, year, {1: ["soir"]})

    none = signed_in(agent).post("/gestion/inscriptions/", {"enrolment": ["²", "9" * 20]}, follow=True)

    assert "Cochez les inscriptions à valider." in page(none)
    enrolment.refresh_from_db()
    assert enrolment.status == Decision.PENDING


def test_the_agent_sees_the_state_of_the_childs_dossier_before_validating(agent, lea, care, year):
    enrolment = enrol(lea, care, year, {1: ["soir"]})
    staff = signed_in(agent)

    without = page(staff.get(f"/gestion/inscriptions/{enrolment.pk}/"))
    Dossier.objects.create(child=lea, school_year=year, status=Dossier.Status.SUBMITTED)
    submitted = page(staff.get(f"/gestion/inscriptions/{enrolment.pk}/"))
    Dossier.objects.filter(child=lea).update(status=Dossier.Status.VALIDATED)
    validated = page(staff.get(f"/gestion/inscriptions/{enrolment.pk}/"))

    assert "pas encore commencé par la famille — les réservations en ligne attendent sa validation" in without
    assert "Transmis — les réservations en ligne attendent sa validation" in submitted
    assert "Validé</dd>" in validated and "attendent sa validation" not in validated
