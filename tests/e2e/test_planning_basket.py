"""In headless Chromium: a parent books days for two children at once from the planning on a phone's
screen, each tick updating the basket in place, reads the basket's recap with prices, validates and
receives the confirmation; unticks a day and validates to cancel it; books every Tuesday evening in period
mode; in Lutinville, without JavaScript, four canteen meals at 3,60 € show 14,40 €, are held until paid,
and the expired hold frees the places."""

from datetime import date, timedelta

from django.utils import formats, translation
from playwright.sync_api import Page, expect

from catalog import calendar
from tests.e2e.conftest import Portal, log_in, read_mailbox

ENROL = """
from django_tenants.utils import schema_context
from catalog.models import SchoolYear, Service
from families.models import ChildHousehold, Child, Decision, Dossier, Household
from reservations.models import Enrolment
from datetime import date
# Le Pallet: two children of their own (Léa's enrolments are test_enrolment's); Lutinville: Léa.
COMMUNES = (("lepallet", "Accueil périscolaire", ["Tom", "Zoé"]), ("lutinville", "Cantine Les Lutins Gourmands", []))
for slug, service_name, names in COMMUNES:  # idempotent: each test may run it
    with schema_context(slug):
        household = Household.objects.get(guardians__email=f"parent@{slug}.test")
        year = SchoolYear.objects.filter(start__lte=date.today(), end__gte=date.today()).get()
        service = Service.objects.get(name=service_name)
        for name in names:
            if not Child.objects.filter(households=household, first_name=name).exists():
                child = Child.objects.create(
                    first_name=name, last_name="Démo", birth_date=date(2018, 4, 2), status=Decision.VALIDATED
                )
                ChildHousehold.objects.create(child=child, household=household)
        children = Child.objects.filter(households=household)
        for child in children.filter(first_name__in=names) if names else children:
            Enrolment.objects.get_or_create(
                child=child, household=household, service=service, school_year=year,
                defaults={"start": year.start, "end": year.end, "status": Decision.VALIDATED},
            )
            # Booking needs the year's dossier validated (the dossier's own flow is test_family_dossier's).
            Dossier.objects.get_or_create(child=child, school_year=year, defaults={"status": Dossier.Status.VALIDATED})
"""
EXPIRE_HOLDS = """
from datetime import timedelta
from django.utils import timezone
from django_tenants.utils import schema_context
from reservations.services.basket import holds_release
with schema_context("lutinville"):
    print(holds_release(timezone.now() + timedelta(hours=1)))
"""


def next_monday(today: date) -> date:
    """The Monday of a whole school week (zone B, the demo communes' default: no holiday, no public
    holiday), the week after next at the soonest: past every notice."""
    monday = today + timedelta(days=7 - today.weekday() + 7)
    while any(_no_school(monday + timedelta(days=n)) for n in range(5)):
        monday += timedelta(days=7)
    return monday


def _no_school(day: date) -> bool:
    return calendar.is_school_holiday(day, "B") or calendar.is_public_holiday(day)


def day_label(day: date) -> str:
    with translation.override("fr"):
        return formats.date_format(day, "l j F")


def tick(page: Page, child: str, day: date, service: str, unit: str) -> None:
    page.get_by_label(f"{child}, {day_label(day)}, {service}, {unit}").check()


