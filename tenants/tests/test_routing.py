"""Which commune (or the platform) answers a request, by its Host header."""

import pytest
from django_tenants.utils import schema_context

from conftest import host_client
from tenants.models import Commune, Domain
from theming.services import branding_update


def test_subdomain_serves_its_commune_with_its_branding(clisson, gorges):
    with schema_context("clisson"):
        branding_update(primary_colour="#123456")

    clisson_page = host_client("clisson.localhost").get("/")
    gorges_page = host_client("gorges.localhost").get("/")

    assert clisson_page.status_code == 200
    assert "Clisson" in clisson_page.text and "Gorges" not in clisson_page.text
    assert "--brand-primary: #123456" in clisson_page.text
    assert "Gorges" in gorges_page.text and "#123456" not in gorges_page.text


def test_custom_domain_serves_the_same_commune(clisson):
    Domain.objects.create(domain="famille.clisson.fr", tenant=clisson, is_primary=False)

    response = host_client("famille.clisson.fr").get("/")

    assert response.status_code == 200
    assert "Clisson" in response.text


def test_host_with_port_and_www_prefix_are_understood(clisson):
    assert host_client("clisson.localhost:8000").get("/").status_code == 200
    assert "Contactez-nous" in host_client("www.localhost:8000").get("/").text


def test_root_domain_serves_the_vendor_landing_page(platform_client):
    response = platform_client.get("/")

    assert response.status_code == 200
    assert "Vous êtes une mairie ? Contactez-nous" in response.text


@pytest.mark.parametrize("host", ["inconnue.localhost", "clisson.example.org", "localhost.evil.test"])
def test_unknown_host_gets_a_plain_404_that_names_no_commune(clisson, gorges, host):
    response = host_client(host).get("/")

    assert response.status_code == 404
    assert "Clisson" not in response.text and "Gorges" not in response.text
    assert response.content == host_client("autre.localhost").get("/compte/login/").content


def test_archived_commune_answers_like_an_unknown_host(clisson):
    Commune.objects.filter(pk=clisson.pk).update(status=Commune.Status.ARCHIVED)

    response = host_client("clisson.localhost").get("/")

    assert response.status_code == 404
    assert response.content == host_client("inconnue.localhost").get("/").content


def test_commune_pages_are_not_served_on_the_platform_and_console_not_on_communes(clisson_client, platform_client):
    assert clisson_client.get("/console/").status_code == 404
    assert platform_client.get("/logo").status_code == 404
