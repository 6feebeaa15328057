"""The demo communes' catalogues sell what their seeds say, and price it as the seeds' rules do."""

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from catalog import engine, pricing
from catalog.models import CutoffRule, Service
from catalog.selectors import services_with_rules
from catalog.transfer import catalog_import
from tenants.demo_catalogs import DEMO_CATALOGUES

# A Wednesday of the school year and a day of the autumn holidays (zone B), whatever year the demo is for.
LE_PALLET_YEAR = DEMO_CATALOGUES["lepallet"]()["school_years"][0]


@pytest.fixture
def le_pallet(clisson):
    with schema_context("clisson"):
        catalog_import(DEMO_CATALOGUES["lepallet"]())
        yield {service.name: service for service in services_with_rules()}


def day_price(service: Service, codes: set[str], qf: int | None = 800, late: dict | None = None) -> list[tuple]:
    day = date.fromisoformat(LE_PALLET_YEAR["start"])
    price = pricing.price_day(service, day, codes, qf=qf, resident=True, late=late)
    return [(line.name, line.price) for line in price.lines]


def late_bookings(service: Service, codes: set[str]) -> dict[str, engine.LateCharge]:
    """Each unit booked after its cutoff, with the charge its rule sets (what staff apply at the counter)."""
    units = {unit.code: unit for unit in service.units.all()}
    return {
        code: engine.LateCharge(rule.late_price, rule.late_amount)
        for code in codes
        if (rule := engine.cutoff_rule(service, CutoffRule.Direction.BOOKING, units[code].pk))
    }


@pytest.mark.parametrize("name", ["Accueil de loisirs des vacances", "Accueil de loisirs du mercredi"])
def test_le_pallet_alsh_sells_days_half_days_and_meals_billed_as_their_combinations(le_pallet, name):
    service = le_pallet[name]

    assert [(u.code, u.duration_hours) for u in service.units.all()] == [
        ("journee", Decimal("8.00")),
        ("matin", Decimal("3.00")),
        ("apres-midi", Decimal("3.50")),
        ("repas", Decimal("1.50")),
    ]
    assert day_price(service, {"matin", "repas", "apres-midi"}) == [
        ("Journée (matin, repas et après-midi)", Decimal("13.50"))
    ]
    assert day_price(service, {"journee", "repas"}) == [("Journée avec repas", Decimal("13.50"))]
    assert day_price(service, {"journee"}) == [("Journée", Decimal("10.05"))]
    assert day_price(service, {"apres-midi", "repas"}, qf=None) == [("Après-midi avec repas", Decimal("10.30"))]
    assert day_price(service, {"matin", "apres-midi"}) == [("Matin", Decimal("4.90")), ("Après-midi", Decimal("4.90"))]
    for refused, reason in [
        ({"repas"}, engine.Reason.UNIT_REQUIRES),
        ({"journee", "matin"}, engine.Reason.UNITS_EXCLUDE),
        ({"journee", "apres-midi", "repas"}, engine.Reason.UNITS_EXCLUDE),
    ]:
        with pytest.raises(pricing.PricingRefused) as error:
            day_price(service, refused)
        assert error.value.reason == reason, refused


def test_le_pallet_alsh_late_booking_costs_the_day_rate_plus_3_euros(le_pallet):
    service = le_pallet["Accueil de loisirs des vacances"]
    codes = {"matin", "repas", "apres-midi"}

    assert day_price(service, codes, late=late_bookings(service, codes)) == [
        ("Journée (matin, repas et après-midi)", Decimal("16.50"))
    ]


def test_le_pallet_periscolaire_is_one_service_with_seed_001s_late_prices(le_pallet):
    service = le_pallet["Accueil périscolaire"]
    rules = {(r.direction, r.applies_to.code if r.applies_to else None): r for r in service.cutoff_rules.all()}

    assert "Accueil périscolaire du matin" not in le_pallet and "Accueil périscolaire du soir" not in le_pallet
    assert [(u.code, u.duration_hours) for u in service.units.all()] == [
        ("matin", Decimal("1.50")),
        ("soir", Decimal("2.50")),
    ]
    assert set(rules) == {("booking", "matin"), ("booking", "soir"), ("cancellation", None)}
    for rule in rules.values():
        assert (rule.amount, rule.unit, rule.online_after) == (48, "working_hours", "refuse")
    assert rules["cancellation", None].late_price == CutoffRule.LatePrice.NORMAL  # a late cancellation is billed
    assert day_price(service, {"matin", "soir"}) == [("Matin", Decimal("1.55")), ("Soir", Decimal("2.60"))]
    assert day_price(service, {"matin", "soir"}, late=late_bookings(service, {"matin", "soir"})) == [
        ("Matin", Decimal("4.00")),
        ("Soir", Decimal("10.00")),
    ]


def test_every_demo_service_has_units_with_durations_and_a_tariff_for_each(clisson):
    for slug, build in DEMO_CATALOGUES.items():
        with schema_context("clisson"):
            catalog_import(build())
            for service in services_with_rules():
                units = list(service.units.all())
                assert units and all(u.duration_hours > 0 for u in units), (slug, service.name)
                priced = {t.unit_id for t in service.tariffs.all()} | {
                    u.pk for t in service.tariffs.all() if t.combination for u in t.combination.units.all()
                }
                assert {u.pk for u in units} <= priced, (slug, service.name)


def test_lutinville_garderie_has_its_morning_and_evening(clisson):
    with schema_context("clisson"):
        catalog_import(DEMO_CATALOGUES["lutinville"]())
        garderie = services_with_rules().get(name="Garderie")

        assert [u.code for u in garderie.units.all()] == ["matin", "soir"]
        assert day_price(garderie, {"soir"}) == [("Soir", Decimal("1.80"))]


def test_le_pallets_services_take_an_illness_with_its_certificate_or_a_family_reason(le_pallet):
    canteen = le_pallet["Restaurant scolaire"]

    assert [(r.label, r.needs_proof) for r in canteen.absence_reasons.all()] == [
        ("Maladie (certificat médical)", True),
        ("Raison familiale", False),
    ]
    assert (canteen.absence_proof_days, canteen.absence_waiting_days) == (2, 1)  # a jour de carence
