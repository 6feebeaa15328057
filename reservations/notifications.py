"""What families are told about their enrolments (kinds registered at start-up)."""

from decimal import Decimal

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.communes import current_commune, portal_url
from core.roles import Capability
from families.models import Household
from families.selectors import guardian_users
from notifications.kinds import AlwaysSent, NotificationKind
from notifications.services import notify
from reservations.models import Booking, WaitingListEntry
from reservations.prices import priced_groups

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
    NotificationKind(
        "reservations.waiting_list",
        _("Place libérée sur une liste d'attente"),
        "reservations/email/waiting_list",
        always_sent=AlwaysSent.DEADLINE,  # an offer ends at a set hour
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


def notify_basket_confirmation(household, booked: list, cancelled: list, refused: list[dict]) -> None:
    """The recap of a validated basket: what was booked and at what price, what was cancelled, what could
    not be applied and why (`refused`: day, child, service, message), and what is to pay now for services
    paid at booking — the family's proof."""
    commune = current_commune()
    held = [b for b in booked if b.state == Booking.State.HELD]
    booked_days, held_days, cancelled_days = priced_groups(household, [booked, held, cancelled])
    context = {
        "commune": commune,
        "booked": booked_days,
        "booked_total": sum((day.total for day in booked_days), Decimal("0")),
        "cancelled": cancelled_days,
        "refused": refused,
        "held_total": sum((day.total for day in held_days), Decimal("0")),
        "held_until": min((b.held_until for b in held), default=None),
        "dashboard_url": portal_url(commune, reverse("families:dashboard")),
    }
    notify("reservations.basket_confirmation", to=guardian_users([household]), context=context)


@shared_task
def send_basket_confirmation(
    *, household_id: int, booked: list[int], cancelled: list[int], refused: list[dict]
) -> None:
    """The recap e-mail of a validated basket, written by the worker: rendering it inside the validation
    would hold the service days' locks the whole time (a rush of baskets waits on each other)."""
    household = Household.objects.get(pk=household_id)
    rows = Booking.objects.select_related("child", "unit")
    notify_basket_confirmation(
        household, list(rows.filter(pk__in=booked)), list(rows.filter(pk__in=cancelled)), refused
    )


@shared_task
def send_waiting_list_news(*, entry_ids: list[int]) -> None:
    """Each family served from a waiting list: booked, or offered a place until a given time."""
    entries = WaitingListEntry.objects.filter(pk__in=entry_ids).select_related("household", "child", "service", "unit")
    commune = current_commune()
    for entry in entries:
        context = {
            "entry": entry,
            "offered": entry.state == WaitingListEntry.State.OFFERED,
            "commune": commune,
            "waiting_url": portal_url(commune, reverse("reservations:waiting_list")),
        }
        notify("reservations.waiting_list", to=guardian_users([entry.household]), context=context)
