"""Each commune is its own account space: same e-mail, different people; sessions do not travel."""

import pytest
from django_tenants.utils import schema_context

from accounts.models import User
from conftest import host_client
from tests.factories import PASSWORD, UserFactory


def login(host: str, email: str, password: str):
    client = host_client(host)
    response = client.post("/compte/login/", {"login": email, "password": password})
    return client, response


def test_same_email_in_two_communes_is_two_unrelated_accounts(clisson, gorges):
    with schema_context("clisson"):
        in_clisson = UserFactory(email="marie@example.test", first_name="Marie")
    with schema_context("gorges"):
        in_gorges = UserFactory(email="marie@example.test", first_name="Maryse", password="autre-mot-de-passe-long")

    _, ok_clisson = login("clisson.localhost", "marie@example.test", PASSWORD)
    _, wrong_password_in_gorges = login("gorges.localhost", "marie@example.test", PASSWORD)
    gorges_client, ok_gorges = login("gorges.localhost", "marie@example.test", "autre-mot-de-passe-long")

    assert ok_clisson.status_code == 302
    assert wrong_password_in_gorges.status_code == 200  # the form again, with its error
    assert ok_gorges.status_code == 302
    assert "Maryse" in gorges_client.get("/").text
    assert in_clisson.pk is not None and in_gorges.pk is not None
    with schema_context("clisson"):
        assert User.objects.get(email="marie@example.test").first_name == "Marie"


def test_session_cookie_replayed_on_another_commune_is_worthless(clisson, gorges):
    # Same primary key in both schemas: the strongest case for a replay.
    with schema_context("clisson"):
        victim = UserFactory(email="victime@example.test", first_name="Victime")
    with schema_context("gorges"):
        UserFactory(email="victime@example.test", first_name="Homonyme")
    clisson_client, _ = login("clisson.localhost", victim.email, PASSWORD)
    stolen = clisson_client.cookies["sessionid"].value

    attacker = host_client("gorges.localhost")
    attacker.cookies["sessionid"] = stolen

    assert "Victime" not in attacker.get("/").text and "Homonyme" not in attacker.get("/").text
    assert attacker.get("/compte/email/").status_code == 302  # to the login page
    assert "Victime" in clisson_client.get("/").text


def test_session_of_a_commune_is_worthless_on_the_platform(clisson, platform_client):
    with schema_context("clisson"):
        user = UserFactory()
    clisson_client, _ = login("clisson.localhost", user.email, PASSWORD)
    platform_client.cookies["sessionid"] = clisson_client.cookies["sessionid"].value

    assert platform_client.get("/console/").status_code == 302


def test_wrong_password_gives_a_french_error(clisson):
    with schema_context("clisson"):
        user = UserFactory()

    _, response = login("clisson.localhost", user.email, "mauvais")

    assert response.status_code == 200
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.text


def test_failed_login_rate_limit_is_per_commune(clisson, gorges):
    for schema in ("clisson", "gorges"):
        with schema_context(schema):
            UserFactory(email="cible@example.test")
    for _ in range(6):
        login("clisson.localhost", "cible@example.test", "mauvais")

    _, blocked = login("clisson.localhost", "cible@example.test", PASSWORD)
    _, elsewhere = login("gorges.localhost", "cible@example.test", PASSWORD)

    assert blocked.status_code == 200 and "Trop de tentatives" in blocked.text
    assert elsewhere.status_code == 302


@pytest.mark.parametrize("path", ["/compte/login/", "/compte/password/reset/", "/compte/signup/"])
def test_account_pages_are_in_french_inside_the_commune_layout(clisson_client, path):
    response = clisson_client.get(path)

    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Portail Famille — Clisson" in response.text
    assert 'href="#contenu"' in response.text
