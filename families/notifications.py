"""What families are told, and by which kind of notification (registered at start-up)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.communes import current_commune, portal_url
from core.roles import Capability
from families.models import ChangeRequest, Dossier, Guardian, Household
from families.selectors import guardian_users
from notifications.kinds import AlwaysSent, NotificationKind
from notifications.services import notify
from storage.models import Document

FAMILIES = Capability.FAMILY_SPACE
KINDS = (
    NotificationKind("families.decision", _("Décision sur une demande"), "families/email/decision", audience=FAMILIES),
    NotificationKind("families.dossier_validated", _("Dossier validé"), "families/email/dossier", audience=FAMILIES),
    NotificationKind(
        "families.dossier_to_correct",
        _("Dossier à corriger"),
        "families/email/dossier",
        always_sent=AlwaysSent.DEADLINE,
        audience=FAMILIES,
    ),
    NotificationKind(
        "families.document_refused", _("Document refusé"), "families/email/document_refused", audience=FAMILIES
    ),
    NotificationKind(
        "families.documents_expiring",
        _("Documents bientôt expirés"),
        "families/email/expiry",
        always_sent=AlwaysSent.DEADLINE,
        audience=FAMILIES,
    ),
    NotificationKind(
        "families.login_email_changed",
        _("Changement d'adresse de connexion"),
        "families/email/login_email_changed",
        always_sent=AlwaysSent.SECURITY,
        audience=FAMILIES,
    ),
)


def _context(**values) -> dict:
    commune = current_commune()
    return {"commune": commune, "dashboard_url": portal_url(commune, reverse("families:dashboard")), **values}


def notify_decision(request: ChangeRequest) -> None:
    notify("families.decision", to=guardian_users([request.household]), context=_context(request=request))


def notify_dossier_decision(dossier: Dossier) -> None:
    """Validated, or which pieces to correct and why; a shared child's two households both hear of it."""
    refused = [item for item in dossier.items.select_related("requirement") if item.reason]
    kind = "families.dossier_validated" if dossier.status == Dossier.Status.VALIDATED else "families.dossier_to_correct"
    notify(kind, to=guardian_users(dossier.child.households.all()), context=_context(dossier=dossier, refused=refused))


def notify_document_refused(document: Document, household: Household) -> None:
    url = portal_url(current_commune(), reverse("families:documents"))
    notify("families.document_refused", to=guardian_users([household]), context=_context(document=document, url=url))


def notify_documents_expiring(household: Household, documents: list[Document]) -> None:
    url = portal_url(current_commune(), reverse("families:documents"))
    context = _context(documents=documents, url=url)
    notify("families.documents_expiring", to=guardian_users([household]), context=context)


def notify_login_email_changed(guardian: Guardian, previous: str) -> None:
    """The former address hears of it: a change it did not ask for is a warning sign."""
    language = guardian.user.language if guardian.user else None
    notify("families.login_email_changed", to=[previous], context=_context(new_email=guardian.email), language=language)
