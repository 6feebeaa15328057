"""Document types, edited in the Django admin, follow the text rule (core.admin): their name and the help
families read refuse a control character with a message in the visitor's language, and are stored trimmed
and in NFC."""

import pytest
from django.conf import settings
from django.test import Client

from conftest import signed_in
from core.roles import Role
from storage.models import DocumentType
from tests.factories import UserFactory

REFUSED = {
    "fr": "Ce texte contient des caractères non autorisés (caractères de contrôle ou invisibles).",
    "en": "This text contains characters that are not allowed (control or invisible characters).",
}
ADD = "/admin/storage/documenttype/add/"


@pytest.fixture
def admin_client(in_clisson) -> Client:
    return signed_in(UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True))


@pytest.mark.parametrize("language", REFUSED)
def test_a_document_type_name_with_a_control_character_is_refused(admin_client, language):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    before = set(DocumentType.objects.values_list("name", flat=True))

    response = admin_client.post(ADD, {"name": "Certificat\u0004 médical", "validity_months": "12"})

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["name"]  # the message, lazy, is read in the page
    assert REFUSED[language] in response.text
    assert set(DocumentType.objects.values_list("name", flat=True)) == before


def test_a_document_type_is_stored_trimmed_and_in_nfc(admin_client):
    response = admin_client.post(
        ADD, {"name": "  Certificat me\u0301dical ", "validity_months": "12", "help_text": " Date de moins d'un an. "}
    )

    assert response.status_code == 302
    document_type = DocumentType.objects.get(name="Certificat m\u00e9dical")  # one code point for é
    assert document_type.help_text == "Date de moins d'un an."
