"""Reads on absences: a family's own, the mairie's to decide, and the choices of the report form."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import User
from catalog.models import AbsenceReason, Service
from core.roles import Capability, can
from families.models import Child, Decision
from families.selectors import FamilyActor
from reservations.models import Absence, Booking, Enrolment

ABSENCE_RELATIONS = ("child", "household", "service", "reason", "proof", "decided_by")


def absences_of(actor: FamilyActor) -> list[Absence]:
    """The household's absences, the latest first, with the days each covers."""
    return list(
        Absence.objects.filter(household=actor.household)
        .select_related(*ABSENCE_RELATIONS)
        .prefetch_related(_covered_bookings())
    )


def get_absence_for(actor: FamilyActor, pk: int) -> Absence:
    """One of the household's absences; another household's (even of a child it shares) is 404."""
    absence = (
        Absence.objects.filter(household=actor.household, pk=pk)
        .select_related(*ABSENCE_RELATIONS)
        .prefetch_related(_covered_bookings())
        .first()
    )
    if absence is None:
        raise Http404
    return absence


def absences_to_decide() -> QuerySet[Absence]:
    """What waits for the mairie, the oldest report first."""
    return (
        Absence.objects.filter(state=Absence.State.REPORTED)
        .select_related(*ABSENCE_RELATIONS)
        .order_by("reported_at", "pk")
    )


def get_absence_for_review(actor: User, pk: int) -> Absence:
    """Any absence of the commune, for family staff; for anyone else it does not exist (404)."""
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise Http404
    absence = (
        Absence.objects.filter(pk=pk).select_related(*ABSENCE_RELATIONS).prefetch_related(_covered_bookings()).first()
    )
    if absence is None:
        raise Http404
    return absence


def _covered_bookings() -> Prefetch:
    return Prefetch("bookings", queryset=Booking.objects.select_related("unit").order_by("date", "unit__position"))


def services_to_report(actor: FamilyActor, children: list[Child]) -> list[Service]:
    """The services the household has enrolled these children in (validated), with their absence reasons."""
    enrolled = Enrolment.objects.filter(household=actor.household, child__in=children, status=Decision.VALIDATED)
    return list(
        Service.objects.filter(pk__in=enrolled.values("service_id"))
        .prefetch_related(Prefetch("absence_reasons", queryset=AbsenceReason.objects.order_by("position", "pk")))
        .order_by("name")
    )


def absence_reasons() -> QuerySet[AbsenceReason]:
    """Every service's absence reasons, in each service's order (catalogue data: any signed-in user)."""
    return AbsenceReason.objects.order_by("service_id", "position", "pk")


def get_absence_reason_for(actor: User, pk: int) -> AbsenceReason:
    """A reason of any service of the commune (the report's service says whether it is one of its own)."""
    reason = absence_reasons().filter(pk=pk).first() if actor.is_authenticated else None
    if reason is None:
        raise Http404
    return reason
