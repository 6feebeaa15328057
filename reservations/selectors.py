"""Reads on enrolments and bookings, always through the actor.

On the family's pages the actor is a `FamilyActor` (a guardian, or an agent at the counter): a household
reaches its own enrolments and bookings only, even of a child it shares with another household. Staff
who review families (`FAMILIES_REVIEW`) reach every enrolment of their commune.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import SchoolYear, Service, ServiceUnit
from core.roles import Capability, can
from families.models import Child, Decision, Household
from families.selectors import FamilyActor, open_school_years, school_levels
from reservations.models import Booking, Enrolment, EnrolmentPiece, EnrolmentRequirement
from reservations.places import age_in_months

UPCOMING_DAYS = 15  # days of upcoming bookings the child's page lists


def _found(record):
    if record is None:
        raise Http404
    return record


def enrolment_query() -> QuerySet[Enrolment]:
    """Enrolments with what their pages and the attestation show (units named, pieces with their files)."""
    return Enrolment.objects.select_related("child", "household", "service__site", "school_year").prefetch_related(
        Prefetch("service__units", queryset=ServiceUnit.objects.order_by("position", "pk")),
        Prefetch(
            "pieces",
            queryset=EnrolmentPiece.objects.select_related("requirement__document_type", "document").order_by(
                "requirement__position", "requirement__pk"
            ),
        ),
    )


# --- The family's side -------------------------------------------------------------------------------------


def enrolment_years(today: date) -> QuerySet[SchoolYear]:
    """The school years a family may enrol for: the current one and those to come."""
    return open_school_years(today)


def services_open_for(*, child: Child, years: list[SchoolYear], today: date) -> list[Service]:
    """The services a family may ask to enrol `child` in for one of `years`: bookable on the portal (the
    others enrol at the structure), of the child's age and, where the service says, school level."""
    levels = school_levels(child, years, today)
    services = Service.objects.filter(bookable_online=True).select_related("site").order_by("name")
    return [s for s in services if any(_eligible(s, child, year, levels.get(year.pk), today) for year in years)]


def _eligible(service: Service, child: Child, year: SchoolYear, level: str | None, today: date) -> bool:
    age = age_in_months(child, max(year.start, today))
    if service.min_age_months is not None and age < service.min_age_months:
        return False
    if service.max_age_months is not None and age > service.max_age_months:
        return False
    return not service.school_levels or level in service.school_levels


def get_service_open_for(actor: FamilyActor, *, child: Child, pk: int, today: date) -> Service:
    """A service open for `child` (itself read through `get_child_for`), with its units, 404 otherwise."""
    years = list(enrolment_years(today))
    service = next((s for s in services_open_for(child=child, years=years, today=today) if s.pk == pk), None)
    return _found(service and Service.objects.prefetch_related("units").get(pk=service.pk))


def requirements_of(service: Service) -> list[EnrolmentRequirement]:
    return list(EnrolmentRequirement.objects.filter(service=service).select_related("document_type"))


def get_enrolment_for(actor: FamilyActor, pk: int) -> Enrolment:
    """One of the household's enrolments: never the other household's, even of a child both share."""
    return _found(enrolment_query().filter(pk=pk, household=actor.household).first())


def enrolments_of(*, child: Child, household: Household) -> list[Enrolment]:
    return list(enrolment_query().filter(child=child, household=household).order_by("-start", "-requested_at"))


@dataclass(frozen=True)
class BookedDay:
    """A day of a service booked for the child, its units in the service's order."""

    date: date
    service: Service
    units: list[str]
    states: set[str]

    @property
    def pending(self) -> bool:
        return bool(self.states - {Booking.State.CONFIRMED})


def upcoming_bookings(*, child: Child, household: Household, today: date, days: int = UPCOMING_DAYS):
    """The household's own bookings of the child from `today`, day by day (the first `days` days), and how
    many days there are in all. A shared child's other household's days are theirs, never shown here."""
    bookings = Booking.objects.filter(child=child, household=household, date__gte=today, state__in=Booking.HOLDING)
    dates = list(bookings.order_by("date").values_list("date", flat=True).distinct())
    shown = dates[:days]
    grouped: dict = defaultdict(list)
    if shown:
        for booking in bookings.filter(date__lte=shown[-1]).select_related("service", "unit"):
            grouped[(booking.date, booking.service_id)].append(booking)
    listed = [
        BookedDay(day, rows[0].service, [b.unit.name for b in rows], {b.state for b in rows})
        for (day, _service), rows in sorted(grouped.items(), key=lambda item: (item[0][0], item[1][0].service.name))
    ]
    return listed, len(dates)


# --- The staff's side --------------------------------------------------------------------------------------


def _staff_only(actor: User) -> None:
    # Outside the family staff, enrolments do not exist (404), as a missing id does.
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise Http404


def pending_enrolments() -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(status=Decision.PENDING, ended_on__isnull=True)  # not withdrawn
        .select_related("child", "household", "service", "school_year")
        .order_by("requested_at", "pk")
    )


def get_enrolment_for_review(actor: User, pk: int) -> Enrolment:
    _staff_only(actor)
    return _found(enrolment_query().filter(pk=pk).first())


def enrolment_bookings(enrolment: Enrolment) -> QuerySet[Booking]:
    """What the enrolment's typical week booked and still holds."""
    return (
        Booking.objects.filter(enrolment=enrolment, state__in=Booking.HOLDING)
        .select_related("unit")
        .order_by("date", "unit__position")
    )


# --- In words ----------------------------------------------------------------------------------------------


def week_lines(enrolment: Enrolment) -> list[tuple[str, list[str]]]:
    """The typical week as (weekday, unit names) in the week's and the service's order."""
    names = {unit.code: unit.name for unit in enrolment.service.units.all()}
    order = {unit.code: i for i, unit in enumerate(enrolment.service.units.all())}
    return [
        (str(WEEKDAYS[int(day)]), [names.get(code, code) for code in sorted(codes, key=lambda c: order.get(c, 99))])
        for day, codes in sorted(enrolment.week.items(), key=lambda item: int(item[0]))
        if codes
    ]


def week_in_words(enrolment: Enrolment) -> str:
    """ "lundi : Matin, Soir ; mardi : Soir — une semaine sur deux, à partir de la semaine du 7 décembre 2026"."""
    lines = week_lines(enrolment)
    if not lines:
        return _("pas de semaine type : les jours se réservent un par un")
    days = " ; ".join(f"{day} : {', '.join(units)}" for day, units in lines)
    return f"{days} — {recurrence_in_words(enrolment)}"


def recurrence_in_words(enrolment: Enrolment) -> str:
    if enrolment.recurrence == Enrolment.Recurrence.ALTERNATE and enrolment.anchor:
        return _("une semaine sur deux, à partir de la semaine du %(day)s") % {
            "day": date_format(enrolment.anchor, "j F Y")
        }
    return _("chaque semaine")
