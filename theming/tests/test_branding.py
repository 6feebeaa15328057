"""A commune's face: layout, contact block and logo, each commune seeing only its own."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from theming.services import branding_update

LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'


def test_home_page_shows_the_commune_contact_block_and_accessible_layout(clisson, clisson_client):
    with schema_context("clisson"):
        branding_update(
            contact_email="enfance@clisson.test", contact_phone="02 40 00 00 01", opening_hours="Lundi 9h-12h"
        )

    page = clisson_client.get("/").text

    assert '<html lang="fr">' in page
    assert '<a class="skip-link" href="#contenu">Aller au contenu</a>' in page
    assert '<main id="contenu"' in page and 'role="banner"' in page and 'role="contentinfo"' in page
    assert "enfance@clisson.test" in page and "02 40 00 00 01" in page and "Lundi 9h-12h" in page


def test_logo_is_served_only_to_its_own_commune(clisson, gorges, clisson_client, gorges_client):
    with schema_context("clisson"):
        branding = branding_update(logo=("blason.svg", LOGO))

    own = clisson_client.get("/logo")
    other = gorges_client.get("/logo")

    assert branding.logo.name.startswith("clisson/branding/")
    assert own.status_code == 200 and b"".join(own.streaming_content) == LOGO
    assert own["Content-Type"] == "image/svg+xml" and "sandbox" in own["Content-Security-Policy"]
    assert 'src="/logo"' in clisson_client.get("/").text
    assert other.status_code == 404
    assert 'src="/logo"' not in gorges_client.get("/").text


def test_invalid_colour_is_refused_with_a_french_message(in_clisson):
    with pytest.raises(ValidationError, match=r"Indiquez une couleur au format #RRGGBB\."):
        branding_update(primary_colour="red;} body{display:none")
