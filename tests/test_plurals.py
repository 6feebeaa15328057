"""French counts 0 as singular ("0 jour modifié"), English as plural ("0 days changed"): French is the
source language, so locale/fr only gives its plural rule to the strings that have a plural."""

from pathlib import Path

import polib
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
    english = polib.pofile(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    french = polib.pofile(LOCALE / "fr" / "LC_MESSAGES" / "django.po")
    plurals = {e.msgid for e in english if e.msgid_plural and not e.obsolete}
    given = {e.msgid for e in french if e.msgid_plural and e.msgstr_plural.get(0) and not e.obsolete}

    assert french.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);" and not french.metadata_is_fuzzy
    assert plurals <= given, f"run makemessages -l fr and give these their forms: {sorted(plurals - given)}"
