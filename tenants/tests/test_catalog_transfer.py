"""Export a commune's catalogue, import it into another: same document back, all or nothing."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from catalog.models import CutoffRule, SchoolYear, Service, ServiceUnit, Site, Tariff, TariffBracket, UnitCombination
from catalog.starters import standard
from catalog.transfer import CatalogImportError, catalog_export, catalog_import
from tenants.demo_catalogs import DEMO_CATALOGUES


def export_of(slug: str) -> dict:
    with schema_context(slug):
        return catalog_export()


@pytest.mark.parametrize("demo", sorted(DEMO_CATALOGUES))
def test_export_import_round_trip_gives_the_same_document(clisson, gorges, tmp_path, demo):
    with schema_context("clisson"):
        catalog_import(DEMO_CATALOGUES[demo]())
    exported = tmp_path / "catalogue.json"

    call_command("export_catalog", "--commune", "clisson", "--output", str(exported))
    call_command("import_catalog", "--commune", "gorges", str(exported))
    again = tmp_path / "again.json"
    call_command("export_catalog", "--commune", "gorges", "--output", str(again))

    assert again.read_bytes() == exported.read_bytes()
    assert export_of("gorges") == json.loads(exported.read_text())


def test_onboarding_installs_the_standard_catalogue(clisson):
    with schema_context("clisson"):
        names = set(Service.objects.values_list("name", flat=True))

    assert names == {s["name"] for s in standard()["services"]}


def test_invalid_document_is_refused_with_every_error_and_changes_nothing(clisson, tmp_path):
    before, ids = export_of("clisson"), ids_of("clisson")
    document = standard()
    document["services"][0]["weekdays"] = "lundi"
    document["services"][1]["cutoff_rules"][0]["unit"] = "semaines"
    document["services"][2]["site"] = "Nulle part"
    document["services"][3]["tariffs"][0]["brackets"][0]["price"] = "-1"
    document["services"][4]["tariffs"][0]["brackets"] = [
        {"qf_min": 0, "qf_max": 800, "price": "2.00"},
        {"qf_min": 500, "qf_max": None, "price": "3.00"},
    ]
    document["calendar_exceptions"] = [
        {
            "kind": "opening",
            "service": None,
            "start": "2026-12-01",
            "end": "2026-12-01",
            "label": "Ouverture sans prestation",
        }
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))

    with pytest.raises(CommandError) as error:
        call_command("import_catalog", "--commune", "clisson", str(path))

    message = str(error.value)
    assert "Catalogue refusé, rien n'a été modifié" in message
    assert "services[0].weekdays : valeur invalide « lundi »." in message
    assert "services[1].cutoff_rules[0].unit : La valeur" in message and "n’est pas un choix valide." in message
    assert "services[2] : site inconnu « Nulle part »." in message
    assert "services[3].tariffs[0].brackets[0].price" in message
    assert "services[4].tariffs[0].brackets : Les tranches 0–800 et 500–∞ se chevauchent." in message
    assert "calendar_exceptions[0]" in message and "Une ouverture exceptionnelle concerne une prestation." in message
    assert export_of("clisson") == before and ids_of("clisson") == ids


@pytest.mark.parametrize("content", ["pas du json", json.dumps({"format": "autre"}), json.dumps([1, 2])])
def test_a_file_that_is_not_a_catalogue_is_refused(clisson, tmp_path, content):
    path = tmp_path / "x.json"
    path.write_text(content)

    with pytest.raises(CommandError):
        call_command("import_catalog", "--commune", "clisson", str(path))


def test_unknown_commune(db, tmp_path):
    with pytest.raises(CommandError, match="Aucune commune n'a l'identifiant « nulle »"):
        call_command("export_catalog", "--commune", "nulle", "--output", str(tmp_path / "x.json"))


# --- Update in place ----------------------------------------------------------------------------------

KEPT = (Service, ServiceUnit, UnitCombination, CutoffRule, Tariff, TariffBracket, SchoolYear, Site)


def ids_of(slug: str) -> dict[str, list[int]]:
    with schema_context(slug):
        return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in KEPT}


def import_into(slug: str, document: dict) -> dict[str, int]:
    with schema_context(slug):
        return catalog_import(document)


@pytest.mark.parametrize("demo", sorted(DEMO_CATALOGUES))
def test_importing_the_same_catalogue_again_keeps_every_row_and_changes_nothing(clisson, demo):
    first = import_into("clisson", DEMO_CATALOGUES[demo]())
    ids, document = ids_of("clisson"), export_of("clisson")

    again = import_into("clisson", DEMO_CATALOGUES[demo]())
    exported = import_into("clisson", document)

    assert first["service.created"] > 0 and first["tariff.created"] > 0
    assert again == {} and exported == {}
    assert ids_of("clisson") == ids and export_of("clisson") == document


def test_a_service_renamed_under_the_same_code_is_updated_in_place(clisson):
    from accounts.models import Role
    from tests.factories import UserFactory

    document = export_of("clisson")
    canteen = next(s for s in document["services"] if s["code"] == "restauration-scolaire")
    with schema_context("clisson"):
        manager = UserFactory(role=Role.SERVICE_MANAGER)
        before = Service.objects.get(code="restauration-scolaire")
        before.managers.add(manager)
        unit_ids = set(before.units.values_list("pk", flat=True))
    ids = ids_of("clisson")
    canteen["name"] = "Cantine"
    canteen["capacity"] = 120
    canteen["units"][0]["name"] = "Déjeuner"

    counts = import_into("clisson", document)

    assert counts == {"service.updated": 1, "serviceunit.updated": 1}
    assert ids_of("clisson") == ids
    with schema_context("clisson"):
        after = Service.objects.get(pk=before.pk)
        assert (after.name, after.code, after.capacity) == ("Cantine", "restauration-scolaire", 120)
        assert set(after.units.values_list("pk", flat=True)) == unit_ids
        assert after.units.get().name == "Déjeuner"
        assert list(after.managers.all()) == [manager]


def test_a_service_moves_to_a_new_site_and_the_old_site_goes(clisson):
    document = export_of("clisson")
    document["sites"] = [s for s in document["sites"] if s["name"] != "École publique"]
    document["sites"].append({"name": "Groupe scolaire Jules Verne", "address": "", "operator_name": ""})
    for service in document["services"]:
        if service["site"] == "École publique":
            service["site"] = "Groupe scolaire Jules Verne"
    ids = ids_of("clisson")

    counts = import_into("clisson", document)

    assert counts == {"site.created": 1, "site.deleted": 1, "service.updated": 3}
    assert ids_of("clisson")["Service"] == ids["Service"]
    assert export_of("clisson") == document


def test_a_version_1_document_without_codes_finds_its_services_by_name(clisson):
    """The standard catalogue is written without codes (version 1); so were exports before codes."""
    ids = ids_of("clisson")
    document = export_of("clisson")
    document["version"] = 1
    for service in document["services"]:
        del service["code"]
    document["services"][0]["name"] = "Accueil de loisirs — mercredis"  # no longer found: a new service

    assert import_into("clisson", standard()) == {}
    counts = import_into("clisson", document)

    assert {kind: n for kind, n in counts.items() if kind.startswith("service.")} == {
        "service.created": 1,
        "service.deleted": 1,
    }
    assert len(set(ids_of("clisson")["Service"]) - set(ids["Service"])) == 1
    with schema_context("clisson"):
        assert Service.objects.get(name="Accueil périscolaire du soir").code == "accueil-periscolaire-du-soir"


# --- What something else refers to is never removed ---------------------------------------------------


def test_a_school_year_a_dossier_is_filed_for_is_not_removed(clisson, tmp_path):
    """families.Dossier protects its school year: the one model outside the catalogue that refers to it
    today. The check reads the models' relations, so it holds every later one (bookings, invoices) too."""
    from tests.factories import ChildFactory, DossierFactory, SchoolYearFactory

    with schema_context("clisson"):
        old = SchoolYearFactory(name="2019-2020", start=date(2019, 9, 1), end=date(2020, 8, 31))
        DossierFactory(child=ChildFactory(), school_year=old)
    before, ids = export_of("clisson"), ids_of("clisson")
    document = export_of("clisson")
    document["school_years"] = [y for y in document["school_years"] if y["name"] != "2019-2020"]
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(document))

    with pytest.raises(CommandError) as error:
        call_command("import_catalog", "--commune", "clisson", str(path))

    assert str(error.value).splitlines() == [
        "Catalogue refusé, rien n'a été modifié :",
        "school_years[2019-2020] : utilisé par 1 dossier administratif, ne peut pas être retiré.",
    ]
    assert export_of("clisson") == before and ids_of("clisson") == ids


