"""The mairie's catalogue pages: who may do what, French errors that lose nothing, previews, calendar."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from audit.models import AuditEntry
from catalog import engine
from catalog.days import service_days
from catalog.models import (
    BookingWindow,
    CapacityOverride,
    CutoffRule,
    Service,
    ServiceUnit,
    Site,
    Tariff,
    UnitCombination,
)
from catalog.selectors import services_with_rules
from conftest import CLISSON, GORGES, signed_in
from core.roles import Role
from tests.factories import (
    CutoffRuleFactory,
    SchoolYearFactory,
    ServiceFactory,
    SiteFactory,
    TariffFactory,
    UserFactory,
    bracket,
)

BASE = "/gestion/catalogue"


@pytest.fixture
def wednesdays(in_clisson):
    SchoolYearFactory()
    return ServiceFactory(name="ALSH mercredi", weekdays=[2], capacity=24, unit=Service.Unit.DAY)


@pytest.fixture
def administrator(in_clisson):
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.fixture
def admin_client(administrator) -> Client:
    return signed_in(administrator, CLISSON.host)


def test_administrator_creates_a_service_and_the_journal_says_so(admin_client, administrator, in_clisson):
    site = SiteFactory()

    response = admin_client.post(
        f"{BASE}/prestations/nouvelle/",
        {
            "name": "Restaurant scolaire",
            "kind": "canteen",
            "site": site.pk,
            "unit": "meal",
            "weekdays": ["3", "0", "1", "4"],
            "period": "school_terms",
            "capacity": "120",
            "bookable_online": "on",
            "billing_mode": "postpaid",
            "booking_mode": "confirmed",
            "pending_at_cutoff": "refuse",
            "payment_hold_minutes": "30",
            "waiting_list_margin_hours": "24",
            "waiting_list_offer_hours": "12",
            "absence_proof_days": "2",
            "absence_waiting_days": "0",
            "colour": "#aa3300",
        },
    )

    service = Service.objects.get(name="Restaurant scolaire")
    assert response.status_code == 302 and response.url == f"{BASE}/prestations/{service.pk}/"
    assert service.code == "restaurant-scolaire" and [u.code for u in service.units.all()] == ["repas"]
    assert service.weekdays == [0, 1, 3, 4] and service.capacity == 120
    entry = AuditEntry.objects.get(target_type="catalog.service", target_id=str(service.pk))
    assert entry.action == "catalog.create" and entry.actor == administrator
    assert entry.changes["capacity"] == 120
    page = admin_client.get(response.url).content.decode()
    assert "Restaurant scolaire" in page and "lundi, mardi, jeudi, vendredi" in page


def test_service_form_errors_are_french_and_nothing_is_saved(admin_client, in_clisson):
    response = admin_client.post(
        f"{BASE}/prestations/nouvelle/",
        {
            "name": "",
            "kind": "canteen",
            "unit": "meal",
            "period": "all",
            "min_age_months": "72",
            "max_age_months": "36",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Le formulaire contient des erreurs ; rien n’a été enregistré." in page
    assert "Ce champ est obligatoire." in page
    assert "Cochez au moins un jour d&#x27;ouverture." in page
    assert not Service.objects.filter(kind="canteen", min_age_months=72).exists()


def test_cutoff_preview_says_when_booking_closes_without_saving(admin_client, wednesdays):
    response = admin_client.post(
        f"{BASE}/prestations/{wednesdays.pk}/delais/nouveau/",
        {
            "direction": "booking",
            "amount": "5",
            "unit": "working_days",
            "online_after": "refuse",
            "late_price": "normal",
            "late_amount": "0",
            "preview": "1",
            "preview_day": "2026-10-14",
        },
    )

    assert response.status_code == 200
    assert (
        "Avec ces règles, la réservation pour le mercredi 14 octobre 2026 ferme le mercredi 7 octobre 2026 à 23:59."
        in response.content.decode()
    )
    assert not wednesdays.cutoff_rules.exists()


def test_saved_cutoffs_show_on_the_service_page_preview(admin_client, wednesdays):
    CutoffRuleFactory(service=wednesdays, amount=5, unit=CutoffRule.Unit.WORKING_DAYS)
    CutoffRuleFactory(
        service=wednesdays,
        direction=CutoffRule.Direction.CANCELLATION,
        amount=2,
        unit=CutoffRule.Unit.CALENDAR_DAYS,
        time_of_day="12:00",
    )

    page = admin_client.get(f"{BASE}/prestations/{wednesdays.pk}/", {"day": "2026-10-14"}).content.decode()

    assert "la réservation pour le mercredi 14 octobre 2026 ferme le mercredi 7 octobre 2026 à 23:59" in page
    assert "l&#x27;annulation pour le mercredi 14 octobre 2026 ferme le lundi 12 octobre 2026 à 12:00" in page
    assert "impossible en ligne : la famille contacte la structure" in page
    assert "Acceptée en retard, le jour reste facturé." in page


RULE_FORM = {
    "direction": "booking",
    "amount": "2",
    "unit": "calendar_days",
    "online_after": "refuse",
    "late_price": "normal",
    "late_amount": "0",
}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"late_price": "fixed", "late_amount": "0"}, "Indiquez le montant du retard."),
        ({"late_price": "normal", "late_amount": "2"}, "Ce choix n&#x27;a pas de montant : laissez 0."),
        ({"unit": "month_day", "amount": "31"}, "Indiquez un jour du mois de 1 à 28"),
        ({"unit": "weekday", "amount": "7"}, "Indiquez un jour de la semaine de 0 (lundi) à 6 (dimanche)."),
        (
            {"unit": "hours", "time_of_day": "12:00"},
            "L&#x27;heure limite ne s&#x27;applique qu&#x27;à un délai en jours.",
        ),
        ({"amount": "-1"}, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
    ],
)
def test_cutoff_rules_are_checked(admin_client, wednesdays, data, message):
    form = RULE_FORM

    response = admin_client.post(f"{BASE}/prestations/{wednesdays.pk}/delais/nouveau/", form | data)

    assert response.status_code == 200 and message in response.content.decode()
    assert not wednesdays.cutoff_rules.exists()


def test_a_second_rule_in_the_same_direction_is_refused(admin_client, wednesdays):
    CutoffRuleFactory(service=wednesdays)
    form = RULE_FORM

    response = admin_client.post(f"{BASE}/prestations/{wednesdays.pk}/delais/nouveau/", form)

    assert "Cette unité a déjà un délai dans ce sens : modifiez-le." in response.content.decode()
    assert wednesdays.cutoff_rules.count() == 1


def test_booking_window_must_close_after_it_opens(admin_client, wednesdays):
    response = admin_client.post(
        f"{BASE}/prestations/{wednesdays.pk}/periodes/nouveau/",
        {
            "first_day": "2027-07-07",
            "last_day": "2027-08-27",
            "opens_at": "2027-03-01T08:00",
            "closes_at": "2027-02-01T08:00",
        },
    )

    assert "La clôture doit suivre l&#x27;ouverture." in response.content.decode()
    assert not BookingWindow.objects.exists()


def test_booking_window_times_are_paris_times(admin_client, wednesdays):
    admin_client.post(
        f"{BASE}/prestations/{wednesdays.pk}/periodes/nouveau/",
        {
            "first_day": "2027-07-07",
            "last_day": "2027-08-27",
            "opens_at": "2027-03-01T08:00",
            "allocation": "first_come",
        },
    )

    window = BookingWindow.objects.get()
    assert window.opens_at.isoformat() == "2027-03-01T07:00:00+00:00"


def test_tariff_with_brackets_is_saved_whole(admin_client, wednesdays):
    url = f"{BASE}/prestations/{wednesdays.pk}/tarifs/nouveau/"
    form = {
        "valid_from": "2026-09-01",
        "valid_to": "2027-08-31",
        "residence": "any",
        "tranches-TOTAL_FORMS": "3",
        "tranches-INITIAL_FORMS": "0",
        "tranches-0-qf_min": "0",
        "tranches-0-qf_max": "700",
        "tranches-0-price": "8.50",
        "tranches-1-qf_min": "701",
        "tranches-1-qf_max": "",
        "tranches-1-price": "12.00",
        "tranches-2-qf_min": "0",  # the untouched extra row, as a browser posts it
    }

    overlapping = admin_client.post(url, form | {"tranches-1-qf_min": "650"})
    saved = admin_client.post(url, form)

    assert "Les tranches 0–700 et 650–∞ se chevauchent." in overlapping.content.decode()
    assert saved.status_code == 302
    tariff = Tariff.objects.get(service=wednesdays)
    assert [(b.qf_min, b.qf_max, str(b.price)) for b in tariff.brackets.all()] == [
        (0, 700, "8.50"),
        (701, None, "12.00"),
    ]


def test_overlapping_tariffs_are_refused(admin_client, wednesdays):
    TariffFactory(service=wednesdays)
    form = {"valid_from": "2027-01-01", "residence": "any", "tranches-TOTAL_FORMS": "0", "tranches-INITIAL_FORMS": "0"}

    response = admin_client.post(f"{BASE}/prestations/{wednesdays.pk}/tarifs/nouveau/", form)

    assert "Le tarif valable à partir du 01/09/2026 couvre déjà une partie de ces dates." in response.content.decode()
    assert wednesdays.tariffs.count() == 1


def test_editing_a_tariff_replaces_its_brackets(admin_client, wednesdays):
    tariff = TariffFactory(service=wednesdays)
    first = bracket(tariff, 0, 500, "3.00")
    bracket(tariff, 501, None, "4.00")
    form = {
        "valid_from": "2026-09-01",
        "valid_to": "2027-08-31",
        "residence": "any",
        "tranches-TOTAL_FORMS": "2",
        "tranches-INITIAL_FORMS": "2",
        "tranches-0-id": str(first.pk),
        "tranches-0-qf_min": "0",
        "tranches-0-qf_max": "",
        "tranches-0-price": "3.60",
        "tranches-1-id": str(first.pk + 1),
        "tranches-1-qf_min": "501",
        "tranches-1-price": "4.00",
        "tranches-1-DELETE": "on",
    }

    response = admin_client.post(f"{BASE}/prestations/{wednesdays.pk}/tarifs/{tariff.pk}/", form)

    assert response.status_code == 302
    assert [(b.qf_min, b.qf_max, str(b.price)) for b in tariff.brackets.all()] == [(0, None, "3.60")]


def test_calendar_shows_openings_capacities_and_why_days_are_closed(admin_client, wednesdays):
    CapacityOverride.objects.create(service=wednesdays, date=date(2026, 11, 18), capacity=12)

    page = admin_client.get(f"{BASE}/prestations/{wednesdays.pk}/calendrier/", {"mois": "2026-11"}).content.decode()

    assert "Novembre 2026" in page
    assert "Jour férié : Armistice" in page  # Wednesday 11 November
    assert "12 places" in page and "24 places" in page
    assert "Vacances scolaires" not in page


def test_a_manager_sees_only_the_services_given_to_them(in_clisson, wednesdays):
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    canteen = ServiceFactory(name="Cantine", site=SiteFactory(name="École du Val"))
    via_site = ServiceFactory(name="Périscolaire", site=Site.objects.get(name="École du Val"))
    wednesdays.managers.add(manager)
    client = signed_in(manager, CLISSON.host)

    home = client.get(f"{BASE}/").content.decode()
    Site.objects.get(name="École du Val").managers.add(manager)
    home_with_site = client.get(f"{BASE}/").content.decode()

    assert "ALSH mercredi" in home and "Cantine" not in home
    assert "Cantine" in home_with_site and "Périscolaire" in home_with_site
    assert client.get(f"{BASE}/prestations/{wednesdays.pk}/").status_code == 200
    Site.objects.get(name="École du Val").managers.remove(manager)
    assert client.get(f"{BASE}/prestations/{canteen.pk}/").status_code == 404
    assert client.get(f"{BASE}/prestations/{via_site.pk}/delais/nouveau/").status_code == 404
    assert client.get(f"{BASE}/prestations/nouvelle/").status_code == 403
    assert client.get(f"{BASE}/sites/nouveau/").status_code == 403
    assert client.post(f"{BASE}/prestations/{wednesdays.pk}/supprimer/").status_code == 403


def test_a_manager_cannot_move_their_service_or_choose_its_managers(in_clisson, wednesdays):
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    wednesdays.managers.add(manager)
    other_site = SiteFactory(name="Ailleurs")
    client = signed_in(manager, CLISSON.host)

    response = client.post(
        f"{BASE}/prestations/{wednesdays.pk}/modifier/",
        {
            "name": "ALSH mercredi",
            "kind": "wednesday_centre",
            "site": other_site.pk,
            "unit": "day",
            "weekdays": ["2"],
            "period": "school_terms",
            "capacity": "30",
            "billing_mode": "postpaid",
            "booking_mode": "confirmed",
            "pending_at_cutoff": "refuse",
            "payment_hold_minutes": "30",
            "waiting_list_margin_hours": "24",
            "waiting_list_offer_hours": "12",
            "absence_proof_days": "2",
            "absence_waiting_days": "0",
            "colour": "#1f4e8c",
            "managers": [],
        },
    )

    wednesdays.refresh_from_db()
    assert response.status_code == 302
    assert wednesdays.capacity == 30 and wednesdays.site.name != "Ailleurs"
    assert list(wednesdays.managers.all()) == [manager]


@pytest.mark.parametrize("role", [Role.PARENT, Role.ANIMATOR, Role.FINANCE])
def test_other_roles_are_refused(in_clisson, wednesdays, role):
    client = signed_in(UserFactory(role=role), CLISSON.host)

    assert client.get(f"{BASE}/").status_code == 403
    assert client.get(f"{BASE}/prestations/{wednesdays.pk}/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(clisson_client, wednesdays):
    response = clisson_client.get(f"{BASE}/prestations/{wednesdays.pk}/")

    assert response.status_code == 302 and response.url.startswith("/compte/login/")


def test_another_communes_administrator_is_a_stranger_here(gorges, wednesdays):
    with schema_context(GORGES.slug):
        gorges_admin = UserFactory(role=Role.ADMINISTRATOR)
    client = signed_in(gorges_admin, GORGES.host)
    client.defaults["HTTP_HOST"] = CLISSON.host

    response = client.get(f"{BASE}/prestations/{wednesdays.pk}/")

    assert response.status_code == 302 and response.url.startswith("/compte/login/")


def test_deleting_a_site_in_use_explains_why_and_keeps_it(admin_client, wednesdays):
    response = admin_client.post(f"{BASE}/sites/{wednesdays.site.pk}/supprimer/", follow=True)

    assert "est encore utilisé par : ALSH mercredi." in response.content.decode()
    assert Site.objects.filter(pk=wednesdays.site.pk).exists()
    assert not AuditEntry.objects.filter(action="catalog.delete").exists()


def test_places_by_age_group_are_configured_without_overlap(admin_client, wednesdays):
    url = f"{BASE}/prestations/{wednesdays.pk}/groupes/nouveau/"

    admin_client.post(url, {"label": "Moins de 6 ans", "min_age_months": "0", "max_age_months": "72", "capacity": "8"})
    overlap = admin_client.post(url, {"label": "5 ans et plus", "min_age_months": "60", "capacity": "16"})
    admin_client.post(url, {"label": "6 ans et plus", "min_age_months": "72", "capacity": "16"})

    assert "Cette tranche chevauche « Moins de 6 ans »." in overlap.content.decode()
    service = services_with_rules().get(pk=wednesdays.pk)
    assert engine.age_group(service, 71).label == "Moins de 6 ans"
    assert engine.age_group(service, 72).label == "6 ans et plus"
    day = service_days(service=service, start=date(2026, 10, 14), end=date(2026, 10, 14), now=timezone.now())[0]
    assert [(g.label, g.capacity, g.places_left) for g in day.age_groups] == [
        ("Moins de 6 ans", 8, 8),
        ("6 ans et plus", 16, 16),
    ]


def test_the_service_page_shows_the_history_of_its_rules(admin_client, administrator, wednesdays):
    form = RULE_FORM | {"amount": "6"}
    admin_client.post(f"{BASE}/prestations/{wednesdays.pk}/delais/nouveau/", form)
    rule = wednesdays.cutoff_rules.get()
    admin_client.post(f"{BASE}/prestations/{wednesdays.pk}/delais/{rule.pk}/supprimer/")

    page = admin_client.get(f"{BASE}/prestations/{wednesdays.pk}/").content.decode()

    assert f"{administrator.email} — suppression" in page and f"{administrator.email} — création" in page
    assert not wednesdays.cutoff_rules.exists()


def test_the_back_office_speaks_english_when_chosen(admin_client, wednesdays):
    CutoffRuleFactory(service=wednesdays, amount=5, unit=CutoffRule.Unit.WORKING_DAYS)
    admin_client.post("/langue/", {"language": "en", "next": "/"})

    page = admin_client.get(f"{BASE}/prestations/{wednesdays.pk}/", {"day": "2026-10-14"}).content.decode()

    assert (
        "With these rules, booking for Wednesday 14 October 2026 closes on Wednesday 7 October 2026 at 23:59." in page
    )
    assert "Notice periods" in page and "Délais de prévenance" not in page


def test_a_tariff_needs_a_price_and_brackets_without_gaps(admin_client, wednesdays):
    url = f"{BASE}/prestations/{wednesdays.pk}/tarifs/nouveau/"
    base = {"valid_from": "2026-09-01", "residence": "any", "tranches-TOTAL_FORMS": "2", "tranches-INITIAL_FORMS": "0"}
    gap = {
        "tranches-0-qf_min": "0",
        "tranches-0-qf_max": "500",
        "tranches-0-price": "3",
        "tranches-1-qf_min": "900",
        "tranches-1-price": "5",
    }

    empty = admin_client.post(url, base | {"tranches-0-qf_min": "0", "tranches-1-qf_min": "0"})
    with_gap = admin_client.post(url, base | gap)

    assert "Indiquez au moins une tranche de quotient, ou un prix sans quotient connu." in empty.content.decode()
    assert "Il manque les QF entre les tranches 0–500 et 900–∞." in with_gap.content.decode()
    assert not wednesdays.tariffs.exists()


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13", "n'importe"])
def test_the_calendar_survives_any_month_in_the_address(admin_client, wednesdays, month):
    response = admin_client.get(f"{BASE}/prestations/{wednesdays.pk}/calendrier/", {"mois": month})

    assert response.status_code == 200


# --- What a service sells: units, combinations, and the rules and tariffs that name them -------------------


def unit_form(name: str, code: str, hours: str, position: int, **links) -> dict:
    return {"name": name, "code": code, "duration_hours": hours, "position": str(position)} | links


def tariff_form(priced: str, price: str) -> dict:
    return {
        "priced": priced,
        "valid_from": "2026-09-01",
        "valid_to": "2027-08-31",
        "residence": "any",
        "tranches-TOTAL_FORMS": "1",
        "tranches-INITIAL_FORMS": "0",
        "tranches-0-qf_min": "0",
        "tranches-0-price": price,
    }


@pytest.fixture
def holidays(in_clisson):
    """A holiday centre as created from the back-office: its one unit, the journée, after its measure."""
    SchoolYearFactory()
    return ServiceFactory(name="Centre de loisirs", weekdays=[0, 1, 2, 3, 4], period="all", unit=Service.Unit.DAY)


def test_administrator_builds_a_holiday_centres_units_and_the_page_says_what_goes_with_what(admin_client, holidays):
    base = f"{BASE}/prestations/{holidays.pk}"
    journee = holidays.units.get()
    for position, (name, code, hours) in enumerate([("Matin", "matin", "3"), ("Après-midi", "apres-midi", "3,5")]):
        admin_client.post(f"{base}/unites/nouveau/", unit_form(name, code, hours, position + 1))
    units = {u.code: u for u in holidays.units.all()}
    admin_client.post(
        f"{base}/unites/nouveau/",
        unit_form("Repas", "repas", "1,5", 3, requires=[journee.pk, units["matin"].pk, units["apres-midi"].pk]),
    )
    response = admin_client.post(
        f"{base}/unites/{journee.pk}/",
        unit_form("Journée", "journee", "8", 0, excludes=[units["matin"].pk, units["apres-midi"].pk]),
    )

    assert response.status_code == 302
    units = {u.code: u for u in holidays.units.all()}
    assert [u.code for u in units["matin"].excludes.all()] == ["journee"]  # both ways
    page = admin_client.get(f"{base}/").content.decode()
    assert "Journée — 8 h ; jamais le même jour que « Matin » ou « Après-midi »" in page
    assert "Après-midi — 3,5 h ; jamais le même jour que « Journée »" in page
    assert "Repas — 1,5 h ; seulement avec « Journée », « Matin » ou « Après-midi » le même jour" in page
    assert "ni tarif ni combinaison : impossible à facturer" in page
    new_unit = admin_client.get(f"{base}/unites/nouveau/").content.decode()
    assert 'name="position" value="4"' in new_unit  # after the others


def test_combinations_and_their_tariffs_say_how_a_day_is_billed(admin_client, holidays):
    base = f"{BASE}/prestations/{holidays.pk}"
    journee = holidays.units.get()
    for position, (name, code) in enumerate([("Matin", "matin"), ("Après-midi", "apres-midi"), ("Repas", "repas")]):
        admin_client.post(f"{base}/unites/nouveau/", unit_form(name, code, "2", position + 1))
    units = {u.code: u for u in holidays.units.all()}
    whole = [units["matin"].pk, units["repas"].pk, units["apres-midi"].pk]
    admin_client.post(f"{base}/combinaisons/nouveau/", {"name": "Journée complète", "units": whole, "priority": "30"})
    admin_client.post(
        f"{base}/combinaisons/nouveau/",
        {"name": "Matin avec repas", "units": [units["matin"].pk, units["repas"].pk], "priority": "10"},
    )
    combination = holidays.combinations.get(code="journee-complete")
    saved = [
        admin_client.post(f"{base}/tarifs/nouveau/", tariff_form(priced, price))
        for priced, price in [
            (f"combination-{combination.pk}", "13,50"),
            (f"unit-{units['apres-midi'].pk}", "4,90"),
            (f"unit-{journee.pk}", "10"),
        ]
    ]

    assert [r.status_code for r in saved] == [302, 302, 302]
    assert holidays.tariffs.get(combination=combination).unit is None
    page = admin_client.get(
        f"{base}/", {"day": "2026-10-21", "facturation": "1", "unites": ["matin", "repas", "apres-midi"], "qf": "800"}
    ).content.decode()
    assert (
        "Journée complète — « Matin », « Après-midi » et « Repas » sur une seule ligne de facture ; priorité 30" in page
    )
    assert "Matin avec repas — « Matin » et « Repas » sur une seule ligne de facture ; priorité 10 ; sans tarif" in page
    assert "Combinaison : Journée complète" in page and "Unité : Après-midi" in page
    assert "Le mercredi 21 octobre 2026, « Matin », « Après-midi » et « Repas » au quotient familial 800 :" in page
    assert "« Journée complète » (« Matin », « Après-midi » et « Repas ») : 13,50 €" in page
    refused = admin_client.get(f"{base}/", {"facturation": "1", "unites": ["matin", "repas"]}).content.decode()
    assert "« Matin avec repas » n&#x27;a pas de prix valable" in refused or "Aucun tarif" in refused


def test_a_combination_no_family_could_book_or_one_already_there_is_refused(admin_client, holidays):
    base = f"{BASE}/prestations/{holidays.pk}"
    admin_client.post(
        f"{base}/unites/nouveau/", unit_form("Matin", "matin", "3", 1, excludes=[holidays.units.get().pk])
    )
    units = [u.pk for u in holidays.units.all()]
    admin_client.post(f"{base}/unites/nouveau/", unit_form("Repas", "repas", "1", 2, requires=[units[1]]))
    repas = holidays.units.get(code="repas")

    excluded = admin_client.post(f"{base}/combinaisons/nouveau/", {"name": "Tout", "units": units, "priority": "1"})
    alone = admin_client.post(f"{base}/combinaisons/nouveau/", {"name": "Repas", "units": [repas.pk], "priority": "1"})
    none = admin_client.post(f"{base}/combinaisons/nouveau/", {"name": "Rien", "priority": "1"})
    admin_client.post(
        f"{base}/combinaisons/nouveau/", {"name": "Matin et repas", "units": [units[1], repas.pk], "priority": "1"}
    )
    twice = admin_client.post(
        f"{base}/combinaisons/nouveau/", {"name": "Bis", "units": [repas.pk, units[1]], "priority": "2"}
    )

    assert "Une famille ne pourra jamais réserver ces unités ensemble." in excluded.content.decode()
    assert "« Journée » ne se réserve pas avec « Matin »" in excluded.content.decode()
    assert "« Repas » se réserve avec « Matin »" in alone.content.decode()
    assert "Cochez au moins une unité." in none.content.decode()
    assert "La combinaison « Matin et repas » regroupe déjà ces unités." in twice.content.decode()
    assert [c.name for c in holidays.combinations.all()] == ["Matin et repas"]


def test_a_unit_cannot_require_and_exclude_the_same_unit(admin_client, holidays):
    journee = holidays.units.get()

    response = admin_client.post(
        f"{BASE}/prestations/{holidays.pk}/unites/nouveau/",
        unit_form("Repas", "repas", "1", 1, requires=[journee.pk], excludes=[journee.pk]),
    )

    assert "Une unité ne peut pas à la fois demander et exclure « Journée »." in response.content.decode()
    assert holidays.units.count() == 1


def test_periscolaire_morning_and_evening_rules_with_seed_001s_late_prices(admin_client, in_clisson):
    SchoolYearFactory()
    care = ServiceFactory(name="Accueil périscolaire", unit=Service.Unit.SESSION)  # one unit: Séance
    base = f"{BASE}/prestations/{care.pk}"
    rule = {"direction": "booking", "amount": "48", "unit": "working_hours", "online_after": "refuse"}
    single = admin_client.get(f"{base}/delais/nouveau/").content.decode()
    admin_client.post(f"{base}/unites/{care.units.get().pk}/", unit_form("Matin", "matin", "1,5", 0))
    admin_client.post(f"{base}/unites/nouveau/", unit_form("Soir", "soir", "2,5", 1))
    matin, soir = care.units.all()
    for unit, late in [(matin, "4"), (soir, "10")]:
        admin_client.post(
            f"{base}/delais/nouveau/", rule | {"applies_to": unit.pk, "late_price": "fixed", "late_amount": late}
        )
        admin_client.post(
            f"{base}/tarifs/nouveau/", tariff_form(f"unit-{unit.pk}", "1,55" if unit == matin else "2,60")
        )
    admin_client.post(
        f"{base}/delais/nouveau/", rule | {"direction": "cancellation", "late_price": "normal", "late_amount": "0"}
    )

    assert 'name="applies_to"' not in single  # a one-unit service: its rules are the service's
    assert care.cutoff_rules.count() == 3 and care.tariffs.count() == 2
    page = admin_client.get(
        f"{base}/", {"day": "2026-10-15", "facturation": "1", "unites": ["matin", "soir"], "qf": "800"}
    ).content.decode()
    assert "Matin — Réservation : 48 heures ouvrées" in page and "Soir — Réservation : 48 heures ouvrées" in page
    assert "Toutes les unités — Annulation : 48 heures ouvrées" in page
    assert "la réservation (Matin) pour le jeudi 15 octobre 2026 ferme le lundi 12 octobre 2026 à 23:59" in page
    assert "« Matin » : 1,55 €" in page and "« Soir » : 2,60 €" in page and "Total : 4,15 €." in page
    assert "Réservé après le délai : 14,00 €." in page  # 4 € the morning, 10 € the evening
    assert "Annulé après le délai : 4,15 € restent facturés." in page
    assert page.index("Matin — Réservation") < page.index("Soir — Réservation") < page.index("Toutes les unités")


def test_a_tariff_of_a_service_with_several_units_says_what_it_prices(admin_client, holidays):
    base = f"{BASE}/prestations/{holidays.pk}"
    admin_client.post(f"{base}/unites/nouveau/", unit_form("Matin", "matin", "3", 1))
    journee, matin = holidays.units.all()

    missing = admin_client.post(f"{base}/tarifs/nouveau/", tariff_form("", "9"))
    admin_client.post(f"{base}/tarifs/nouveau/", tariff_form(f"unit-{journee.pk}", "9"))
    tariff = holidays.tariffs.get()
    moved = admin_client.post(
        f"{base}/tarifs/{tariff.pk}/",
        tariff_form(f"unit-{matin.pk}", "4") | {"tranches-0-id": str(tariff.brackets.get().pk)},
    )

    assert "Choisissez l&#x27;unité ou la combinaison que ce tarif facture." in missing.content.decode()
    assert moved.status_code == 302
    tariff.refresh_from_db()
    assert tariff.unit == matin and tariff.combination is None
    entry = AuditEntry.objects.filter(target_type="catalog.tariff", action="catalog.update").get()
    assert entry.changes["unit"] == "Matin"


def test_deleting_a_unit_a_tariff_prices_explains_why_and_keeps_it(admin_client, holidays):
    TariffFactory(service=holidays)
    journee = holidays.units.get()

    response = admin_client.post(f"{BASE}/prestations/{holidays.pk}/unites/{journee.pk}/supprimer/", follow=True)

    assert "Journée est encore utilisé par : Centre de loisirs (01/09/2026)." in response.content.decode()
    assert holidays.units.filter(pk=journee.pk).exists()


def test_the_service_page_reads_its_units_in_a_bounded_number_of_queries(admin_client, holidays):
    url, query = f"{BASE}/prestations/{holidays.pk}/", {"facturation": "1", "unites": ["journee"]}
    journee = holidays.units.get(code="journee")

    def sell(n: int) -> None:
        unit = ServiceUnit.objects.create(service=holidays, code=f"u{n}", name=f"Unité {n}", duration_hours=1)
        unit.excludes.set([journee])
        TariffFactory(service=holidays, unit=unit)
        combination = UnitCombination.objects.create(service=holidays, code=f"c{n}", name=f"Combinaison {n}")
        combination.units.set([unit])
        CutoffRuleFactory(service=holidays, applies_to=unit)

    sell(0)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url, query)
    for n in range(1, 4):
        sell(n)
    with CaptureQueriesContext(connection) as four:
        admin_client.get(url, query)

    assert len(four) == len(one)


def test_the_mairie_lists_a_services_absence_reasons_in_its_order(admin_client, wednesdays):
    url = f"{BASE}/prestations/{wednesdays.pk}/motifs/nouveau/"

    admin_client.post(url, {"label": "Raison familiale", "position": "2"})
    admin_client.post(url, {"label": "Maladie (certificat médical)", "needs_proof": "on", "position": "1"})
    twice = admin_client.post(url, {"label": "Raison familiale", "position": "3"})

    assert "Ce motif existe déjà pour cette prestation." in twice.content.decode()
    assert [(r.label, r.needs_proof) for r in wednesdays.absence_reasons.all()] == [
        ("Maladie (certificat médical)", True),
        ("Raison familiale", False),
    ]
    page = admin_client.get(f"{BASE}/prestations/{wednesdays.pk}/").content.decode()
    assert '<h2 id="section-motifs">Motifs d&#x27;absence</h2>' in page
    assert page.index("Maladie (certificat médical)") < page.index("Raison familiale")
    assert AuditEntry.objects.filter(action="catalog.create").count() == 2


def test_an_absence_reason_needs_a_label(admin_client, wednesdays):
    answer = admin_client.post(f"{BASE}/prestations/{wednesdays.pk}/motifs/nouveau/", {"label": "", "position": "0"})

    assert answer.status_code == 200 and "Ce champ est obligatoire." in answer.content.decode()
    assert not wednesdays.absence_reasons.exists()
