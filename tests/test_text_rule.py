"""Names and free texts refuse control and invisible characters, and are stored trimmed and in NFC: through
the API (core.api's text fields) and through the pages' forms (core.forms), with the same French message."""

import re

import pytest
from rest_framework.test import APIClient

from catalog.models import Site
from conftest import CLISSON, signed_in
from core.roles import Role
from core.text import REFUSED_MESSAGE, normalise_text, text_pattern
from families.models import Child
from tests.factories import ChildFactory, UserFactory, family, parent_of

REFUSED = str(REFUSED_MESSAGE)
API = "/api/v1/families"
# What an API client stored in child names before the rule: they would have reached PDFs, e-mails and exports.
CONTROL_CHARACTERS = ["\u0004", "\u0013", "\u0014", "\x00", "\x1f", "\x85", "\u200b", "\u202e", "\ufeff"]


@pytest.fixture
def martin(in_clisson):
    return family("Famille Martin")


def api_client(household) -> APIClient:
    client = APIClient(HTTP_HOST=CLISSON.host)
    client.force_authenticate(parent_of(household))
    return client


@pytest.mark.parametrize("character", CONTROL_CHARACTERS, ids=[f"U+{ord(c):04X}" for c in CONTROL_CHARACTERS])
def test_the_api_refuses_a_child_name_with_a_control_character(martin, character):
    response = api_client(martin).post(
        f"{API}/children", {"first_name": f"Lé{character}a", "last_name": "Martin", "birth_date": "2019-03-02"}
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"first_name": [REFUSED]}
    assert not Child.objects.filter(last_name="Martin").exists()


@pytest.mark.parametrize("name", ["\n", "Léa\n", "\tLéa", "\x1f"])
def test_trimming_hides_no_control_character(martin, name):
    response = api_client(martin).post(
        f"{API}/children", {"first_name": name, "last_name": "Martin", "birth_date": "2019-03-02"}
    )

    assert response.status_code == 400 and response.json()["fields"] == {"first_name": [REFUSED]}


def test_the_api_stores_names_trimmed_and_in_nfc(martin):
    decomposed = "Le\u0301a"  # "Léa" typed as e + combining acute accent

    response = api_client(martin).post(
        f"{API}/children",
        {"first_name": f"  {decomposed} ", "last_name": "Martin", "birth_date": "2019-03-02", "allergies": "a\r\nb"},
    )

    assert response.status_code == 201
    child = Child.objects.get(pk=response.json()["id"])
    assert child.first_name == "L\u00e9a"  # one code point for é
    assert child.allergies == "a\nb"  # a multi-line text keeps its lines


def test_a_multiline_text_keeps_its_lines_and_tabs_but_no_other_control(martin):
    child = ChildFactory(household=martin)
    client = api_client(martin)

    kept = client.patch(f"{API}/children/{child.pk}", {"allergies": "arachide\n\tnoix"})
    refused = client.patch(f"{API}/children/{child.pk}", {"health_notes": "asthme\x07"})

    assert kept.status_code == 200 and kept.json()["allergies"] == "arachide\n\tnoix"
    assert refused.status_code == 400 and refused.json()["fields"] == {"health_notes": [REFUSED]}


def test_the_child_page_refuses_control_characters_and_normalises(martin):
    parent = signed_in(parent_of(martin))

    refused = parent.post(
        "/famille/enfants/ajouter/", {"first_name": "Lé\u0013a", "last_name": "Martin", "birth_date": "2019-03-02"}
    )
    stored = parent.post(
        "/famille/enfants/ajouter/", {"first_name": " Le\u0301a ", "last_name": "Martin", "birth_date": "2019-03-02"}
    )

    assert refused.status_code == 200 and refused.context["form"].errors == {"first_name": [REFUSED]}
    assert REFUSED in refused.content.decode()
    assert stored.status_code == 302
    assert list(Child.objects.values_list("first_name", flat=True)) == ["Léa"]


def test_the_catalogue_page_refuses_control_characters(in_clisson):
    page = signed_in(UserFactory(role=Role.ADMINISTRATOR))

    response = page.post("/gestion/catalogue/sites/nouveau/", {"name": "École\u202e du bourg"})

    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not Site.objects.filter(name__endswith="du bourg").exists()


@pytest.mark.parametrize("multiline", [False, True])
def test_the_schema_pattern_is_the_rule(multiline):
    """The pattern the OpenAPI schema shows is the one the server applies: no control character passes it,
    and ordinary text (accents, emoji with their joiners, apostrophes) does."""
    pattern = re.compile(text_pattern(multiline=multiline, blank=False))

    for text in ["Léa", "Zoé-Anaïs d'Arc", "👨\u200d👩\u200d👧", "École Paul Éluard"]:
        assert pattern.search(text), text
    for character in CONTROL_CHARACTERS:
        assert not pattern.search(f"a{character}b"), character
    assert bool(pattern.search("a\nb")) is multiline
    assert not pattern.search("   ")


def test_normalise_text():
    assert normalise_text("  Le\u0301a\t") == "Léa"
    assert normalise_text("a\r\nb\rc", multiline=True) == "a\nb\nc"