def test_a_booked_unit_is_not_removed_and_every_one_is_listed(in_clisson):
    """Bookings hold their unit and service (PROTECT); a service's enrolment pieces go with it (CASCADE)."""
    from reservations.models import Booking, EnrolmentRequirement
    from tests.factories import ChildFactory, DocumentTypeFactory, family

    evening, canteen, morning = (
        Service.objects.get(code=code)
        for code in ("accueil-periscolaire-du-soir", "restauration-scolaire", "accueil-periscolaire-du-matin")
    )
    document = catalog_export()
    evening_data = next(s for s in document["services"] if s["code"] == evening.code)
    evening_data["units"].append({**evening_data["units"][0], "code": "gouter", "name": "Goûter", "position": 1})
    catalog_import(document)
    snack = evening.units.get(code="gouter")
    household = family()
    child = ChildFactory(household=household)

    def book(service: Service, unit: ServiceUnit, day: int) -> Booking:
        return Booking.objects.create(
            child=child,
            household=household,
            service=service,
            unit=unit,
            date=date(2026, 10, day),
            state=Booking.State.CONFIRMED,
            source=Booking.Source.COUNTER,
        )

    snacks = [book(evening, snack, day) for day in (1, 2, 5)]
    book(canteen, canteen.units.get(), 1)
    requirement = EnrolmentRequirement.objects.create(service=morning, document_type=DocumentTypeFactory())
    before, ids = catalog_export(), ids_of("clisson")
    # Without the goûter, without the canteen (its unit goes with it), without the morning care (unbooked).
    evening_data["units"].pop()
    document["services"] = [s for s in document["services"] if s["code"] not in (canteen.code, morning.code)]

    with pytest.raises(CatalogImportError) as error:
        catalog_import(document)

    assert error.value.errors == [
        "services[Accueil périscolaire du soir].units[gouter] : utilisé par 3 réservations, ne peut pas être retiré.",
        "services[Restauration scolaire] : utilisé par 1 réservation, ne peut pas être retiré.",
        "services[Restauration scolaire].units[repas] : utilisé par 1 réservation, ne peut pas être retiré.",
    ]
    assert catalog_export() == before and ids_of("clisson") == ids

    Booking.objects.filter(pk__in=[b.pk for b in snacks]).delete()
    # The canteen stays (its booking holds it), without its tariff: nothing refers to a tariff yet.
    canteen_data = next(s for s in before["services"] if s["code"] == canteen.code)
    document["services"].append({**canteen_data, "tariffs": []})
    counts = catalog_import(document)

    assert counts["serviceunit.deleted"] == 2  # the goûter and the morning care's séance
    assert counts["service.deleted"] == 1 and counts["tariff.deleted"] == 2  # the morning care's, the canteen's
    assert not EnrolmentRequirement.objects.filter(pk=requirement.pk).exists()  # gone with the morning care
    assert Booking.objects.get().unit == canteen.units.get()
    assert Service.objects.get(code=canteen.code).pk == canteen.pk


def test_an_exclusion_named_on_one_side_holds_both_ways(clisson):
    document = export_of("clisson")
    centre = next(s for s in document["services"] if len(s["units"]) == 1)
    centre["units"] = [
        {"code": "journee", "name": "Journée", "duration_hours": "8.00", "excludes": ["matin"]},
        {"code": "matin", "name": "Matin", "duration_hours": "4.00", "excludes": []},  # says nothing of the journée
    ]
    centre["combinations"] = []
    for tariff in centre["tariffs"]:
        tariff["unit"], tariff["combination"] = "journee", None

    import_into("clisson", document)

    with schema_context("clisson"):
        units = {u.code: u for u in Service.objects.get(code=centre["code"]).units.all()}
        assert [u.code for u in units["matin"].excludes.all()] == ["journee"]
        assert [u.code for u in units["journee"].excludes.all()] == ["matin"]
