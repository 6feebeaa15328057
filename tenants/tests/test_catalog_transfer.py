"""Export a commune's catalogue, import it into another: same document back, all or nothing."""

import json

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from catalog.models import Service
from catalog.starters import standard
from catalog.transfer import catalog_export, catalog_import
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
    before = export_of("clisson")
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
    assert export_of("clisson") == before


@pytest.mark.parametrize("content", ["pas du json", json.dumps({"format": "autre"}), json.dumps([1, 2])])
def test_a_file_that_is_not_a_catalogue_is_refused(clisson, tmp_path, content):
    path = tmp_path / "x.json"
    path.write_text(content)

    with pytest.raises(CommandError):
        call_command("import_catalog", "--commune", "clisson", str(path))


def test_unknown_commune(db, tmp_path):
    with pytest.raises(CommandError, match="Aucune commune n'a l'identifiant « nulle »"):
        call_command("export_catalog", "--commune", "nulle", "--output", str(tmp_path / "x.json"))
