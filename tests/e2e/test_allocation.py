"""In headless Chromium: a holiday-centre day has more requests than places and its booking window allocates
them after the requests. A parent asks for the day from /famille/attribution/; the agent previews the
drawn order with a seed, twice (the same seed, the same order, the non-resident family last), runs it and
reads its journal; the parent reads the outcome and why, and is e-mailed it; the pages pass axe."""

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect

from catalog import calendar
from tests.e2e import shell
from tests.e2e.conftest import Portal, log_in, read_mailbox
from tests.e2e.test_planning_basket import day_label
from tests.e2e.test_waiting_list import audit

SERVICE = "Accueil de loisirs des vacances"
# Three other families ask for the day at the counter; the Collins live outside the commune. The demo
# parent's Lou asks through the page: four requests for two places.
# Run after shell.PRELUDE, which imports the models and defines service_year_household and enrolled_child.
SETUP = """
from datetime import timedelta
from django.utils import timezone
from accounts.models import User
from catalog import engine
from catalog.models import BookingWindow, CapacityOverride
from catalog.selectors import catalog_snapshot, services_with_rules
from reservations.services.allocation import allocation_request
FIRST, LAST, DAY = (date.fromisoformat(d) for d in ("{first}", "{last}", "{day}"))
with schema_context("lepallet"):
    service, year, mine = service_year_household("{service}", DAY, services=services_with_rules())
    assert engine.is_open(catalog_snapshot(services=[service], start=DAY, end=DAY), service, DAY), DAY
    now = timezone.now()
    window = BookingWindow(service=service, first_day=FIRST, last_day=LAST, opens_at=now - timedelta(days=1),
        allocation=BookingWindow.Allocation.DRAW, requests_until=now + timedelta(days=1), priorities=["resident"])
    window.full_clean()
    window.save()
    CapacityOverride.objects.update_or_create(service=service, date=DAY, defaults={{"capacity": 2}})
    agent = User.objects.get(email="mairie@lepallet.test")
    families = [
        ("Famille Arnaud", "Alba", True), ("Famille Bernard", "Basile", True), ("Famille Collin", "Côme", False)
    ]
    for name, first_name, resident in [*families, (None, "Lou", True)]:
        household = mine if name is None else Household.objects.get_or_create(
            name=name, defaults={{"status": Decision.VALIDATED, "resident": resident, "city": "Le Pallet"}})[0]
        child = enrolled_child(household, first_name, service, year, date(2017, 9, 5))
        if name is not None:
            allocation_request(actor=agent, household=household, window=window, child=child, day=DAY, units=["journee"])
"""
CLOSE_REQUESTS = """
from datetime import timedelta
from django.utils import timezone
from django_tenants.utils import schema_context
from catalog.models import BookingWindow
with schema_context("lepallet"):
    window = BookingWindow.objects.get(service__name="{service}", first_day="{first}", allocated_at__isnull=True)
    window.requests_until = timezone.now() - timedelta(minutes=1)
    window.save(update_fields=["requests_until"])
"""
# A window covers its service's days: left behind, it would keep the other holiday days from being booked.
CLEAN_UP = """
from django_tenants.utils import schema_context
from catalog.models import BookingWindow
from reservations.models import AllocationRequest, AllocationRun
with schema_context("lepallet"):
    windows = BookingWindow.objects.filter(service__name="{service}", first_day="{first}")
    AllocationRequest.objects.filter(window__in=windows).delete()
    AllocationRun.objects.filter(window__in=windows).delete()
    windows.delete()
"""


def a_holiday_week(today: date) -> tuple[date, date, date]:
    """The Monday and Friday of a week of school holidays (zone B) four weeks or more from today, far from
    the centre's deadlines, and its first day the centre is open."""
    day = today + timedelta(days=28)
    while day.weekday() > 4 or not calendar.is_school_holiday(day, "B") or calendar.is_public_holiday(day):
        day += timedelta(days=1)
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=4), day


def drawn_order(page: Page, seed: int) -> list[list[str]]:
    page.get_by_label("Graine du tirage").fill(str(seed))
    with page.expect_navigation():  # the same seed again: its table shows before the answer does
        page.get_by_role("button", name="Voir l'ordre du tirage").click()
    table = page.get_by_role("table", name=f"Ordre avec la graine {seed}")
    expect(table).to_be_visible()
    return [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in table.locator("tbody tr").all()]


