"""The issue's scenario in headless Chromium: a new family files its dossiers, the mairie refuses then validates."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Portal, log_in, read_mailbox
from tests.samples import pdf_bytes, phone_photo

EMAIL = "famille.leroy@example.test"
PASSWORD = "Un-mot-de-passe-solide-2026"


def last_link(portal: Portal, pattern: str) -> str:
    links = re.findall(pattern, "\n".join(body for _subject, body in read_mailbox(portal)))
    assert links, f"no e-mail with {pattern}"
    return links[-1]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    photo, pdf = tmp_path / "IMG_2041.JPG", tmp_path / "attestation-assurance.pdf"
    photo.write_bytes(phone_photo())
    pdf.write_bytes(pdf_bytes())
    return {"photo": photo, "pdf": pdf}


def fill_dossier(page: Page, files: dict[str, Path]) -> None:
    page.get_by_role("button", name="Commencer le dossier").click()
    page.get_by_label("Pages de vaccination du carnet de santé").set_input_files(files["photo"])
    page.get_by_label("Attestation d'assurance responsabilité civile").set_input_files(files["pdf"])
    page.get_by_role("group", name="Droit à l'image").get_by_label("Non").check()
    page.get_by_role("group", name="Sorties hors de la structure").get_by_label("Oui").check()
    page.get_by_label("J'ai lu et j'accepte le règlement intérieur").check()
    page.get_by_role("button", name="Transmettre à la mairie").click()
    expect(page.locator(".messages")).to_contain_text("Dossier transmis à la mairie.")


def add_child(page: Page, first_name: str, birth_date: str) -> None:
    page.get_by_role("link", name="Ajouter un enfant").click()
    page.get_by_label("Prénom").fill(first_name)
    page.get_by_label("Date de naissance").fill(birth_date)
    page.get_by_label("Allergies").fill("arachide" if first_name == "Léa" else "")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text(f"{first_name} Leroy est ajouté(e)")


def test_a_new_family_files_its_dossiers_and_follows_the_mairies_decisions(
    browser: Browser, page: Page, portal: Portal, files
):
    # The parent signs up and confirms the address from the e-mail.
    page.goto(portal.url("lepallet", "/compte/signup/"))
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(portal.url("lepallet", "/compte/confirm-email/"))  # the e-mail is sent by then
    page.goto(last_link(portal, r"http://lepallet\.localhost:\d+/compte/confirm-email/\S+"))
    with page.expect_navigation():  # confirmed before log_in's page load would cancel it
        page.locator("main button[type=submit]").click()
    log_in(page, portal, "lepallet", EMAIL, PASSWORD)

    # The household, two children and a pick-up person.
    expect(page).to_have_url(portal.url("lepallet", "/famille/creer/"))
    page.get_by_label("Nom du foyer").fill("Famille Leroy")
    page.get_by_label("Votre prénom").fill("Nina")
    page.get_by_label("Votre nom").fill("Leroy")
    page.get_by_label("Votre téléphone").fill("06 12 34 56 78")
    page.locator("#id_address").fill("5 rue du Muscadet")
    page.get_by_label("Code postal").fill("44330")
    page.locator("#id_city").fill("Le Pallet")
    page.get_by_label("J'habite la commune").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#household-title")).to_contain_text("En attente")
    add_child(page, "Léa", "2019-03-02")
    page.locator("#pickups-title + ul + form").get_by_label("Nom et prénom").fill("Jo Leroy")
    page.locator("#pickups-title + ul + form").get_by_label("Téléphone").fill("06 98 76 54 32")
    page.locator("#pickups-title + ul + form").get_by_label("Lien avec l'enfant").fill("grand-mère")
    page.get_by_role("button", name="Ajouter cette personne").click()
    expect(page.locator("#pickups-title + ul")).to_contain_text("Jo Leroy (grand-mère)")
    page.get_by_role("link", name="Tableau de bord").first.click()
    add_child(page, "Tom", "2021-06-15")

    # A dossier for each child, with a phone photo and a PDF.
    for child in ("Léa Leroy", "Tom Leroy"):
        page.goto(portal.url("lepallet", "/famille/"))
        page.get_by_role("link", name=child).click()
        page.get_by_role("link", name=re.compile(r"^Dossier \d{4}-\d{4}$")).click()
        fill_dossier(page, files)

    # The mairie validates the household and the children, refuses Léa's insurance.
    agent = browser.new_context(locale="fr-FR").new_page()
    log_in(agent, portal, "lepallet", "mairie@lepallet.test")
    agent.get_by_role("link", name="Familles").click()
    for _ in range(3):  # the household, then both children
        agent.get_by_role(
            "link", name=re.compile("^Examiner Création du foyer|^Examiner Ajout d'un enfant")
        ).first.click()
        agent.get_by_label("Valider").check()
        agent.get_by_role("button", name="Enregistrer la décision").click()
        expect(agent.locator(".messages")).to_contain_text("Décision enregistrée")
    agent.get_by_role("link", name=re.compile("^Examiner Léa Leroy")).click()
    review = agent.get_by_role("button", name="Enregistrer l’examen")
    expect(review).to_be_visible()  # the dossier's pieces, before they are listed
    for piece in agent.locator("fieldset").all():
        refused = "Attestation d'assurance" in piece.locator("legend").inner_text()
        piece.get_by_label("Refuser" if refused else "Accepter").check()
        if refused:
            piece.get_by_label("Motif du refus").fill("Attestation de l'an dernier : envoyez celle de cette année.")
    agent.get_by_role("button", name="Enregistrer l’examen").click()
    expect(agent.locator(".messages")).to_contain_text("Dossier examiné")

    # The parent sees the refusal with its reason, sends a new PDF, and the mairie validates.
    page.goto(portal.url("lepallet", "/famille/"))
    expect(page.locator("#household-title")).to_contain_text("Validé")
    page.get_by_role("link", name="Léa Leroy").click()
    expect(page.locator("#dossiers-title + ul")).to_contain_text("À corriger")
    page.get_by_role("link", name=re.compile(r"^Dossier \d{4}-\d{4}$")).click()
    expect(page.locator(".rows")).to_contain_text("Attestation de l'an dernier : envoyez celle de cette année.")
    page.get_by_label("Attestation d'assurance responsabilité civile").set_input_files(files["pdf"])
    page.get_by_role("button", name="Transmettre à la mairie").click()
    expect(page.locator(".messages")).to_contain_text("Dossier transmis à la mairie.")  # before the mairie looks
    with agent.expect_navigation():  # the queue as it is now: the page shown has « Examiner » links too
        agent.get_by_role("link", name="Familles").click()
    for _ in range(2):  # Léa's second review, then Tom's
        agent.get_by_role("link", name=re.compile("^Examiner .* Leroy")).first.click()
        expect(review).to_be_visible()
        for piece in agent.locator("fieldset").all():
            piece.get_by_label("Accepter").check()
        agent.get_by_role("button", name="Enregistrer l’examen").click()
        expect(agent.locator(".messages")).to_contain_text("Dossier examiné")

    page.goto(portal.url("lepallet", "/famille/"))
    for child in ("Léa Leroy", "Tom Leroy"):
        page.get_by_role("link", name=child).click()
        expect(page.locator("#dossiers-title + ul")).to_contain_text("Validé")
        page.go_back()
    mails = dict(read_mailbox(portal))
    assert "[Le Pallet] Demande validée : Création du foyer" in mails
    assert "[Le Pallet] Demande validée : Ajout d'un enfant" in mails
    assert (
        "Attestation d'assurance responsabilité civile : Attestation de l'an dernier"
        in mails[
            "[Le Pallet] Dossier à corriger : Léa Leroy (" + re.search(r"\d{4}-\d{4}", " ".join(mails)).group() + ")"
        ]
    )
    assert any(subject.startswith("[Le Pallet] Dossier validé : Léa Leroy") for subject in mails)
    assert any(subject.startswith("[Le Pallet] Dossier validé : Tom Leroy") for subject in mails)
