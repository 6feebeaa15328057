"""The mairie's catalogue pages: who may do what, French errors that lose nothing, previews, calendar."""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from audit.models import AuditEntry
from catalog import engine
from catalog.days import service_days
from catalog.models import BookingWindow, CapacityOverride, CutoffRule, Service, Site, Tariff
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
        {"first_day": "2027-07-07", "last_day": "2027-08-27", "opens_at": "2027-03-01T08:00"},
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
