"""In headless Chromium: a parent joins the waiting list of a full Wednesday from the planning, reads the
rank, and is booked when the other family cancels (and e-mailed); on another Wednesday, a place freed within
the service's margin before the cancellation deadline is offered instead: the parent is e-mailed and accepts
it from the waiting list; the pages pass axe."""

from datetime import date, timedelta

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from catalog import calendar
from tests.e2e import shell
from tests.e2e.conftest import Portal, log_in, read_mailbox
from tests.e2e.test_planning_basket import day_label

AXE = Axe()
SERVICE = "Accueil de loisirs du mercredi"
# Run after shell.PRELUDE, which imports the models and defines service_year_household and enrolled_child.
SETUP = """
from catalog.models import CapacityOverride
from reservations.services import Channel, DayRequest, bookings_take
DAY = date.fromisoformat("{day}")
with schema_context("lepallet"):
    service, year, mine = service_year_household("{service}", DAY)
    CapacityOverride.objects.update_or_create(service=service, date=DAY, defaults={{"capacity": 1}})
    rival = Household.objects.get_or_create(name="Famille Rivale", defaults={{"status": Decision.VALIDATED}})[0]
    enrolled_child(mine, "Nina", service, year, date(2018, 4, 2))
    remi = enrolled_child(rival, "Rémi", service, year, date(2018, 4, 2))
    asked = DayRequest(remi, rival, service, DAY, frozenset({{"journee"}}))
    bookings_take(actor=None, requests=[asked], channel=Channel.ONLINE)
"""
# Another family's Wednesday, children and rival: the tests share the e2e database. The service's margin is
# raised so that the freed place is offered, not booked (it is put back at the end: RESTORE).
OFFER_SETUP = """
from accounts.models import User
from catalog.models import CapacityOverride
from reservations.models import WaitingListEntry
from reservations.services import Channel, DayRequest, bookings_take
from reservations.services.waiting import waiting_join
DAY = date.fromisoformat("{day}")
with schema_context("lepallet"):
    Service.objects.filter(name="{service}").update(waiting_list_margin_hours=10000)
    service, year, mine = service_year_household("{service}", DAY)
    CapacityOverride.objects.update_or_create(service=service, date=DAY, defaults={{"capacity": 1}})
    rival = Household.objects.get_or_create(name="Famille Concurrente", defaults={{"status": Decision.VALIDATED}})[0]
    noe = enrolled_child(mine, "Noé", service, year, date(2018, 6, 9))
    rose = enrolled_child(rival, "Rose", service, year, date(2018, 6, 9))
    asked = DayRequest(rose, rival, service, DAY, frozenset({{"journee"}}))
    assert bookings_take(actor=None, requests=[asked], channel=Channel.ONLINE).changed
    if not WaitingListEntry.objects.filter(child=noe, date=DAY, state__in=WaitingListEntry.ACTIVE):
        waiting_join(actor=User.objects.get(email="parent@lepallet.test"), household=mine, child=noe,
            service=service, day=DAY, units=["journee"])
"""
RESTORE = """
from django_tenants.utils import schema_context
from catalog.models import Service
with schema_context("lepallet"):
    margin = Service._meta.get_field("waiting_list_margin_hours").default
    Service.objects.filter(name="{service}").update(waiting_list_margin_hours=margin)
"""
CANCEL = """
from datetime import date
from django_tenants.utils import schema_context
from reservations.models import Booking
from reservations.services import Channel, bookings_cancel
with schema_context("lepallet"):
    day = date.fromisoformat("{day}")
    held = Booking.objects.filter(child__first_name="{child}", date=day, state__in=Booking.HOLDING)
    bookings_cancel(actor=None, bookings=list(held), channel=Channel.ONLINE)
"""


def _school_wednesday_from(day: date) -> date:
    while calendar.is_school_holiday(day, "B") or calendar.is_public_holiday(day):
        day += timedelta(days=7)  # a Wednesday the centre runs (school term, zone B)
    return day


def a_school_wednesday(today: date) -> date:
    """The second Wednesday from today: past the centre's 5 working days, yet far from its deadlines."""
    return _school_wednesday_from(today + timedelta(days=(2 - today.weekday()) % 7 + 14))


