"""French counts 0 as singular ("0 jour modifié"), English as plural ("0 days changed"): French is the
source language, so locale/fr only gives its plural rule to the strings that have a plural."""

import gettext
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext

LOCALE = Path(settings.BASE_DIR) / "locale"
SINGULAR = "%(n)s jour modifié dans le panier : il reste à le valider."
PLURAL = "%(n)s jours modifiés dans le panier : il reste à les valider."


def test_french_counts_zero_and_one_as_singular_and_english_zero_as_plural():
    with translation.override("fr"):
        assert [ngettext(SINGULAR, PLURAL, n) for n in (0, 1, 2)] == [SINGULAR, SINGULAR, PLURAL]
    with translation.override("en"):
        assert ngettext(SINGULAR, PLURAL, 0).startswith("%(n)s days")


def test_every_string_with_a_plural_has_french_plural_forms():
    """Read from the compiled catalogues (setup compiles them), with the standard library's reader."""

    def catalogue(language: str) -> gettext.GNUTranslations:
        with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
            return gettext.GNUTranslations(mo)

    english, french = catalogue("en"), catalogue("fr")
    plurals = {key[0] for key in english._catalog if isinstance(key, tuple)}
    given = {key[0] for key in french._catalog if isinstance(key, tuple)}

    assert french.info()["plural-forms"] == "nplurals=2; plural=(n > 1);"
    assert plurals <= given, f"run makemessages -l fr and give these their forms: {sorted(plurals - given)}"
