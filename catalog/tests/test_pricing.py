"""Pricing a holiday centre's day (seed 002): units, the combinations that bill them, tariffs, late prices."""

from datetime import date
from decimal import Decimal

import pytest

from catalog import pricing
from catalog.engine import LateCharge, Reason
from catalog.models import CutoffRule, Service, ServiceUnit, Tariff, UnitCombination
from catalog.selectors import services_with_rules
from tests.factories import SchoolYearFactory, ServiceFactory, TariffFactory, bracket, unit_of

DAY = date(2026, 10, 20)  # Toussaint holidays
PRICE = CutoffRule.LatePrice
PLUS_3 = LateCharge(PRICE.PLUS, Decimal("3"))
FIXED_4 = LateCharge(PRICE.FIXED, Decimal("4"))
NORMAL = LateCharge(PRICE.NORMAL, Decimal("0"))

UNITS = [
    {"code": "journee", "name": "Journée", "duration_hours": "8.00", "position": 0},
    {"code": "matin", "name": "Matin", "duration_hours": "3.50", "position": 1},
    {"code": "apres-midi", "name": "Après-midi", "duration_hours": "3.50", "position": 2},
    {"code": "repas", "name": "Repas", "duration_hours": "1.00", "position": 3},
]
# Prices by QF bracket: 0-700, 701-1200, 1201 and more.
UNIT_PRICES = {"journee": "7.00 9.50 12.00", "matin": "3.10 4.20 5.30", "apres-midi": "3.40 4.60 5.80"}
COMBINATIONS = {
    # code: (name, units, priority, prices)
    "journee-complete": ("Journée", {"matin", "repas", "apres-midi"}, 10, "9.80 13.10 16.40"),
    "journee-avec-repas": ("Journée avec repas", {"journee", "repas"}, 10, "10.00 13.50 17.00"),
    "matin-avec-repas": ("Matin avec repas", {"matin", "repas"}, 0, "5.90 7.80 9.70"),
}


def priced(tariff: Tariff, prices: str) -> Tariff:
    low, middle, high = prices.split()
    bracket(tariff, 0, 700, low)
    bracket(tariff, 701, 1200, middle)
    bracket(tariff, 1201, None, high)
    return tariff


def combination(service: Service, code: str, name: str, units: set[str], priority: int) -> UnitCombination:
    made = UnitCombination.objects.create(service=service, code=code, name=name, priority=priority)
    made.units.set(service.units.filter(code__in=units))
    return made


@pytest.fixture
def centre(in_clisson) -> Service:
    """Journée, matin, après-midi, repas: the repas comes with a matin, an après-midi or the journée; the
    journée never with the matin or the après-midi. Non-residents pay a flat 21 € for the Journée."""
    SchoolYearFactory()
    service = ServiceFactory(
        name="ALSH vacances",
        kind=Service.Kind.HOLIDAY_CENTRE,
        unit=Service.Unit.DAY,
        weekdays=[0, 1, 2, 3, 4],
        period=Service.Period.HOLIDAYS,
        units=UNITS,
    )
    journee, matin, apres_midi, repas = (unit_of(service, code) for code in ("journee", "matin", "apres-midi", "repas"))
    repas.requires.set([matin, apres_midi, journee])
    journee.excludes.set([matin, apres_midi])  # symmetrical: the matin excludes the journée too
    for code, prices in UNIT_PRICES.items():
        priced(TariffFactory(service=service, unit=unit_of(service, code)), prices)
    for code, (name, units, priority, prices) in COMBINATIONS.items():
        made = combination(service, code, name, units, priority)
        priced(TariffFactory(service=service, combination=made), prices)
    outsiders = TariffFactory(
        service=service,
        combination=UnitCombination.objects.get(code="journee-complete"),
        residence=Tariff.Residence.NON_RESIDENT,
    )
    bracket(outsiders, 0, None, "21.00")
    return service


def load(service: Service) -> Service:
    return services_with_rules().get(pk=service.pk)


def lines(day_price: pricing.DayPrice) -> list[tuple[str, set[str], Decimal]]:
    return [(line.name, set(line.units), line.price) for line in day_price.lines]


def price(service: Service, codes, qf: int | None = 500, resident: bool = True, late=None) -> pricing.DayPrice:
    return pricing.price_day(load(service), DAY, codes, qf=qf, resident=resident, late=late)


