"""In headless Chromium: a parent reports a child ill in the morning without the certificate, adds it in the
afternoon from the absences page, the mairie's agent justifies it with the certificate at hand, and the
parent reads « justifiée » (and is e-mailed); the pages pass axe."""

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect

from tests.e2e import shell
from tests.e2e.conftest import Portal, log_in, read_mailbox
from tests.e2e.test_planning_basket import day_label
from tests.e2e.test_waiting_list import audit
from tests.samples import pdf_bytes

SERVICE = "Accueil périscolaire"
# Inès, enrolled for the year, booked the next morning the service runs (written as it stands: the booking
# rules are not what this test is about, and today may be a weekend or a holiday).
# Run after shell.PRELUDE, which imports the models and defines service_year_household and enrolled_child.
SETUP = """
from reservations.models import Booking
DAY = date.fromisoformat("{day}")
with schema_context("lepallet"):
    service, year, mine = service_year_household("{service}", DAY)
    ines = enrolled_child(mine, "Inès", service, year, date(2019, 5, 4))
    Booking.objects.create(child=ines, household=mine, service=service, unit=service.units.get(code="matin"),
        date=DAY, state=Booking.State.CONFIRMED, source=Booking.Source.PARENT)
"""


def next_school_morning(today: date) -> date:
    """The next Monday, Tuesday, Thursday or Friday (the périscolaire's days) after today."""
    day = today + timedelta(days=1)
    while day.weekday() not in (0, 1, 3, 4):
        day += timedelta(days=1)
    return day


def test_a_parent_reports_an_illness_adds_the_certificate_later_and_the_mairie_justifies_it(
    page: Page, browser: Browser, portal: Portal
):
    day = next_school_morning(date.today())
    shell.run(portal, SETUP, day=day.isoformat(), service=SERVICE)
    already = len(read_mailbox(portal))

    # The morning: Inès is ill, the doctor sees her at 15:00.
    log_in(page, portal, "lepallet", "parent@lepallet.test")
    page.goto(portal.url("lepallet", "/famille/planning/"))
    with page.expect_navigation():  # axe run before the page has loaded finds no document
        page.get_by_role("link", name="Signaler une absence").click()
    audit(page)
    page.get_by_label("Enfant").select_option(label="Inès Démo")
    page.get_by_label("Service").select_option(label=SERVICE)
    illness = page.locator(f'#id_reason optgroup[label="{SERVICE}"] option', has_text="Maladie").get_attribute("value")
    page.get_by_label("Motif").select_option(value=illness)
    page.get_by_label("Premier jour d'absence").fill(day.isoformat())
    page.get_by_role("button", name="Signaler l'absence").click()
    expect(page.locator(".messages")).to_contain_text("Absence signalée : la mairie va l'examiner.")
    absence = page.get_by_role("region", name=re.compile(f"Inès — {SERVICE}"))
    expect(absence).to_contain_text("Signalée, à examiner")
    expect(absence).to_contain_text("à ajouter au plus tard le")
    audit(page)

    # The afternoon: the certificate, from the absences page.
    absence.get_by_label("Ajouter le justificatif (PDF, JPEG ou PNG)").set_input_files(
        {"name": "certificat-medical.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    absence.get_by_role("button", name=f"Envoyer le justificatif — Inès, {day_label(day)}").click()
    expect(page.locator(".messages")).to_contain_text("Justificatif envoyé")
    expect(absence.get_by_role("link", name="certificat-medical.pdf")).to_be_visible()

    # The mairie: the absence waits in the families queue, the certificate downloads, it is justified.
    agent = browser.new_context(locale="fr-FR").new_page()
    log_in(agent, portal, "lepallet", "mairie@lepallet.test")
    agent.goto(portal.url("lepallet", "/gestion/familles/"))
    with agent.expect_navigation():
        agent.get_by_role("link", name="Toutes les absences à examiner").click()
    audit(agent)
    with agent.expect_navigation():
        agent.get_by_role("link", name=re.compile("Examiner Inès Démo")).click()
    audit(agent)
    with agent.expect_download() as download:
        agent.get_by_role("link", name=re.compile("certificat-medical.pdf")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    agent.get_by_label("Justifiée : non facturée").check()
    agent.get_by_role("button", name="Enregistrer la décision").click()
    expect(agent.locator(".messages")).to_contain_text("Décision enregistrée")
    agent.context.close()

    page.reload()
    expect(absence).to_contain_text("Justifiée")
    subjects = [subject for subject, _body in read_mailbox(portal)[already:]]
    assert any("Absence justifiée : Inès" in s for s in subjects), subjects
