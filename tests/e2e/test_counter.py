"""In headless Chromium: a day past Le Pallet's 48 working hours cannot be booked online (the planning
says why), then the agent books it at the counter with the late price, and the family sees it booked."""

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Portal, log_in
from tests.e2e.test_planning_basket import ENROL, day_label

SERVICE = "Accueil périscolaire"


def first_late_day(page: Page) -> date:
    """The first day the planning shows locked for Tom's matin because its notice has passed."""
    day = date.today()
    for _ in range(10):
        day += timedelta(days=1)
        box = page.get_by_label(f"Tom, {day_label(day)}, {SERVICE}, Matin")
        if box.count() and box.is_disabled():
            return day
    raise AssertionError("no locked day in the next ten days")


def test_a_late_day_refused_online_is_booked_by_the_agent_with_the_late_price(
    browser: Browser, page: Page, portal: Portal
):
    portal.manage("shell", "-c", ENROL)
    log_in(page, portal, "lepallet", "parent@lepallet.test")
    page.goto(portal.url("lepallet", "/famille/planning/?vue=quinzaine"))
    late = first_late_day(page)
    expect(page.locator("main")).to_contain_text("non modifiable")

    agent = browser.new_context(locale="fr-FR").new_page()
    log_in(agent, portal, "lepallet", "mairie@lepallet.test")
    agent.goto(portal.url("lepallet", "/gestion/familles/"))
    agent.get_by_role("link", name=re.compile("Famille Démo")).first.click()
    agent.get_by_role("link", name=re.compile("Réserver ou annuler au guichet pour Tom")).click()
    agent.get_by_label("Service").select_option(label=SERVICE)
    agent.get_by_role("textbox", name="Jour").fill(f"{late:%Y-%m-%d}")
    agent.get_by_label(f"{SERVICE} — Matin").check()
    expect(agent.get_by_label("Appliquer le prix du retard")).to_be_checked()
    agent.get_by_role("button", name="Réserver").click()
    expect(agent.locator(".messages")).to_contain_text("prix du retard")
    expect(agent.get_by_role("region", name="Jours réservés à venir")).to_contain_text("au guichet")

    page.reload()
    box = page.get_by_label(f"Tom, {day_label(late)}, {SERVICE}, Matin")
    expect(box).to_be_checked()
