"""Operators export a commune's catalogue and import it into another, from the console."""

import json
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from catalog.models import Service
from catalog.transfer import catalog_export
from tenants.tests.test_console import operator_client  # noqa: F401  (fixture)
from tests.factories import ServiceFactory


def _names(schema: str) -> set[str]:
    with schema_context(schema):
        return set(Service.objects.values_list("name", flat=True))


def test_operator_downloads_a_communes_catalogue(operator_client, clisson):  # noqa: F811
    with schema_context("clisson"):
        ServiceFactory(name="Cantine de Clisson")

    response = operator_client.get("/console/communes/clisson/catalogue/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="catalogue-clisson-')
    document = json.loads(response.content)
    assert "Cantine de Clisson" in {s["name"] for s in document["services"]}


def test_operator_copies_one_communes_catalogue_into_another(operator_client, clisson, gorges):  # noqa: F811
    with schema_context("clisson"):
        ServiceFactory(name="Cantine de Clisson")
        expected = catalog_export()

    with schema_context("gorges"):
        kept = dict(Service.objects.values_list("code", "pk"))  # the standard catalogue, as Clisson's

    page = operator_client.post(
        "/console/communes/gorges/catalogue/", {"source": "clisson", "confirm": "on"}, follow=True
    )
    again = operator_client.post(
        "/console/communes/gorges/catalogue/", {"source": "clisson", "confirm": "on"}, follow=True
    )

    assert (
        "Catalogue de Gorges remplacé : sites : 1 ajout ; prestations : 1 ajout ; unités : 1 ajout."
        in page.content.decode()
    )
    assert "Catalogue de Gorges remplacé : aucun changement." in again.content.decode()
    with schema_context("gorges"):
        assert catalog_export() == expected
        assert {code: pk for code, pk in Service.objects.values_list("code", "pk") if code in kept} == kept


def test_a_copy_that_would_remove_what_a_family_uses_is_refused(operator_client, clisson, gorges):  # noqa: F811
    from tests.factories import ChildFactory, DossierFactory, SchoolYearFactory

    with schema_context("gorges"):
        year = SchoolYearFactory(name="2019-2020", start=date(2019, 9, 1), end=date(2020, 8, 31))
        DossierFactory(child=ChildFactory(), school_year=year)
        before = catalog_export()

    page = operator_client.post("/console/communes/gorges/catalogue/", {"source": "clisson", "confirm": "on"})

    text = page.content.decode()
    assert "Catalogue refusé, rien n’a été modifié" in text
    assert "school_years[2019-2020] : utilisé par 1 dossier administratif, ne peut pas être retiré." in text
    with schema_context("gorges"):
        assert catalog_export() == before


def test_a_bad_file_is_refused_with_its_errors_and_changes_nothing(operator_client, clisson):  # noqa: F811
    before = _names("clisson")
    document = {
        "format": "portail-famille-catalogue",
        "version": 1,
        "sites": [],
        "services": [{"name": "X", "site": "?"}],
    }
    upload = SimpleUploadedFile("catalogue.json", json.dumps(document).encode(), content_type="application/json")

    page = operator_client.post("/console/communes/clisson/catalogue/", {"file": upload, "confirm": "on"})

    text = page.content.decode()
    assert "Catalogue refusé, rien n’a été modifié" in text and "services[0] : site inconnu « ? »." in text
    assert _names("clisson") == before


def test_a_file_that_is_not_json_is_refused(operator_client, clisson):  # noqa: F811
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 not json", content_type="application/json")

    page = operator_client.post("/console/communes/clisson/catalogue/", {"file": upload, "confirm": "on"})

    assert "Ce fichier n&#x27;est pas un JSON lisible" in page.content.decode()


def test_import_needs_a_confirmation_and_one_source(operator_client, clisson):  # noqa: F811
    before = _names("clisson")

    unconfirmed = operator_client.post("/console/communes/clisson/catalogue/", {"source": "gorges"})
    no_source = operator_client.post("/console/communes/clisson/catalogue/", {"confirm": "on"})

    assert "Ce champ est obligatoire." in unconfirmed.content.decode()
    assert "Choisissez soit un fichier, soit une commune à copier." in no_source.content.decode()
    assert _names("clisson") == before


def test_only_operators_reach_the_catalogue_console(platform_client, clisson):
    assert platform_client.get("/console/communes/clisson/catalogue/export/").status_code == 302
    assert platform_client.post("/console/communes/clisson/catalogue/", {"source": "gorges"}).status_code == 302


def test_reimporting_keeps_who_manages_what_and_is_journaled(operator_client, clisson):  # noqa: F811
    from accounts.models import Role
    from audit.models import AuditEntry
    from tests.factories import UserFactory

    with schema_context("clisson"):
        manager = UserFactory(role=Role.SERVICE_MANAGER)
        ServiceFactory(name="Cantine de Clisson").managers.add(manager)
    export = operator_client.get("/console/communes/clisson/catalogue/export/").content
    upload = SimpleUploadedFile("catalogue.json", export, content_type="application/json")

    operator_client.post("/console/communes/clisson/catalogue/", {"file": upload, "confirm": "on"})

    with schema_context("clisson"):
        assert list(Service.objects.get(name="Cantine de Clisson").managers.all()) == [manager]
        entry = AuditEntry.objects.get(action="catalog.replace")
        assert entry.actor is None and entry.actor_email.startswith("personne")
        assert entry.changes == {}  # the same catalogue: nothing created, changed or removed
