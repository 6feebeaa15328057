"""What families are told about their enrolments (kinds registered at start-up)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.communes import current_commune, portal_url
from core.roles import Capability
from families.selectors import guardian_users
from notifications.kinds import NotificationKind
from notifications.services import notify

KINDS = (
    NotificationKind(
        "reservations.enrolment_decision",
        _("Décision sur une inscription"),
        "reservations/email/enrolment_decision",
        audience=Capability.FAMILY_SPACE,
    ),
)


def notify_enrolment_decision(enrolment, refused: list) -> None:
    """Validated (with the days that could not be booked, and why) or refused (with the reason)."""
    commune = current_commune()
    context = {
        "enrolment": enrolment,
        "commune": commune,
        "full_days": sorted({r.request.date for r in refused if r.reason == "full"}),
        "dashboard_url": portal_url(commune, reverse("families:dashboard")),
    }
    notify("reservations.enrolment_decision", to=guardian_users([enrolment.household]), context=context)
