"""What families are told about their enrolments (kinds registered at start-up)."""

from collections import defaultdict
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
from reservations.models import (
    Absence,
    AllocationRequest,
    AllocationRun,
    AmountOwed,
    Booking,
    Closure,
    WaitingListEntry,
)
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
    NotificationKind(
        "reservations.closure",
        _("Fermeture exceptionnelle d'un jour réservé"),
        "reservations/email/closure",
        always_sent=AlwaysSent.DEADLINE,  # the day is near: the family must find another solution in time
        audience=Capability.FAMILY_SPACE,
    ),
    NotificationKind(
        "reservations.allocation_results",
        _("Résultat d'une attribution des places"),
        "reservations/email/allocation_results",
        always_sent=AlwaysSent.DEADLINE,  # what is left opens first come, first served
        audience=Capability.FAMILY_SPACE,
    ),
    NotificationKind(
        "reservations.absence_decision",
        _("Décision sur une absence signalée"),
        "reservations/email/absence_decision",
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


def notify_absence_decision(absence: Absence) -> None:
    """Justified or not, with the mairie's note; the absences page says it too."""
    commune = current_commune()
    context = {
        "absence": absence,
        "commune": commune,
        "absences_url": portal_url(commune, reverse("reservations:absences")),
    }
    notify("reservations.absence_decision", to=guardian_users([absence.household]), context=context)


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


@shared_task
def send_closure_news(*, closure_id: int, bookings: list[int], entries: list[int]) -> None:
    """Each family a closure concerns, once: its children's days cancelled (or kept, with a minimum
    service), what it paid and is owed back, its waiting-list places cleared."""
    closure = Closure.objects.select_related("service", "site").get(pk=closure_id)
    hit = Booking.objects.filter(pk__in=bookings).select_related("household", "child", "service", "unit")
    cleared = WaitingListEntry.objects.filter(pk__in=entries).select_related("household", "child", "service", "unit")
    owed = dict(AmountOwed.objects.filter(booking__in=bookings).values_list("booking_id", "amount"))
    households, days, waited = {}, defaultdict(list), defaultdict(list)
    for booking in hit.order_by("date", "child__first_name", "service__name", "unit__position"):
        households[booking.household_id] = booking.household
        days[booking.household_id].append(booking)
    for entry in cleared:
        households[entry.household_id] = entry.household
        waited[entry.household_id].append(entry)
    commune = current_commune()
    for pk, household in households.items():
        context = {
            "closure": closure,
            "commune": commune,
            "bookings": days[pk],
            "entries": waited[pk],
            "owed_total": sum((owed.get(b.pk, Decimal("0")) for b in days[pk]), Decimal("0")),
            "planning_url": portal_url(commune, reverse("reservations:planning")),
        }
        notify("reservations.closure", to=guardian_users([household]), context=context)


@shared_task
def send_allocation_results(*, run_id: int) -> None:
    """Each household that asked: every request's outcome and why (criteria, lottery number, rank)."""
    run = AllocationRun.objects.select_related("window__service").get(pk=run_id)
    requests = (
        AllocationRequest.objects.filter(window=run.window, state__in=["allocated", "refused"])
        .select_related("household", "child")
        .order_by("household", "date", "child__first_name")
    )
    by_household: dict = {}
    for request in requests:
        by_household.setdefault(request.household, []).append(request)
    commune = current_commune()
    for household, asked in by_household.items():
        context = {
            "service": run.window.service,
            "requests": asked,
            "commune": commune,
            "planning_url": portal_url(commune, reverse("reservations:planning")),
        }
        notify("reservations.allocation_results", to=guardian_users([household]), context=context)