class TestCover:
    @pytest.mark.parametrize(
        ("codes", "expected"),
        [
            pytest.param(
                ["matin", "apres-midi"],
                [("Matin", {"matin"}, Decimal("3.10")), ("Après-midi", {"apres-midi"}, Decimal("3.40"))],
                id="matin-apres-midi-without-repas-two-lines",
            ),
            pytest.param(
                ["journee", "repas"],
                [("Journée avec repas", {"journee", "repas"}, Decimal("10.00"))],
                id="journee-repas",
            ),
            pytest.param(
                ["matin", "repas"], [("Matin avec repas", {"matin", "repas"}, Decimal("5.90"))], id="matin-repas"
            ),
            pytest.param(
                ["apres-midi", "repas", "matin"],
                [("Journée", {"matin", "repas", "apres-midi"}, Decimal("9.80"))],
                id="matin-repas-apres-midi-one-journee",
            ),
            pytest.param(["journee"], [("Journée", {"journee"}, Decimal("7.00"))], id="journee-alone"),
        ],
    )
    def test_units_are_billed_by_the_combinations_that_cover_them(self, centre, codes, expected):
        assert lines(price(centre, codes)) == expected

    def test_a_repas_alone_is_refused_and_names_the_units_it_needs(self, centre):
        with pytest.raises(pricing.PricingRefused) as refused:
            price(centre, ["repas"])

        assert refused.value.reason == Reason.UNIT_REQUIRES
        assert refused.value.message == (
            "Cette unité ne se réserve qu'avec une autre le même jour : ajoutez l'une de celles qu'elle demande. "
            "« Repas » se réserve avec « Journée », « Matin » ou « Après-midi »."
        )

    @pytest.mark.parametrize("codes", [["journee", "matin"], ["matin", "journee"], ["matin", "apres-midi", "journee"]])
    def test_the_journee_and_the_matin_are_refused_together_whatever_the_order(self, centre, codes):
        with pytest.raises(pricing.PricingRefused) as refused:
            price(centre, codes)

        assert refused.value.reason == Reason.UNITS_EXCLUDE
        excluded = "« Matin » ni « Après-midi »" if "apres-midi" in codes else "« Matin »"
        assert refused.value.message == (
            "Ces unités ne se réservent pas ensemble le même jour : retirez-en une. "
            f"« Journée » ne se réserve pas avec {excluded}."
        )

    def test_a_day_no_combination_covers_is_refused_with_its_units(self, centre):
        # No "après-midi avec repas", and the repas has no price alone.
        with pytest.raises(pricing.PricingRefused) as refused:
            price(centre, ["repas", "apres-midi"])

        assert refused.value.reason == Reason.NOT_COVERED
        assert refused.value.message == (
            "Ces unités ne correspondent à aucune formule facturée : ajoutez-en ou retirez-en une. "
            "Unités choisies : « Après-midi » et « Repas »."
        )

    def test_an_unknown_unit_is_refused(self, centre):
        with pytest.raises(pricing.PricingRefused) as refused:
            price(centre, ["matin", "soir"])

        assert refused.value.reason == Reason.NOT_COVERED
        assert refused.value.detail == "Unité inconnue de cette prestation : soir."

    def test_the_highest_priority_wins_across_the_day_not_only_for_the_first_unit(self, centre):
        # Without the Journée, matin + repas + après-midi is "matin avec repas" + après-midi (priority 0) or
        # matin + "après-midi avec repas" (priority 5): the priority decides, not which unit comes first.
        Tariff.objects.filter(combination__code="journee-complete").delete()
        UnitCombination.objects.filter(code="journee-complete").delete()
        afternoon = combination(centre, "apres-midi-avec-repas", "Après-midi avec repas", {"apres-midi", "repas"}, 5)
        priced(TariffFactory(service=centre, combination=afternoon), "6.20 8.10 10.00")

        assert lines(price(centre, ["matin", "repas", "apres-midi"])) == [
            ("Après-midi avec repas", {"apres-midi", "repas"}, Decimal("6.20")),
            ("Matin", {"matin"}, Decimal("3.10")),
        ]

    def test_no_query_once_the_service_is_loaded(self, centre, django_assert_num_queries):
        service = load(centre)

        with django_assert_num_queries(0):
            for codes in (["matin", "apres-midi"], ["journee", "repas"], ["matin", "repas", "apres-midi"]):
                pricing.price_day(service, DAY, codes, qf=900, resident=False)


