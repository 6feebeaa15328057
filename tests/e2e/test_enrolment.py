"""The issue's scenario in headless Chromium: separated parents enrol their shared child in the périscolaire,
one week in two each, with the piece the service asks for; the mairie validates; each household sees its
own days only, and downloads the attestation."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Portal, log_in
from tests.samples import pdf_bytes

AXE = Axe()
SERVICE = "Accueil périscolaire"
PIECE = "Attestation de l'employeur"
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
# The piece the service asks for, set up through a shell: neither the back-office nor the admin sets it yet.
REQUIRE_PIECE = f"""
from django_tenants.utils import schema_context
from catalog.models import Service
from reservations.models import EnrolmentRequirement
from storage.models import DocumentType
with schema_context("lepallet"):
    kind = DocumentType.objects.get_or_create(name="{PIECE}", defaults={{"help_text": "De moins de 3 mois."}})[0]
    EnrolmentRequirement.objects.get_or_create(service=Service.objects.get(name="{SERVICE}"), document_type=kind)
"""


# What a download answers (Playwright's own client cannot resolve *.localhost, the browser can).
FETCH = """async (href) => {
  const answer = await fetch(href);
  return {type: answer.headers.get("content-type"), size: (await answer.arrayBuffer()).byteLength};
}"""


def first_monday(today: date) -> date:
    """A Monday far enough ahead that the périscolaire's 48 working hours have not passed for it."""
    ahead = 7 - today.weekday()
    return today + timedelta(days=ahead if ahead >= 5 else ahead + 7)


def booked_days(page: Page) -> list[date]:
    """The days the child's page lists as booked by the household, read back from their French dates."""
    days = []
    for line in page.locator("ul.bookings li").all_inner_texts():
        match = re.match(r"^\w+ (\d+) (\w+) (\d{4}) — " + SERVICE, line)
        if match:
            days.append(date(int(match[3]), MONTHS.index(match[2]) + 1, int(match[1])))
    return days


def in_weeks_of(day: date, anchor: date) -> bool:
    monday = day - timedelta(days=day.weekday())
    return ((monday - anchor).days // 7) % 2 == 0


@pytest.fixture
def employer_letter(tmp_path: Path) -> Path:
    path = tmp_path / "attestation-employeur.pdf"
    path.write_bytes(pdf_bytes())
    return path


def request_enrolment(page: Page, portal: Portal, anchor: date, letter: Path) -> None:
    page.goto(portal.url("lepallet", "/famille/"))
    page.get_by_role("link", name="Léa Démo").click()
    page.get_by_role("link", name="Inscrire à un service").click()
    page.get_by_role("link", name=SERVICE).click()
    for weekday in ("Lundi", "Mardi"):
        for unit in ("Matin", "Soir"):
            page.get_by_role("group", name=weekday, exact=True).get_by_label(unit, exact=True).check()
    page.get_by_role("radio", name="Une semaine sur deux").check()
    # Sent without the first week nor the piece: refused, with what was ticked still there.
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator(".form-errors")).to_contain_text("choisissez-les à nouveau")
    expect(page.locator("main")).to_contain_text("Indiquez la première semaine où l’enfant vient")
    expect(page.get_by_role("group", name="Mardi", exact=True).get_by_label("Soir", exact=True)).to_be_checked()
    expect(page.get_by_role("radio", name="Une semaine sur deux")).to_be_checked()
    page.get_by_label("Première semaine").fill(anchor.isoformat())
    page.get_by_label(PIECE).set_input_files(letter)
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator(".messages")).to_contain_text("Demande d’inscription envoyée : la mairie va l’examiner.")
    expect(page.locator("ul.enrolments")).to_contain_text(f"{SERVICE} — ? En attente")


