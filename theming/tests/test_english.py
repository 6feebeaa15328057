"""English for visitors who choose it with the switcher, French (the default) for everyone else.

The strings come from locale/en/LC_MESSAGES/django.mo, compiled by scripts/setup.sh.
"""

import pytest

# Per page, the same pieces of markup in English and in French.
PAGES = {
    "/": {
        "en": [">Skip to content</a>", ">Welcome to Portail Famille — Clisson</h1>", ">Contact us</h2>"],
        "fr": [">Aller au contenu</a>", ">Bienvenue sur le Portail Famille — Clisson</h1>", ">Nous contacter</h2>"],
    },
    "/compte/login/": {
        "en": [">Sign in to my account</h1>", ">Email address</label>", ">Forgot your password?</a>"],
        "fr": [">Connexion à mon espace</h1>", ">Adresse e-mail</label>", ">Mot de passe oublié ?</a>"],
    },
}


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_in_english_once_the_visitor_chose_it(clisson_client, path):
    clisson_client.post("/langue/", {"language": "en", "next": path})
    response = clisson_client.get(path)

    assert response.status_code == 200
    page = response.text
    assert '<html lang="en">' in page
    for english, french in zip(PAGES[path]["en"], PAGES[path]["fr"], strict=True):
        assert english in page and french not in page
    # Caches must keep the two languages apart.
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_stay_in_french_whatever_the_browser_asks(clisson_client, path):
    response = clisson_client.get(path, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    page = response.text
    assert '<html lang="fr">' in page
    for english, french in zip(PAGES[path]["en"], PAGES[path]["fr"], strict=True):
        assert french in page and english not in page
