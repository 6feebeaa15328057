"""Suspending, reactivating and archiving a commune."""

from django.core.management import call_command
from django_tenants.utils import schema_context

from accounts.models import User
from conftest import host_client
from tenants.models import Commune
from tests.factories import PASSWORD, UserFactory


def test_suspended_commune_shows_a_french_maintenance_page_and_refuses_logins(clisson):
    with schema_context("clisson"):
        parent = UserFactory()
    client = host_client("clisson.localhost")

    call_command("suspend_commune", "clisson")

    home = client.get("/")
    login = client.post("/compte/login/", {"login": parent.email, "password": PASSWORD})
    assert home.status_code == 503
    assert "momentanément indisponible" in home.text and "Clisson" in home.text
    assert login.status_code == 503
    assert "sessionid" not in login.cookies


def test_suspension_keeps_data_and_reactivation_restores_the_portal(clisson):
    with schema_context("clisson"):
        parent = UserFactory()

    call_command("suspend_commune", "clisson")
    call_command("reactivate_commune", "clisson")

    client = host_client("clisson.localhost")
    response = client.post("/compte/login/", {"login": parent.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    with schema_context("clisson"):
        assert User.objects.filter(email=parent.email).exists()


def test_logged_in_session_stops_working_when_the_commune_is_suspended(clisson):
    with schema_context("clisson"):
        parent = UserFactory()
    client = host_client("clisson.localhost")
    client.post("/compte/login/", {"login": parent.email, "password": PASSWORD})
    assert parent.get_short_name() in client.get("/").text

    call_command("suspend_commune", "clisson")

    assert client.get("/compte/email/").status_code == 503


def test_archive_command(clisson):
    call_command("archive_commune", "clisson")

    assert Commune.objects.get(pk=clisson.pk).status == Commune.Status.ARCHIVED
    assert host_client("clisson.localhost").get("/").status_code == 404
