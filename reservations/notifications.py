"""What families are told about their enrolments (kinds registered at start-up)."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.communes import current_commune, portal_url
from core.roles import Capability
from families.selectors import guardian_users
from notifications.kinds import AlwaysSent, NotificationKind
from notifications.services import notify
from reservations.prices import priced_days

KINDS = (
    NotificationKind(
        "reservations.enrolment_decision",
        _("Décision sur une inscription"),
        "reservations/email/enrolment_decision",
        audience=Capability.FAMILY_SPACE,
    ),
    NotificationKind(
        "reservations.basket_confirmation",
        _("Confirmation de vos réservations"),
        "reservations/email/basket_confirmation",
        always_sent=AlwaysSent.PROOF,
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


def notify_basket_confirmation(household, outcome) -> None:
    """The recap of a validated basket: what was booked and at what price, what was cancelled, what could
    not be applied and why, and what is to pay now for services paid at booking — the family's proof."""
    commune = current_commune()
    booked = priced_days(household, outcome.booked)
    held = priced_days(household, outcome.held)
    context = {
        "commune": commune,
        "booked": booked,
        "booked_total": sum((day.total for day in booked), Decimal("0")),
        "cancelled": priced_days(household, outcome.cancelled),
        "refused": outcome.refused,
        "held_total": sum((day.total for day in held), Decimal("0")),
        "held_until": min((b.held_until for b in outcome.held), default=None),
        "dashboard_url": portal_url(commune, reverse("families:dashboard")),
    }
    notify("reservations.basket_confirmation", to=guardian_users([household]), context=context)