def validate(agent: Page, portal: Portal, household: str) -> None:
    agent.goto(portal.url("lepallet", "/"))
    agent.get_by_role("link", name="Familles").click()
    agent.get_by_role("link", name="Toutes les inscriptions à examiner").click()
    row = agent.get_by_role("row").filter(has_text=household).filter(has_text=SERVICE)
    row.get_by_role("link", name=re.compile("^Examiner")).click()
    summary = agent.locator("dl.summary")
    expect(summary).to_contain_text("Lundi : Matin, Soir")
    expect(summary).to_contain_text("Une semaine sur deux, à partir de la semaine du")
    expect(summary.get_by_role("link", name="attestation-employeur.pdf")).to_be_visible()
    agent.get_by_label("Valider").check()
    agent.get_by_role("button", name="Enregistrer la décision").click()
    expect(agent.locator(".messages")).to_contain_text(re.compile(r"Inscription validée : \d+ jours? réservés?"))
    expect(agent.locator("#booked-title")).to_contain_text("réservé")


def test_separated_parents_enrol_their_child_for_their_own_weeks(
    browser: Browser, page: Page, portal: Portal, employer_letter: Path
):
    portal.manage("shell", "-c", REQUIRE_PIECE)
    ours = first_monday(date.today())
    theirs = ours + timedelta(days=7)

    # The first parent asks for matin and soir on Mondays and Tuesdays, one week in two.
    log_in(page, portal, "lepallet", "parent@lepallet.test")
    request_enrolment(page, portal, ours, employer_letter)

    # The mairie validates it from its queue.
    agent = browser.new_context(locale="fr-FR").new_page()
    log_in(agent, portal, "lepallet", "mairie@lepallet.test")
    validate(agent, portal, "Famille Démo")

    # The days appear on the child's page, and the attestation downloads.
    page.reload()
    expect(page.locator("ul.enrolments")).to_contain_text(f"{SERVICE} — V Validée")
    our_days = booked_days(page)
    assert our_days and all(d.weekday() in (0, 1) and in_weeks_of(d, ours) for d in our_days), our_days
    link = page.get_by_role("link", name=f"Télécharger l’attestation (PDF) — {SERVICE}")
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == "attestation-inscription-lea-demo-accueil-periscolaire.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    answer = page.evaluate(FETCH, link.get_attribute("href"))  # the same download, read by the page itself
    assert answer["type"] == "application/pdf" and answer["size"] > 1500, answer

    # Ending it would cancel the days still cancellable and keep the others billed: previewed, not confirmed.
    page.get_by_role("link", name=f"Mettre fin à l’inscription — {SERVICE}").click()
    page.get_by_label("Plus d’accueil à partir du").fill(our_days[-1].isoformat())
    page.get_by_role("button", name="Voir ce qui change").click()
    expect(page.locator(".preview")).to_contain_text("sans frais")
    expect(page.get_by_role("button", name="Confirmer la fin de l’inscription")).to_be_visible()
    for viewport in ({"width": 1280, "height": 900}, {"width": 320, "height": 640}):
        page.set_viewport_size(viewport)
        blocking = [v["id"] for v in AXE.run(page).response["violations"] if v["impact"] in ("serious", "critical")]
        assert not blocking, (viewport, blocking)
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():  # the page reloaded at the end is the child's
        page.get_by_role("link", name="Léa Démo").click()

    # The other parent sees none of that household's days, and enrols Léa for the other weeks.
    other = browser.new_context(locale="fr-FR").new_page()
    log_in(other, portal, "lepallet", "parent2@lepallet.test")
    other.goto(portal.url("lepallet", "/famille/"))
    other.get_by_role("link", name="Léa Démo").click()
    expect(other.locator("ul.enrolments")).to_contain_text("Aucune inscription pour l’instant.")
    expect(other.locator("ul.bookings")).to_contain_text("Aucun jour réservé à venir.")
    request_enrolment(other, portal, theirs, employer_letter)
    validate(agent, portal, "Foyer Moreau")

    other.reload()
    their_days = booked_days(other)
    assert their_days and all(d.weekday() in (0, 1) and in_weeks_of(d, theirs) for d in their_days), their_days
    assert not set(their_days) & set(our_days)
    page.reload()
    assert booked_days(page) == our_days  # each household sees its own weeks only
