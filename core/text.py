"""What a name or a free text may contain: read by the API's fields and the pages' forms alike.

Text typed by families and staff ends up in PDFs, e-mails and accounting exports. A control character
(U+0004), an invisible one (a zero-width space) or a bidirectional override (which reverses what follows
it on screen) breaks those files or hides what a text really says, so it is refused with a message; the
rest is stored trimmed and in Unicode NFC, so that "é" typed as e + ◌́ and "é" are the same name.
"""

import re
import unicodedata

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Escapes, not the characters themselves: this source text is also the pattern the OpenAPI schema shows.
# C0 and C1 controls and DEL; zero-width space, LRM and RLM; line and paragraph separators; bidirectional
# embeddings, overrides and isolates; word joiner and invisible operators; the byte order mark;
# interlinear annotations. Zero-width (non-)joiners stay: emoji sequences and some scripts need them.
_INVISIBLE = r"\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
_FORBIDDEN_ON_ONE_LINE = r"\x00-\x1f\x7f-\x9f" + _INVISIBLE
# A multi-line text (allergies, notes, an address) keeps its tabs and line breaks.
_FORBIDDEN_IN_LINES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _INVISIBLE

REFUSED_MESSAGE = _("Ce texte contient des caractères non autorisés (caractères de contrôle ou invisibles).")
REFUSED_CODE = "control_characters"


def text_pattern(*, multiline: bool = False, blank: bool = True) -> str:
    """The allowed non-empty texts as a regular expression, valid in Python and in an OpenAPI (ECMA) pattern
    (an empty text is for the field to allow or not: the schema says so beside the pattern).

    A text that may not be blank needs one character that is not a space: the server trims it first."""
    forbidden = _FORBIDDEN_IN_LINES if multiline else _FORBIDDEN_ON_ONE_LINE
    if blank:
        return rf"\A[^{forbidden}]+\Z"
    return rf"\A[^{forbidden}]*[^\s{forbidden}][^{forbidden}]*\Z"


def has_refused_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether `value`, as it was sent (before trimming: a trimmed "\\n" would pass for blank), has a
    character the rule refuses."""
    return bool((_REFUSED_IN_LINES if multiline else _REFUSED_ON_ONE_LINE).search(value))


_REFUSED_ON_ONE_LINE = re.compile(f"[{_FORBIDDEN_ON_ONE_LINE}]")
_REFUSED_IN_LINES = re.compile(f"[{_FORBIDDEN_IN_LINES}]")


def text_validator(*, multiline: bool = False, blank: bool = True) -> RegexValidator:
    return RegexValidator(
        re.compile(text_pattern(multiline=multiline, blank=blank)), message=REFUSED_MESSAGE, code=REFUSED_CODE
    )


def normalise_text(value: str, *, multiline: bool = False) -> str:
    """NFC, trimmed; line breaks as \\n in a multi-line text."""
    value = unicodedata.normalize("NFC", value).strip()
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value
