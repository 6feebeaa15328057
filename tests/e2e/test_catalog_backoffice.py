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
    expect(page).to_have_url(re.compile(r"/prestations/\d+/calendrier/$"))  # before its address is read
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


def section(page: Page, slug: str):
    return page.locator(f"#section-{slug}").locator("xpath=..")


def type_in(page: Page, label: str, text: str) -> None:
    """Into the field of that label, with the keyboard."""
    field = page.get_by_label(label, exact=True)
    field.focus()
    field.press("ControlOrMeta+a")
    page.keyboard.type(text)


def tick(page: Page, group: str, *labels: str) -> None:
    """Tick checkboxes of a fieldset with the space bar."""
    fieldset = page.get_by_role("group", name=re.compile(f"^{re.escape(group)}"))
    for label in labels:
        fieldset.get_by_label(label, exact=True).press("Space")


def new_service(page: Page, name: str, kind: str, measure: str, weekdays: list[int], period: str) -> None:
    page.get_by_role("link", name="Catalogue").first.click()
    page.get_by_role("link", name="Nouvelle prestation").click()
    page.fill("#id_name", name)
    page.select_option("#id_kind", kind)
    page.select_option("#id_site", index=1)
    page.select_option("#id_unit", measure)
    for weekday in weekdays:
        page.check(f"#id_weekdays_{weekday}")
    page.select_option("#id_period", period)
    save(page)
    expect(page.locator(".messages")).to_contain_text(f"La prestation « {name} » est enregistrée.")


def add_unit(page: Page, name: str, hours: str, requires: tuple = (), excludes: tuple = ()) -> None:
    add(page, "unites")
    type_in(page, "Nom :", name)
    type_in(page, "Durée (heures) :", hours)
    tick(page, "Seulement avec", *requires)
    tick(page, "Incompatible avec", *excludes)
    page.get_by_label("Durée (heures) :", exact=True).press("Enter")  # the form's first button: Enregistrer
    expect(page.locator(".messages")).to_contain_text(f"« {name} » est enregistré.")


def add_combination(page: Page, name: str, units: tuple, priority: str) -> None:
    add(page, "combinaisons")
    type_in(page, "Nom :", name)
    tick(page, "Unités facturées ensemble", *units)
    type_in(page, "Priorité :", priority)
    page.get_by_label("Priorité :", exact=True).press("Enter")


def add_tariff(page: Page, priced: str, brackets: list[tuple[str, str, str]]) -> None:
    page.get_by_role("link", name="Ajouter un tarif").click()
    page.select_option("#id_priced", label=priced)
    page.fill("#id_valid_from", "2026-09-01")
    page.fill("#id_valid_to", "2027-08-31")
    for row, (qf_min, qf_max, price) in enumerate(brackets):
        page.fill(f"#id_tranches-{row}-qf_min", qf_min)
        page.fill(f"#id_tranches-{row}-qf_max", qf_max)
        page.fill(f"#id_tranches-{row}-price", price)
    save(page)
    expect(page.locator(".messages")).to_contain_text("est enregistré")


def billing_preview(page: Page, units: tuple, qf: str) -> None:
    card = page.locator("#billing-title").locator("xpath=..")
    for unit in units:
        card.get_by_label(unit, exact=True).check()
    card.get_by_label("Quotient familial :").fill(qf)
    card.get_by_role("button", name="Calculer").click()


def test_administrator_configures_a_holiday_centre_sold_by_day_half_day_and_meal(page: Page, portal: Portal):
    log_in(page, portal, "lepallet", "mairie@lepallet.test")
    new_service(page, "Centre d'été", "holiday_centre", "day", [0, 1, 2, 3, 4], "holidays")
    units = section(page, "unites").locator("ul.rows")
    expect(units).to_contain_text("Journée — 8 h")  # the unit a day-measured service starts with

    add_unit(page, "Matin", "3", excludes=("Journée",))
    add_unit(page, "Après-midi", "3,5", excludes=("Journée",))
    add_unit(page, "Repas", "1,5", requires=("Journée", "Matin", "Après-midi"))
    expect(units).to_contain_text("Journée — 8 h ; jamais le même jour que « Matin » ou « Après-midi »")
    expect(units).to_contain_text(
        "Repas — 1,5 h ; seulement avec « Journée », « Matin » ou « Après-midi » le même jour"
    )

    add_combination(page, "Journée avec matin", ("Journée", "Matin"), "5")
    expect(page.locator(".form-errors")).to_contain_text("rien n’a été enregistré")
    expect(page.locator("#id_units_error")).to_contain_text(
        "Une famille ne pourra jamais réserver ces unités ensemble."
    )
    page.get_by_role("link", name="Annuler").click()
    add_combination(page, "Journée complète", ("Matin", "Après-midi", "Repas"), "30")
    add_combination(page, "Journée avec repas", ("Journée", "Repas"), "20")
    add_combination(page, "Matin avec repas", ("Matin", "Repas"), "10")
    add_combination(page, "Après-midi avec repas", ("Après-midi", "Repas"), "10")
    combinations = section(page, "combinaisons").locator("ul.rows")
    expect(combinations).to_contain_text(
        "Journée complète — « Matin », « Après-midi » et « Repas » sur une seule ligne de facture ; priorité 30"
    )
    expect(combinations).to_contain_text("Journée avec repas — « Journée » et « Repas »")

    add(page, "delais")
    page.select_option("#id_direction", "booking")
    page.fill("#id_amount", "5")
    page.select_option("#id_unit", "working_days")
    page.select_option("#id_late_price", "plus")
    page.fill("#id_late_amount", "3")
    save(page)
    expect(section(page, "delais").locator("ul.rows")).to_contain_text("Toutes les unités — Réservation : 5 jours")

    qf = [("0", "600", "9"), ("601", "1200", "13,50"), ("1201", "", "17")]
    for priced in ("Journée complète", "Journée avec repas"):
        add_tariff(page, priced, qf)
    add_tariff(page, "Matin", [("0", "", "4,90")])
    add_tariff(page, "Après-midi", [("0", "", "4,90")])
    expect(page.locator("#tariffs-title").locator("xpath=..")).to_contain_text("Combinaison : Journée complète")
    expect(units).to_contain_text("Matin — 3 h ; jamais le même jour que « Journée » ; a son propre tarif")

    page.fill("#id_day", "2027-02-24")
    page.get_by_role("button", name="Vérifier").click()
    # The day's page, before its billing form is filled (the preview of the day shown before says the same).
    expect(page).to_have_url(re.compile(r"\?day=2027-02-24$"))
    expect(page.locator(".preview").first).to_contain_text("Acceptée en retard, elle coûte le tarif plus 3,00 €")
    billing_preview(page, ("Matin", "Repas", "Après-midi"), "800")
    result = page.locator(".billing-preview")
    expect(result).to_contain_text("Le mercredi 24 février 2027, « Matin », « Après-midi » et « Repas »")
    expect(result).to_contain_text("« Journée complète » (« Matin », « Après-midi » et « Repas ») : 13,50 €")
    expect(result).to_contain_text("Réservé après le délai : 16,50 €.")
    billing_preview(page, ("Journée", "Matin"), "800")
    expect(page.locator(".billing-preview")).to_contain_text("« Journée » ne se réserve pas avec « Matin »")


