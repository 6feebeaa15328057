"""The dossier a new commune asks for until it sets its own (the seeds' usual pieces)."""

from django.db import transaction
from django.utils.translation import gettext as _

from families.models import DossierRequirement
from storage.models import DocumentType


def install_standard_dossier() -> None:
    with transaction.atomic():
        vaccines = _type(_("Pages de vaccination du carnet de santé"), None)
        insurance = _type(_("Attestation d'assurance responsabilité civile"), 12)
        _type(_("Justificatif de quotient familial"), 12)
        pieces = [
            (
                _("Pages de vaccination du carnet de santé"),
                "document",
                vaccines,
                _("Photo ou scan des pages de vaccins."),
            ),
            (_("Attestation d'assurance responsabilité civile"), "document", insurance, _("Pour l'année scolaire.")),
            (_("Droit à l'image"), "authorisation", None, _("Photos prises pendant les activités.")),
            (_("Sorties hors de la structure"), "authorisation", None, _("Sorties à pied ou en car, accompagnées.")),
            (_("J'ai lu et j'accepte le règlement intérieur"), "acceptance", None, ""),
        ]
        for position, (label, kind, document_type, help_text) in enumerate(pieces, start=1):
            DossierRequirement.objects.get_or_create(
                label=label,
                defaults={"kind": kind, "document_type": document_type, "help_text": help_text, "position": position},
            )


def _type(name: str, validity_months: int | None) -> DocumentType:
    return DocumentType.objects.get_or_create(name=name, defaults={"validity_months": validity_months})[0]