def test_a_window_allocates_by_priority_and_lottery_and_the_same_seed_gives_the_same_result(
    browser: Browser, page: Page, portal: Portal
):
    first, last, day = a_holiday_week(date.today())
    dates = {"first": first.isoformat(), "last": last.isoformat(), "service": SERVICE}
    try:
        shell.run(portal, SETUP, day=day.isoformat(), **dates)
        already = len(read_mailbox(portal, to="parent@lepallet.test"))

        log_in(page, portal, "lepallet", "parent@lepallet.test")
        page.goto(portal.url("lepallet", "/famille/planning/"))
        page.get_by_role("link", name="Demandes de places (attribution par tirage)").click()
        form = page.locator("form").filter(has=page.get_by_role("heading", name=re.compile(SERVICE)))
        expect(form).to_contain_text("Priorités, dans l'ordre : familles de la commune.")
        form.get_by_label("Lou", exact=True).check()
        form.get_by_label(day_label(day).capitalize(), exact=True).check()
        form.get_by_label("Journée", exact=True).check()
        audit(page)
        form.get_by_role("button", name="Envoyer mes demandes").click()
        expect(page.locator(".messages")).to_contain_text("1 demande enregistrée.")
        asked = page.get_by_role("region", name="Vos demandes")
        expect(asked).to_contain_text(f"{day_label(day).capitalize()} {day.year} — Lou (journee) : en attente")

        portal.manage("shell", "-c", CLOSE_REQUESTS.format(**dates))  # the requests close: the draw may run

        staff = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        agent = staff.new_page()
        log_in(agent, portal, "lepallet", "mairie@lepallet.test")
        agent.goto(portal.url("lepallet", "/gestion/familles/"))
        window_name = f"{SERVICE} — {first.day} {day_label(first).split()[2]}"
        agent.get_by_role("link", name=re.compile("^" + re.escape(window_name))).click()
        expect(agent).to_have_url(re.compile(r"/gestion/inscriptions/attributions/\d+/$"))
        order = drawn_order(agent, 42)
        assert len(order) == 4, order
        assert drawn_order(agent, 42) == order  # the same seed, the same order
        assert [rank for _day, rank, *_rest in order] == ["1", "2", "3", "4"], order
        assert order[-1][2:4] == ["Côme", "Famille Collin"], order  # not resident: after every resident
        assert sorted(child for _day, _rank, child, *_rest in order) == ["Alba", "Basile", "Côme", "Lou"], order
        audit(agent)

        agent.get_by_role("button", name="Attribuer les places").click()
        expect(agent.locator(".messages")).to_contain_text("Places attribuées (graine 42).")
        journal = agent.get_by_role("region", name=re.compile(r"Attribution du .*, graine 42"))
        expect(journal).to_contain_text(f"{day.isoformat()} : 2 places attribuées pour 4 demandes")
        requests = agent.get_by_role("table", name="Demandes", exact=True)
        winners = [child for _day, _rank, child, *_rest in order[:2]]
        for child in ("Alba", "Basile", "Côme", "Lou"):
            row = requests.get_by_role("row").filter(has_text=child)
            expect(row).to_contain_text("place attribuée" if child in winners else "pas de place attribuée")
        audit(agent)
        staff.close()

        lou = next(row for row in order if row[2] == "Lou")
        page.reload()
        outcome = "place attribuée" if "Lou" in winners else "pas de place attribuée"
        expect(asked).to_contain_text(f"Lou (journee) : {outcome}")
        expect(asked).to_contain_text("Critères de la commune — familles de la commune : oui.")
        expect(asked).to_contain_text(f"Tirage au sort : n° {lou[4]} sur 4 familles.")
        expect(asked).to_contain_text(f"Rang {lou[1]} ")
        audit(page)
        # To the demo parent (the household may have a second guardian, invited by another test).
        mine = read_mailbox(portal, to="parent@lepallet.test")
        mails = [(s, body) for s, body in mine[already:] if f"Attribution des places : {SERVICE}" in s]
        assert len(mails) == 1, [s for s, _body in mine[already:]]
        assert f"Tirage au sort : n° {lou[4]} sur 4 familles." in mails[0][1], mails[0][1]
    finally:
        portal.manage("shell", "-c", CLEAN_UP.format(**dates))