def test_administrator_configures_a_periscolaire_with_seed_001s_late_prices(page: Page, portal: Portal):
    log_in(page, portal, "lepallet", "mairie@lepallet.test")
    new_service(page, "Garderie du groupe scolaire", "morning_care", "session", [0, 1, 3, 4], "school_terms")
    units = section(page, "unites").locator("ul.rows")
    units.get_by_role("link", name="Modifier Séance").click()
    type_in(page, "Nom :", "Matin")
    type_in(page, "Code :", "matin")
    type_in(page, "Durée (heures) :", "1,5")
    page.get_by_label("Durée (heures) :", exact=True).press("Enter")
    add_unit(page, "Soir", "2,5")
    expect(units).to_contain_text("Matin — 1,5 h")
    expect(units).to_contain_text("Soir — 2,5 h")

    for unit, late in (("Matin", "4,00"), ("Soir", "10,00")):
        add(page, "delais")
        page.select_option("#id_applies_to", label=unit)
        page.select_option("#id_direction", "booking")
        page.fill("#id_amount", "48")
        page.select_option("#id_unit", "working_hours")
        page.select_option("#id_online_after", "refuse")
        page.select_option("#id_late_price", "fixed")
        page.fill("#id_late_amount", late)
        page.fill("#id_preview_day", "2027-01-14")
        page.get_by_role("button", name="Voir l’effet de ces règles").click()
        expect(page.locator(".preview")).to_contain_text(
            f"la réservation ({unit}) pour le jeudi 14 janvier 2027 ferme le lundi 11 janvier 2027 à 23:59."
        )
        expect(page.locator(".preview")).to_contain_text("impossible en ligne : la famille contacte la structure.")
        expect(page.locator(".preview")).to_contain_text(f"Acceptée en retard, elle coûte {late} €")
        save(page)
    add(page, "delais")
    expect(page.locator("#id_applies_to")).to_have_value("")  # every unit without a rule of its own
    page.select_option("#id_direction", "cancellation")
    page.fill("#id_amount", "48")
    page.select_option("#id_unit", "working_hours")
    save(page)
    rules = section(page, "delais").locator("ul.rows")
    expect(rules).to_contain_text("Matin — Réservation : 48 heures ouvrées")
    expect(rules).to_contain_text("Soir — Réservation : 48 heures ouvrées")
    expect(rules).to_contain_text("Toutes les unités — Annulation : 48 heures ouvrées")

    add_tariff(page, "Matin", [("0", "600", "1,10"), ("601", "", "1,55")])
    add_tariff(page, "Soir", [("0", "600", "1,80"), ("601", "", "2,60")])
    page.fill("#id_day", "2027-01-14")
    page.get_by_role("button", name="Vérifier").click()
    expect(page).to_have_url(re.compile(r"\?day=2027-01-14$"))  # the day's page, before its billing form is filled
    billing_preview(page, ("Matin", "Soir"), "800")
    result = page.locator(".billing-preview")
    expect(result).to_contain_text("« Matin » : 1,55 €")
    expect(result).to_contain_text("« Soir » : 2,60 €")
    expect(result).to_contain_text("Réservé après le délai : 14,00 €.")  # 4 € the morning, 10 € the evening
    expect(result).to_contain_text("Annulé après le délai : 4,15 € restent facturés.")
    expect(page.locator("#preview-title").locator("xpath=..")).to_contain_text(
        "la réservation (Soir) pour le jeudi 14 janvier 2027 ferme le lundi 11 janvier 2027 à 23:59."
    )
