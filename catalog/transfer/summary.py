"""An import's counts in words, for the operator who ran it."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.transfer.importing import KINDS

WHAT = {
    "created": lambda n: ngettext("%(n)s ajout", "%(n)s ajouts", n),
    "updated": lambda n: ngettext("%(n)s modification", "%(n)s modifications", n),
    "deleted": lambda n: ngettext("%(n)s suppression", "%(n)s suppressions", n),
}


def catalog_import_summary(counts: dict[str, int]) -> str:
    """« prestations : 1 ajout, 2 modifications ; unités : 1 suppression », or « aucun changement »."""
    parts = []
    for model in KINDS:
        name = model._meta.model_name
        done = [WHAT[what](n) % {"n": n} for what in WHAT if (n := counts.get(f"{name}.{what}"))]
        if done:
            parts.append(f"{model._meta.verbose_name_plural} : {', '.join(done)}")
    return " ; ".join(parts) or _("aucun changement")