def a_later_school_wednesday(today: date) -> date:
    """A Wednesday of school after a_school_wednesday's, so that the two tests' days are not the same."""
    return _school_wednesday_from(a_school_wednesday(today) + timedelta(days=7))


def audit(page: Page) -> None:
    blocking = [v["id"] for v in AXE.run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert not blocking, f"{page.url}: {blocking}"


def test_a_parent_waits_for_a_full_wednesday_and_is_booked_when_a_place_frees(page: Page, portal: Portal):
    day = a_school_wednesday(date.today())
    shell.run(portal, SETUP, day=day.isoformat(), service=SERVICE)
    already = len(read_mailbox(portal))
    log_in(page, portal, "lepallet", "parent@lepallet.test")
    page.goto(portal.url("lepallet", f"/famille/planning/?vue=semaine&du={day:%Y-%m-%d}"))
    box = page.get_by_label(f"Nina, {day_label(day)}, {SERVICE}, Journée")
    expect(box).to_be_disabled()
    expect(box.locator("..")).to_contain_text("complet")

    with page.expect_navigation():  # axe run before the page has loaded finds no document
        page.get_by_role("link", name=f"Rejoindre la liste d'attente — Nina, {day_label(day)}, Journée").click()
    audit(page)
    page.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    expect(page.locator(".messages")).to_contain_text("Nina est sur la liste d'attente")
    expect(page.get_by_role("table")).to_contain_text("1er sur la liste d'attente")
    audit(page)
    page.goto(portal.url("lepallet", f"/famille/planning/?vue=semaine&du={day:%Y-%m-%d}"))
    expect(box.locator("..")).to_contain_text("en liste d'attente")

    portal.manage("shell", "-c", CANCEL.format(day=day.isoformat(), child="Rémi"))  # the other family cancels
    page.reload()
    expect(box).to_be_checked()
    expect(box.locator("..")).to_contain_text("réservé")
    subjects = [subject for subject, _body in read_mailbox(portal)[already:]]
    assert any("Place obtenue sur liste d'attente : Nina" in s for s in subjects), subjects


def test_a_parent_is_offered_a_place_freed_late_and_accepts_it(page: Page, portal: Portal):
    day = a_later_school_wednesday(date.today())
    try:
        shell.run(portal, OFFER_SETUP, day=day.isoformat(), service=SERVICE)
        already = len(read_mailbox(portal, to="parent@lepallet.test"))
        log_in(page, portal, "lepallet", "parent@lepallet.test")
        page.goto(portal.url("lepallet", "/famille/liste-d-attente/"))
        line = page.get_by_role("row").filter(has_text=day_label(day).capitalize()).filter(has_text="Noé")
        expect(line).to_contain_text("1er sur la liste d'attente")

        portal.manage("shell", "-c", CANCEL.format(day=day.isoformat(), child="Rose"))  # the other family cancels
        mails = read_mailbox(portal, to="parent@lepallet.test")[already:]  # (a second guardian gets one too)
        offers = [(s, body) for s, body in mails if f"Une place vous est proposée : Noé, {day_label(day)}" in s]
        assert len(offers) == 1, [s for s, _body in mails]
        body = offers[0][1]
        assert "Elle vous est gardée jusqu'au" in body, body
        assert portal.url("lepallet", "/famille/liste-d-attente/") in body, body

        page.goto(portal.url("lepallet", "/famille/liste-d-attente/"))  # the link of the e-mail
        expect(line).to_contain_text("Place proposée jusqu'au")
        audit(page)
        line.get_by_role("button", name=f"Accepter la place — Noé, {day_label(day)}").click()
        expect(page.locator(".messages")).to_contain_text("Place acceptée : elle est réservée.")
        expect(page.get_by_role("button", name=f"Accepter la place — Noé, {day_label(day)}")).to_have_count(0)

        page.goto(portal.url("lepallet", f"/famille/planning/?vue=semaine&du={day:%Y-%m-%d}"))
        box = page.get_by_label(f"Noé, {day_label(day)}, {SERVICE}, Journée")
        expect(box).to_be_checked()
        expect(box.locator("..")).to_contain_text("réservé")
    finally:
        portal.manage("shell", "-c", RESTORE.format(service=SERVICE))
