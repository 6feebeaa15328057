"""A mairie administrator configures a new service entirely from the back-office, in Chromium."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Portal, log_in


def save(page: Page) -> None:
    page.click("main button:has-text('Enregistrer')")


def add(page: Page, section: str) -> None:
    page.locator(f"#section-{section}").locator("xpath=..").get_by_role("link", name=re.compile("^Ajouter")).click()


def test_administrator_configures_a_holiday_service_with_its_rules(page: Page, portal: Portal):
    log_in(page, portal, "lepallet", "mairie@lepallet.test")
    page.get_by_role("link", name="Catalogue").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue des prestations")

    page.get_by_role("link", name="Nouvelle prestation").click()
    page.fill("#id_name", "Stage multisports")
    page.select_option("#id_kind", "holiday_centre")
    page.select_option("#id_site", index=1)
    page.select_option("#id_unit", "day")
    save(page)
    expect(page.locator(".form-errors")).to_contain_text("rien n’a été enregistré")
    expect(page.locator("#id_name")).to_have_value("Stage multisports")  # nothing typed is lost
    for weekday in range(5):
        page.check(f"#id_weekdays_{weekday}")
    page.select_option("#id_period", "holidays")
    page.fill("#id_capacity", "20")
    save(page)
    expect(page.locator(".messages")).to_contain_text("La prestation « Stage multisports » est enregistrée.")

    add(page, "delais")
    page.select_option("#id_direction", "booking")
    page.fill("#id_amount", "6")
    page.select_option("#id_unit", "calendar_days")
    page.select_option("#id_online_after", "refuse")
    page.fill("#id_preview_day", "2027-02-24")
    page.get_by_role("button", name="Voir l’effet de ces règles").click()
    expect(page.locator(".preview")).to_contain_text(
        "Avec ces règles, la réservation pour le mercredi 24 février 2027 ferme le jeudi 18 février 2027 à 23:59."
    )
    save(page)
    expect(page.locator("#section-delais + ul")).to_contain_text("Réservation : 6 jours calendaires")

    add(page, "delais")
    page.select_option("#id_direction", "cancellation")
    page.fill("#id_amount", "2")
    page.select_option("#id_unit", "calendar_days")
    page.fill("#id_time_of_day", "12:00")
    page.select_option("#id_late_price", "fixed")
    save(page)
    expect(page.locator("#id_late_amount_error")).to_have_text("Indiquez le montant du retard.")
    page.fill("#id_late_amount", "4,00")
    save(page)

    add(page, "capacites")
    page.fill("#id_date", "2027-02-24")
    page.fill("#id_capacity", "12")
    save(page)
    add(page, "exceptions")
    page.fill("#id_label", "Inventaire du matériel")
    page.fill("#id_start", "2027-02-26")
    page.fill("#id_end", "2027-02-26")
    save(page)

    page.get_by_role("link", name="Ajouter un tarif").click()
    page.fill("#id_valid_from", "2026-09-01")
    page.fill("#id_valid_to", "2027-08-31")
    page.fill("#id_tranches-0-qf_max", "700")
    page.fill("#id_tranches-0-price", "9,50")
    page.fill("#id_tranches-1-qf_min", "701")
    page.fill("#id_tranches-1-price", "14")
    save(page)
    expect(page.get_by_role("table").first).to_contain_text("9,50 €")

    page.fill("#id_day", "2027-02-24")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.locator(".preview")).to_contain_text("l'annulation pour le mercredi 24 février 2027 ferme le lundi 22")
    expect(page.locator(".preview")).to_contain_text("Acceptée en retard, elle coûte 4,00 €")

    page.get_by_role("link", name="Calendrier des ouvertures").click()
    page.goto(page.url + "?mois=2027-02")
    cells = page.locator("table.month td")
    expect(cells.filter(has_text=re.compile(r"^\s*24\b"))).to_contain_text("12 places")
    expect(cells.filter(has_text=re.compile(r"^\s*23\b"))).to_contain_text("20 places")
    expect(cells.filter(has_text=re.compile(r"^\s*26\b"))).to_contain_text("Inventaire du matériel")
    expect(cells.filter(has_text=re.compile(r"^\s*17\b"))).to_contain_text("Période scolaire")


def test_a_parent_cannot_open_the_back_office(page: Page, portal: Portal):
    log_in(page, portal, "lepallet", "parent@lepallet.test")

    response = page.goto(portal.url("lepallet", "/gestion/catalogue/"))

    assert response.status == 403
    expect(page.get_by_role("link", name="Catalogue")).to_have_count(0)
