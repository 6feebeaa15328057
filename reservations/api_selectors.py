"""Reads of the reservations API, always through the actor (a user): family staff (`FAMILIES_REVIEW`) reach
every enrolment and booking of the commune, a parent their own household's only. A child shared by two
households shows each household its own enrolments and bookings, never the other's: they are the
household's, not the child's. Every record read from user input goes through a `get_<thing>_for(actor, pk)`
that answers 404 outside the actor's reach, as a missing id does."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import User
from catalog.models import Service
from core.roles import Capability, can
from families.selectors import FamilyActor
from reservations.models import BasketLine, Booking, Enrolment, EnrolmentPiece, EnrolmentRequirement


def _found(record):
    if record is None:
        raise Http404
    return record


def _of_reach(rows: QuerySet, actor: User) -> QuerySet:
    """Every row for family staff, the rows of the parent's own household, none for anyone else."""
    if can(actor, Capability.FAMILIES_REVIEW):
        return rows
    if can(actor, Capability.FAMILY_SPACE):
        return rows.filter(household__guardians__user=actor)
    return rows.none()


def _enrolments() -> QuerySet[Enrolment]:
    pieces = EnrolmentPiece.objects.order_by("requirement__position", "pk")
    return Enrolment.objects.select_related("child", "household", "service", "school_year").prefetch_related(
        Prefetch("pieces", queryset=pieces)
    )


def enrolments_for(actor: User) -> QuerySet[Enrolment]:
    return _of_reach(_enrolments(), actor)


def get_enrolment_for(actor: User, pk: int) -> Enrolment:
    return _found(enrolments_for(actor).filter(pk=pk).first())


def get_enrolment_for_review(actor: User, pk: int) -> Enrolment:
    """An enrolment staff decide on; outside the family staff it does not exist (404)."""
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise Http404
    return get_enrolment_for(actor, pk)


def enrolment_with_details(enrolment: Enrolment) -> Enrolment:
    """An enrolment as the API shows it, read again after a write (its pieces, names and ids)."""
    return _enrolments().get(pk=enrolment.pk)


def bookings_for(actor: User) -> QuerySet[Booking]:
    return _of_reach(Booking.objects.select_related("child", "unit"), actor)


def get_service_for(actor: User, pk: int) -> Service:
    """A service of the commune, which every signed-in user may read in the catalogue."""
    if not (actor and actor.is_authenticated):
        raise Http404
    return _found(Service.objects.filter(pk=pk).first())


def requirements_of_services() -> QuerySet[EnrolmentRequirement]:
    return EnrolmentRequirement.objects.select_related("document_type")


def get_requirement_for(actor: User, service: Service, pk: int) -> EnrolmentRequirement:
    """A piece `service` (itself read through `get_service_for`) asks for at enrolment, 404 otherwise."""
    return _found(requirements_of_services().filter(service=get_service_for(actor, service.pk), pk=pk).first())


def get_basket_line_for(actor: FamilyActor, pk: int) -> BasketLine:
    """A day of the parent's household's basket (another household's, even of a shared child: 404)."""
    return _found(BasketLine.objects.filter(pk=pk, household=actor.household).first())


def enrolled_on(actor: FamilyActor, child, service: Service, day) -> bool:
    """The household has an enrolment of the child in the service covering `day` (whatever its decision:
    validation says why a day of a pending one is refused): the days a basket may name."""
    return Enrolment.objects.filter(
        household=actor.household, child=child, service=service, start__lte=day, end__gte=day
    ).exists()
