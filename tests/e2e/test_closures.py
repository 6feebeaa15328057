"""In headless Chromium: a strike day closes one school's canteen. The agent fills the closure form, reads
the preview's count, confirms; the family of that school's child is e-mailed why, its booking is cancelled
by the closure and never billed, the other school's child keeps its meal; the pages pass axe."""

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect

from tests.e2e import shell
from tests.e2e.conftest import Portal, log_in, read_mailbox
from tests.e2e.test_planning_basket import day_label
from tests.e2e.test_waiting_list import a_school_wednesday, audit

SERVICE = "Restaurant scolaire"
SCHOOL = "École publique du Pallet"
MESSAGE = "Grève des enseignants de l'école publique : pas de cantine pour ses élèves."
# Run after shell.PRELUDE, which imports the models and defines service_year_household and enrolled_child.
SETUP = """
from families.models import Schooling
from reservations.services import Channel, DayRequest, bookings_take
DAY = date.fromisoformat("{day}")
with schema_context("lepallet"):
    service, year, mine = service_year_household("{service}", DAY)
    other = Household.objects.get_or_create(name="Famille Voisine", defaults={{"status": Decision.VALIDATED}})[0]
    for household, name, school in ((mine, "Inès", "{school}"), (other, "Hugo", "École Sainte-Marie")):
        child = enrolled_child(household, name, service, year, date(2018, 4, 2))
        Schooling.objects.update_or_create(child=child, school_year=year, defaults={{"school": school, "level": "CE2"}})
        bookings_take(actor=None, requests=[DayRequest(child, household, service, DAY, frozenset({{"repas"}}))],
            channel=Channel.ONLINE)
"""
CHECK = """
from datetime import date
from django_tenants.utils import schema_context
from reservations.models import AmountOwed, Booking
with schema_context("lepallet"):
    ines = Booking.objects.get(child__first_name="Inès", date=date.fromisoformat("{day}"))
    hugo = Booking.objects.get(child__first_name="Hugo", date=date.fromisoformat("{day}"))
    assert ines.state == "cancelled" and ines.closure.label == "{message}", (ines.state, ines.closure)
    assert hugo.state == "confirmed" and hugo.closure is None, (hugo.state, hugo.closure)
    assert not AmountOwed.objects.filter(booking=ines).exists()  # billed after the month: nothing was paid
"""


def test_a_strike_day_closes_one_schools_canteen_and_its_families_are_told_and_not_billed(
    browser: Browser, page: Page, portal: Portal
):
    day = a_school_wednesday(date.today()) + timedelta(days=1)  # a Thursday the canteen serves
    shell.run(portal, SETUP, day=day.isoformat(), service=SERVICE, school=SCHOOL)
    already = len(read_mailbox(portal, to="parent@lepallet.test"))

    log_in(page, portal, "lepallet", "mairie@lepallet.test")
    page.goto(portal.url("lepallet", "/gestion/familles/"))
    with page.expect_navigation():  # axe run before the page has loaded finds no document
        page.get_by_role("link", name=re.compile("Fermer un jour")).click()
    audit(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Décider une fermeture").click()
    audit(page)
    page.get_by_label("Jour fermé").fill(f"{day:%Y-%m-%d}")
    page.get_by_label("Cause").select_option(label="grève")
    page.get_by_label("Message aux familles").fill(MESSAGE)
    page.get_by_role("combobox", name=re.compile("^Service")).select_option(label=SERVICE)
    page.get_by_label("École").select_option(SCHOOL)
    page.get_by_role("button", name="Voir ce que la fermeture annule").click()
    preview = page.get_by_role("region", name=re.compile("Si vous confirmez la fermeture"))
    expect(preview).to_contain_text("1 réservation de 1 famille sera annulée, 0,00 € à rembourser")
    expect(preview).to_contain_text("Le jour reste ouvert aux autres enfants")
    expect(preview).to_contain_text("Inès")
    audit(page)
    page.get_by_role("button", name="Confirmer la fermeture").click()
    expect(page.locator(".messages")).to_contain_text("Fermeture enregistrée : 1 famille prévenue par e-mail.")
    expect(page.get_by_role("main")).to_contain_text("1 réservation annulée, jamais facturée")
    audit(page)

    mails = read_mailbox(portal, to="parent@lepallet.test")[already:]  # (a second guardian may get one too)
    closed = [body for subject, body in mails if f"Fermeture exceptionnelle le {day_label(day)}" in subject]
    assert len(closed) == 1, [subject for subject, _body in mails]  # the family, once
    closed = closed[0]
    assert MESSAGE in closed and "Inès — Restaurant scolaire (Repas)" in closed and "pas facturées" in closed
    portal.manage("shell", "-c", CHECK.format(day=day.isoformat(), message=MESSAGE))

    family = browser.new_context(locale="fr-FR").new_page()
    log_in(family, portal, "lepallet", "parent@lepallet.test")
    family.goto(portal.url("lepallet", f"/famille/planning/?vue=semaine&du={day:%Y-%m-%d}"))
    # The day is closed to Inès's school: no box to tick again, the closure's message instead.
    expect(family.get_by_label(f"Inès, {day_label(day)}, {SERVICE}, Repas")).to_have_count(0)
    expect(family.locator("fieldset.planning-day").filter(has_text=day_label(day).capitalize())).to_contain_text(
        MESSAGE
    )
    family.context.close()
