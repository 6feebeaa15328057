"""The root domain's forms follow the text rule (core.forms): the operator console's onboarding and the
landing page's contact form refuse a control character with a message in the visitor's language, store
nothing, and store names trimmed and in NFC."""

import pytest
from django.conf import settings
from django.test import Client

from core.roles import Role
from tenants.models import Commune, ContactRequest
from tests.factories import PASSWORD, UserFactory

REFUSED = {
    "fr": "Ce texte contient des caractères non autorisés (caractères de contrôle ou invisibles).",
    "en": "This text contains characters that are not allowed (control or invisible characters).",
}
ONBOARDING = {
    "slug": "saintleger",
    "insee_code": "44171",
    "admin_email": "maire@saintleger.test",
    "custom_domain": "",
    "template": "standard",
}
CONTACT = {"organisation": "Mairie de Mouzillon", "email": "jeanne@mouzillon.test", "phone": "", "message": "Bonjour"}


@pytest.fixture
def operator_client(platform_client) -> Client:
    operator = UserFactory(role=Role.OPERATOR)
    platform_client.post("/compte/login/", {"login": operator.email, "password": PASSWORD})
    return platform_client


def in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # what the footer's switcher sets
    return client


@pytest.mark.parametrize("language", REFUSED)
def test_onboarding_refuses_a_commune_name_with_a_control_character(operator_client, language):
    response = in_language(operator_client, language).post(
        "/console/communes/nouvelle/", {**ONBOARDING, "name": "Saint-L\u0004éger"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name"]  # the message, lazy, is read in the page
    assert REFUSED[language] in response.text
    assert not Commune.objects.filter(schema_name="saintleger").exists()


def test_onboarding_stores_the_commune_name_trimmed_and_in_nfc(operator_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            "/console/communes/nouvelle/", {**ONBOARDING, "name": "  Saint-Le\u0301ger-les-Vignes "}
        )

    assert response.status_code == 302
    assert Commune.objects.get(schema_name="saintleger").name == "Saint-L\u00e9ger-les-Vignes"  # one code point


@pytest.mark.parametrize("language", REFUSED)
def test_the_contact_form_refuses_a_control_character(platform_client, language):
    response = in_language(platform_client, language).post(
        "/", {**CONTACT, "name": "Jeanne", "message": "Nous voudrions\u0004 une démonstration."}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["message"]  # the message, lazy, is read in the page
    assert REFUSED[language] in response.text
    assert not ContactRequest.objects.exists()


def test_the_contact_form_stores_names_and_message_trimmed_and_in_nfc(platform_client):
    response = platform_client.post(
        "/", {**CONTACT, "name": " Le\u0301a Martin  ", "message": "  Une de\u0301monstration ?\r\nMerci. "}
    )

    assert response.status_code == 302
    request = ContactRequest.objects.get()
    assert request.name == "L\u00e9a Martin"
    assert request.message == "Une d\u00e9monstration ?\nMerci."  # a multi-line text keeps its lines
