"""The operator console on the root domain, and the public contact form."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.roles import Role
from tenants.models import Commune, ContactRequest
from tenants.selectors import communes_for_console
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def operator_client(platform_client):
    operator = UserFactory(role=Role.OPERATOR)
    platform_client.post("/compte/login/", {"login": operator.email, "password": PASSWORD})
    return platform_client


def test_console_lists_communes_with_status_domains_and_account_counts(operator_client, clisson, gorges):
    with schema_context("clisson"):
        UserFactory.create_batch(2)

    response = operator_client.get("/console/")

    assert response.status_code == 200
    assert "Clisson" in response.text and "Gorges" in response.text
    assert "clisson.localhost" in response.text
    assert "parent : 2" in response.text and "administrator : 1" in response.text


def test_console_counts_every_commune_in_three_queries(clisson, gorges):
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as captured:
        summaries = communes_for_console()

    # Communes, their domains, one UNION over the schemas (django-tenants adds its SET search_path).
    queries = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET search_path")]
    assert len(queries) == 3
    assert {s.commune.schema_name for s in summaries} >= {"clisson", "gorges"}


def test_console_requires_an_operator(platform_client, clisson):
    not_operator = UserFactory(role=Role.PARENT)

    anonymous = platform_client.get("/console/")
    platform_client.post("/compte/login/", {"login": not_operator.email, "password": PASSWORD})
    forbidden = platform_client.get("/console/")

    assert anonymous.status_code == 302 and "/compte/login/" in anonymous["Location"]
    assert forbidden.status_code == 403


def test_commune_administrator_cannot_reach_the_console_from_the_root_domain(platform_client, clisson):
    with schema_context("clisson"):
        UserFactory(email="admin@clisson.test", role=Role.ADMINISTRATOR)

    response = platform_client.post("/compte/login/", {"login": "admin@clisson.test", "password": PASSWORD})

    assert response.status_code == 200  # unknown in the public schema
    assert platform_client.get("/console/").status_code == 302


def test_operator_onboards_a_commune_from_the_console(operator_client, django_capture_on_commit_callbacks):
    form = {
        "name": "Le Loroux",
        "slug": "leloroux",
        "insee_code": "44084",
        "admin_email": "maire@leloroux.test",
        "custom_domain": "",
        "template": "standard",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post("/console/communes/nouvelle/", form, follow=True)

    assert "Le Loroux est en ligne sur http://leloroux.localhost:8000/" in response.text
    assert Commune.objects.filter(schema_name="leloroux").exists()


def test_console_onboarding_shows_service_errors_on_the_form(operator_client, clisson):
    form = {
        "name": "Doublon",
        "slug": "clisson",
        "insee_code": "44999",
        "admin_email": "a@b.test",
        "template": "standard",
    }

    response = operator_client.post("/console/communes/nouvelle/", form)

    assert response.status_code == 200
    assert "Une commune utilise déjà cet identifiant." in response.text


def test_operator_suspends_and_reactivates_a_commune(operator_client, clisson):
    operator_client.post("/console/communes/clisson/suspend/")
    suspended = Commune.objects.get(pk=clisson.pk).status
    operator_client.post("/console/communes/clisson/reactivate/")

    assert suspended == Commune.Status.SUSPENDED
    assert Commune.objects.get(pk=clisson.pk).status == Commune.Status.ACTIVE
    assert operator_client.get("/console/communes/clisson/suspend/").status_code == 405


def test_contact_form_is_stored_for_operators(platform_client, operator_client):
    data = {
        "name": "Jeanne Martin",
        "organisation": "Mairie de Mouzillon",
        "email": "jeanne@mouzillon.test",
        "phone": "",
        "message": "Nous voudrions une démonstration.",
    }

    response = platform_client.post("/", data, follow=True)

    assert "Merci, votre demande est bien envoyée" in response.text
    assert ContactRequest.objects.get().organisation == "Mairie de Mouzillon"
    assert "Nous voudrions une démonstration." in operator_client.get("/console/").text


def test_contact_form_rejects_bad_input_with_french_errors_and_ignores_robots(platform_client):
    invalid = platform_client.post("/", {"name": "", "organisation": "X", "email": "nope", "message": "Bonjour"})
    robot = platform_client.post(
        "/",
        {"name": "Bot", "organisation": "X", "email": "bot@x.test", "message": "spam", "website": "http://x"},
        follow=True,
    )

    assert "Ce champ est obligatoire." in invalid.text
    assert "Saisissez une adresse e-mail valide." in invalid.text
    # Thanked like a person, so it cannot tell its message was dropped.
    assert robot.redirect_chain == [("/", 302)]
    assert "Merci, votre demande est bien envoyée" in robot.text
    assert not ContactRequest.objects.exists()
