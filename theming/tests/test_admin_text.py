"""The portal's branding, edited in the Django admin, follows the text rule (core.admin): the welcome text and
the contact block refuse a control character with a message in the visitor's language, and are stored
trimmed and in NFC; the address and the opening hours keep their lines."""

import pytest
from django.conf import settings
from django.test import Client

from audit.models import AuditEntry
from conftest import signed_in
from core.roles import Role
from tests.factories import UserFactory
from theming.models import Branding

REFUSED = {
    "fr": "Ce texte contient des caractères non autorisés (caractères de contrôle ou invisibles).",
    "en": "This text contains characters that are not allowed (control or invisible characters).",
}
# The change form's fields, all posted each time as a browser does.
FORM_FIELDS = [
    "primary_colour",
    "secondary_colour",
    "welcome_text",
    "contact_email",
    "contact_phone",
    "contact_address",
    "opening_hours",
]


@pytest.fixture
def admin_client(in_clisson) -> Client:
    return signed_in(UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True))


def change(client: Client, **fields: str):
    branding = Branding.objects.get()
    form = {name: getattr(branding, name) for name in FORM_FIELDS}
    return client.post(f"/admin/theming/branding/{branding.pk}/change/", {**form, **fields})


@pytest.mark.parametrize("language", REFUSED)
@pytest.mark.parametrize("field", ["welcome_text", "contact_phone", "contact_address", "opening_hours"])
def test_branding_texts_with_a_control_character_are_refused(admin_client, field, language):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    before = Branding.objects.get()

    response = change(admin_client, **{field: "Mairie\u0004 de Clisson"})

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]  # the message, lazy, is read in the page
    assert REFUSED[language] in response.text
    assert getattr(Branding.objects.get(), field) == getattr(before, field)
    assert not AuditEntry.objects.filter(action="theming.branding").exists()


def test_branding_texts_are_stored_trimmed_and_in_nfc(admin_client):
    response = change(
        admin_client,
        welcome_text="  Bienvenue a\u0300 Clisson, de\u0301couvrez nos services. ",
        contact_phone=" 02 40 54 02 22  ",
        contact_address=" 8 place de l'e\u0301glise\r\n44190 Clisson ",
        opening_hours="Lundi : 9h-12h\r\n\tjours fe\u0301rie\u0301s : ferme\u0301  ",
    )

    assert response.status_code == 302
    branding = Branding.objects.get()
    assert branding.welcome_text == "Bienvenue \u00e0 Clisson, d\u00e9couvrez nos services."  # one code point each
    assert branding.contact_phone == "02 40 54 02 22"
    assert branding.contact_address == "8 place de l'\u00e9glise\n44190 Clisson"  # a multi-line text keeps its lines
    assert branding.opening_hours == "Lundi : 9h-12h\n\tjours f\u00e9ri\u00e9s : ferm\u00e9"