def test_a_parent_books_for_two_children_validates_cancels_and_books_a_period(page: Page, portal: Portal):
    portal.manage("shell", "-c", ENROL)
    monday = next_monday(date.today())
    already = len(read_mailbox(portal))
    log_in(page, portal, "lepallet", "parent@lepallet.test")
    page.set_viewport_size({"width": 390, "height": 844})
    planning = portal.url("lepallet", f"/famille/planning/?vue=semaine&du={monday:%Y-%m-%d}")
    page.goto(planning)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways at 390 px"
    basket = page.locator("#planning-basket")  # a live region: screen readers hear each change
    expect(basket).to_have_attribute("aria-live", "polite")
    for n, (child, offset, unit) in enumerate((("Tom", 0, "Matin"), ("Tom", 1, "Soir"), ("Zoé", 0, "Matin")), 1):
        tick(page, child, monday + timedelta(days=offset), "Accueil périscolaire", unit)
        expect(basket).to_contain_text(f"{n} changement")  # in place, before the next tick
    # With the keyboard: Tab reaches the box, Space ticks it.
    page.get_by_label(f"Zoé, {day_label(monday + timedelta(days=1))}, Accueil périscolaire, Soir").focus()
    page.keyboard.press("Space")
    expect(basket).to_contain_text("1 jour modifié dans le panier")
    expect(basket).to_contain_text("4 changements dans le panier sur cette période")
    assert page.url == planning  # no page load: the basket was updated in place
    expect(page.get_by_label(f"Tom, {day_label(monday)}, Accueil périscolaire, Matin").locator("..")).to_contain_text(
        "à réserver (panier)"
    )

    page.get_by_role("link", name="Voir et valider le panier").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(5)  # the header and four days
    expect(page.locator("main")).to_contain_text("Total des changements")
    page.get_by_role("button", name="Valider le panier").click()
    expect(page.locator(".messages")).to_contain_text("4 changements enregistrés")
    expect(page.get_by_role("region", name="Réservé")).to_contain_text("Tom")
    subjects = [subject for subject, _body in read_mailbox(portal)[already:]]
    assert "[Le Pallet] Vos réservations sont enregistrées" in subjects, subjects

    # Unticking and validating cancels.
    page.goto(portal.url("lepallet", f"/famille/planning/?vue=semaine&du={monday:%Y-%m-%d}"))
    page.get_by_label(f"Tom, {day_label(monday)}, Accueil périscolaire, Matin").uncheck()
    expect(basket).to_contain_text("1 changement dans le panier")
    page.get_by_role("link", name="Voir et valider le panier").click()
    expect(page.locator("main")).to_contain_text("aucune (annulation)")
    page.get_by_role("button", name="Valider le panier").click()
    expect(page.get_by_role("region", name="Annulé")).to_contain_text("Tom")

    # Every Tuesday evening from that week to the Christmas holidays, in period mode.
    page.goto(portal.url("lepallet", "/famille/planning/periode/"))
    page.get_by_label("Du").fill(f"{monday:%Y-%m-%d}")
    page.get_by_label("Au").fill(f"{monday + timedelta(days=27):%Y-%m-%d}")
    page.get_by_role("group", name="Enfants").get_by_label("Zoé").check()
    page.get_by_role("group", name="Jours de la semaine").get_by_label("mardi").check()
    page.get_by_role("group", name="Unités — Accueil périscolaire").get_by_label("Soir").check()
    page.get_by_role("button", name="Ajouter au panier").click()
    page.get_by_role("link", name="Voir et valider le panier").click()
    expect(page.locator("main")).to_contain_text("mardi")
    page.get_by_role("button", name="Valider le panier").click()
    expect(page.locator(".messages")).to_contain_text("enregistré")


def test_in_lutinville_four_meals_show_14_40_and_an_unpaid_hold_frees_the_places(page_without_js: Page, portal: Portal):
    page = page_without_js
    portal.manage("shell", "-c", ENROL)
    monday = next_monday(date.today())
    log_in(page, portal, "lutinville", "parent@lutinville.test")
    page.goto(portal.url("lutinville", f"/famille/planning/?vue=semaine&du={monday:%Y-%m-%d}"))
    for offset in (0, 1, 3, 4):
        tick(page, "Léa", monday + timedelta(days=offset), "Cantine Les Lutins Gourmands", "Repas")
    page.get_by_role("button", name="Mettre à jour le panier").click()
    # Saved before the link is followed: the page shown has the link too, and following it cancels the form.
    expect(page.locator(".messages")).to_contain_text("4 jours modifiés dans le panier")
    page.get_by_role("link", name="Voir et valider le panier").click()
    expect(page.locator("main")).to_contain_text("Total des changements : 14,40 €")
    page.get_by_role("button", name="Valider le panier").click()
    expect(page.locator("main")).to_contain_text("À payer : 14,40 €")

    portal.manage("shell", "-c", EXPIRE_HOLDS)  # an hour later: the payment never came
    page.goto(portal.url("lutinville", f"/famille/planning/?vue=semaine&du={monday:%Y-%m-%d}"))
    box = page.get_by_label(f"Léa, {day_label(monday)}, Cantine Les Lutins Gourmands, Repas")
    expect(box).not_to_be_checked()