class TestTariffs:
    @pytest.mark.parametrize(
        ("qf", "expected"),
        [(0, "9.80"), (700, "9.80"), (701, "13.10"), (1200, "13.10"), (1201, "16.40"), (9999, "16.40")],
    )
    def test_qf_brackets(self, centre, qf, expected):
        assert price(centre, ["matin", "repas", "apres-midi"], qf=qf).total == Decimal(expected)

    def test_unknown_qf_pays_the_top_bracket_or_the_tariffs_own_price(self, centre):
        Tariff.objects.filter(combination__code="journee-avec-repas").update(unknown_qf_price=Decimal("15.00"))

        assert price(centre, ["matin", "repas", "apres-midi"], qf=None).total == Decimal("16.40")
        assert price(centre, ["journee", "repas"], qf=None).total == Decimal("15.00")

    def test_non_residents_pay_their_tariff_else_everyones(self, centre):
        assert price(centre, ["matin", "repas", "apres-midi"], qf=300, resident=False).total == Decimal("21.00")
        assert price(centre, ["matin", "repas"], qf=300, resident=False).total == Decimal("5.90")
        # A resident-only tariff is not for everyone: non-residents have no price then.
        Tariff.objects.filter(combination__code="matin-avec-repas").update(residence=Tariff.Residence.RESIDENT)
        assert price(centre, ["matin", "repas"], qf=300).total == Decimal("5.90")
        with pytest.raises(pricing.PricingRefused) as refused:
            price(centre, ["matin", "repas"], qf=300, resident=False)
        assert refused.value.reason == Reason.NO_TARIFF

    def test_a_day_outside_every_tariff_is_refused_naming_what_has_no_price(self, centre):
        with pytest.raises(pricing.PricingRefused) as refused:
            pricing.price_day(load(centre), date(2027, 9, 6), ["matin", "repas"], qf=500, resident=True)

        assert refused.value.reason == Reason.NO_TARIFF
        assert refused.value.message == (
            "Aucun tarif n'est défini pour ce jour. « Matin avec repas » n'a pas de prix valable le 06/09/2027."
        )

    def test_sums_are_exact_decimals(self, centre):
        total = price(centre, ["matin", "apres-midi"], qf=800).total

        assert isinstance(total, Decimal) and total == Decimal("8.80") and str(total) == "8.80"
        assert price(centre, []).total == Decimal("0")


class TestLatePrices:
    def test_only_the_line_with_the_late_unit_costs_the_late_price(self, centre):
        day = price(centre, ["matin", "apres-midi"], late={"apres-midi": PLUS_3})

        assert [(line.name, line.late, line.unit_price, line.price) for line in day.lines] == [
            ("Matin", False, Decimal("3.10"), Decimal("3.10")),
            ("Après-midi", True, Decimal("3.40"), Decimal("6.40")),
        ]
        assert day.total == Decimal("9.50")

    def test_a_late_unit_inside_a_combination_makes_the_whole_line_late(self, centre):
        day = price(centre, ["matin", "repas", "apres-midi"], late={"repas": PLUS_3})

        assert lines(day) == [("Journée", {"matin", "repas", "apres-midi"}, Decimal("12.80"))]
        assert day.lines[0].late and day.lines[0].unit_price == Decimal("9.80")

    def test_a_fixed_late_price_never_bills_a_line_less_than_on_time(self, centre):
        # Seed 001's "tarif majoré" of 4 €: a late repas must not turn a 9.80 € journée into 4 €.
        assert price(centre, ["matin", "repas", "apres-midi"], late={"repas": FIXED_4}).total == Decimal("9.80")
        assert price(centre, ["matin"], late={"matin": FIXED_4}).total == Decimal("4")
        assert price(centre, ["matin"], qf=1500, late={"matin": FIXED_4}).total == Decimal("5.30")

    def test_the_highest_charge_of_a_lines_late_units_applies(self, centre):
        late = {"matin": FIXED_4, "repas": PLUS_3, "apres-midi": NORMAL}

        assert price(centre, ["matin", "repas", "apres-midi"], late=late).total == Decimal("12.80")

    def test_a_late_cancellation_stays_billed_at_its_price(self, centre):
        assert price(centre, ["journee", "repas"], late={"journee": NORMAL}).total == Decimal("10.00")

    def test_a_charge_for_a_unit_not_booked_changes_nothing(self, centre):
        day = price(centre, ["matin", "repas"], late={"apres-midi": PLUS_3})

        assert day.total == Decimal("5.90") and not day.lines[0].late


def test_units_keep_the_service_order(centre):
    assert [unit.code for unit in ServiceUnit.objects.filter(service=centre)] == [u["code"] for u in UNITS]
