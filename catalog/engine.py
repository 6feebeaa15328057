"""The catalogue engine: for a service, a day and a moment, what is allowed and at what price.

Everything here is pure: it reads a `CatalogSnapshot` loaded in a handful of
queries by `catalog.selectors.catalog_snapshot` and never touches the database,
so a month of days for several children and services costs nothing more.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from catalog import calendar
from catalog.models import (
    AgeGroupCapacity,
    BookingWindow,
    CalendarException,
    CutoffRule,
    SchoolYear,
    Service,
)
from core.prefetch import rows


class Reason(StrEnum):
    """Why a change is refused, stable codes that pages and the API translate."""

    CLOSED = "closed"
    NOT_BOOKABLE_ONLINE = "not_bookable_online"
    WINDOW_NOT_OPEN = "window_not_open"
    WINDOW_CLOSED = "window_closed"
    DRAW_REQUESTS = "draw_requests"  # places allocated after the requests: ask, do not book
    DRAW_PENDING = "draw_pending"  # requests closed, allocation not run yet
    PAST = "past"
    LATE = "late"
    FULL = "full"
    NO_TARIFF = "no_tariff"
    UNIT_REQUIRES = "unit_requires"
    UNITS_EXCLUDE = "units_exclude"
    NOT_COVERED = "not_covered"
    WEEK_MINIMUM = "week_minimum"
    WHOLE_WEEKS = "whole_weeks"
    WHOLE_STAY = "whole_stay"
    WEEKS_CAP = "weeks_cap"
    NOT_ENROLLED = "not_enrolled"  # no validated enrolment in the service covers the day
    DOSSIER = "dossier_not_validated"  # the child's dossier for the day's school year is not validated


REASON_MESSAGES = {
    Reason.CLOSED: _("Le service n'a pas lieu ce jour-là."),
    Reason.NOT_BOOKABLE_ONLINE: _("Ce service ne se réserve pas en ligne : contactez la structure."),
    Reason.WINDOW_NOT_OPEN: _("Les réservations pour ce jour ne sont pas encore ouvertes."),
    Reason.WINDOW_CLOSED: _("Les réservations pour ce jour sont closes."),
    Reason.DRAW_REQUESTS: _(
        "Les places de cette période sont attribuées après les demandes, par priorités puis tirage au sort : "
        "faites votre demande."
    ),
    Reason.DRAW_PENDING: _("Les places de cette période sont en cours d'attribution : revenez après le tirage."),
    Reason.PAST: _("Ce jour est passé."),
    Reason.LATE: _("Le délai de prévenance est dépassé : contactez la structure."),
    Reason.FULL: _("Il n'y a plus de place ce jour-là."),
    Reason.NO_TARIFF: _("Aucun tarif n'est défini pour ce jour."),
    # Followed by pricing.PricingRefused.detail, which names the units.
    Reason.UNIT_REQUIRES: _(
        "Cette unité ne se réserve qu'avec une autre le même jour : ajoutez l'une de celles qu'elle demande."
    ),
    Reason.UNITS_EXCLUDE: _("Ces unités ne se réservent pas ensemble le même jour : retirez-en une."),
    Reason.NOT_COVERED: _("Ces unités ne correspondent à aucune formule facturée : ajoutez-en ou retirez-en une."),
    # Followed by the number of days or weeks.
    Reason.WEEK_MINIMUM: _("Ce service se réserve par semaine d'un nombre minimum de jours :"),
    Reason.WHOLE_WEEKS: _(
        "Ce service se réserve par semaines entières : tous les jours ouverts de la semaine, ou aucun."
    ),
    Reason.WHOLE_STAY: _("Ce séjour se réserve en entier : tous ses jours, ou aucun."),
    Reason.WEEKS_CAP: _("Le nombre de semaines par famille sur cette période est atteint :"),
    Reason.NOT_ENROLLED: _("L'enfant n'a pas d'inscription validée à ce service ce jour-là."),
    Reason.DOSSIER: _(
        "Le dossier de l'enfant pour cette année scolaire n'est pas encore validé par la mairie : "
        "la réservation sera possible ensuite."
    ),
}


# What the engine refuses before it counts places: a full day comes after these, before the cutoff.
BEFORE_FULL = frozenset(
    {
        Reason.NOT_BOOKABLE_ONLINE,
        Reason.CLOSED,
        Reason.PAST,
        Reason.WINDOW_NOT_OPEN,
        Reason.WINDOW_CLOSED,
        Reason.DRAW_REQUESTS,
        Reason.DRAW_PENDING,
    }
)


@dataclass(frozen=True)
class CatalogSnapshot:
    """What the engine needs about some services over a date range."""

    school_years: list[SchoolYear]
    exceptions: list[CalendarException]
    capacity_overrides: dict[tuple[int, date], int]
    # The `holidays` subdivision of the commune (Alsace-Moselle has two more public holidays).
    subdivision: str | None = None
    closures: frozenset[date] = field(init=False)

    def __post_init__(self) -> None:
        # Commune-wide closures are not working days for cutoff arithmetic.
        days = set()
        for exc in self.exceptions:
            if exc.kind == CalendarException.Kind.CLOSURE and exc.service_id is None:
                days.update(exc.start + timedelta(days=i) for i in range((exc.end - exc.start).days + 1))
        object.__setattr__(self, "closures", frozenset(days))

    def school_year(self, day: date) -> SchoolYear | None:
        return next((y for y in self.school_years if y.start <= day <= y.end), None)


@dataclass(frozen=True)
class LateCharge:
    """What a change past its cutoff costs, wherever it is made (online if the rule accepts, or at the counter)."""

    price: CutoffRule.LatePrice
    amount: Decimal


@dataclass(frozen=True)
class ChangeDecision:
    """Whether a change is allowed online; a late one carries its charge even when refused online, so that
    staff who accept it at the counter apply the rule's price."""

    allowed: bool
    reason: Reason | None = None
    late: bool = False
    charge: LateCharge | None = None

    @property
    def message(self) -> str:
        return str(REASON_MESSAGES[self.reason]) if self.reason else ""


def is_open(snapshot: CatalogSnapshot, service: Service, day: date) -> bool:
    applying = [e for e in snapshot.exceptions if e.start <= day <= e.end and e.service_id in (None, service.pk)]
    if any(e.kind == CalendarException.Kind.OPENING for e in applying):
        return True
    if applying or day.weekday() not in service.weekdays or calendar.is_public_holiday(day, snapshot.subdivision):
        return False
    year = snapshot.school_year(day)
    if year is None:
        return False
    if service.period == Service.Period.ALL:
        return True
    holiday = calendar.is_school_holiday(day, year.zone)
    return holiday if service.period == Service.Period.HOLIDAYS else not holiday


def capacity(snapshot: CatalogSnapshot, service: Service, day: date) -> int | None:
    """Places that day, None when unlimited."""
    return snapshot.capacity_overrides.get((service.pk, day), service.capacity)


def age_group(service: Service, age_months: int) -> AgeGroupCapacity | None:
    """The group whose daily places a child of that age takes, if the service splits its places by age."""
    return next((group for group in rows(service, "age_groups") if group.covers(age_months)), None)


def cutoff_rule(service: Service, direction: CutoffRule.Direction, unit_id: int | None = None) -> CutoffRule | None:
    """The unit's own rule in that direction, else the service's rule for every unit."""
    rules = [r for r in rows(service, "cutoff_rules") if r.direction == direction]
    own = next((r for r in rules if unit_id is not None and r.applies_to_id == unit_id), None)
    return own or next((r for r in rules if r.applies_to_id is None), None)


def deadline(snapshot: CatalogSnapshot, rule: CutoffRule, day: date) -> datetime:
    """The moment from which a change for `day` is late (exclusive), in Europe/Paris.

    Days count back to a last day, open until its end or until `time_of_day` ("J-2 avant 12h"; 0 days
    before 9:30 is "le jour même avant 9h30"); a month's days close at the end of day N of the month
    before ("le 20 du mois précédent"); a week's close when weekday X of the week before begins
    ("avant le jeudi de la semaine précédente"), or at its `time_of_day`.
    """
    unit, at = CutoffRule.Unit, rule.time_of_day
    if rule.unit == unit.HOURS:
        return calendar.hours_before(day, rule.amount)
    if rule.unit == unit.WORKING_HOURS:
        return calendar.working_hours_before(day, rule.amount, snapshot.closures, snapshot.subdivision)
    if rule.unit == unit.WEEKDAY:
        weekday = day - timedelta(days=day.weekday() + 7 - rule.amount)
        return calendar.local_datetime(weekday, at) if at else calendar.local_datetime(weekday)
    if rule.unit == unit.MONTH_DAY:
        first = day.replace(day=1)
        last_day = (first - timedelta(days=1)).replace(day=rule.amount)
    elif rule.unit == unit.WORKING_DAYS:
        last_day = calendar.working_days_before(day, rule.amount, snapshot.closures, snapshot.subdivision)
    else:
        last_day = day - timedelta(days=rule.amount)
    if at is not None:
        return calendar.local_datetime(last_day, at)
    return calendar.local_datetime(last_day + timedelta(days=1))  # until the end of that day


def service_deadline(
    snapshot: CatalogSnapshot, service: Service, day: date, direction: CutoffRule.Direction, unit_id: int | None = None
) -> datetime | None:
    rule = cutoff_rule(service, direction, unit_id)
    return deadline(snapshot, rule, day) if rule else None


def booking_window_decision(service: Service, day: date, now: datetime) -> Reason | None:
    windows: list[BookingWindow] = rows(service, "booking_windows")
    if not windows:
        return None
    covering = [w for w in windows if w.first_day <= day <= w.last_day]
    if not covering or all(now < w.opens_at for w in covering):
        return Reason.WINDOW_NOT_OPEN
    drawn = [w for w in covering if w.allocation == BookingWindow.Allocation.DRAW and now >= w.opens_at]
    if any(w.allocated_at is None for w in drawn):
        return Reason.DRAW_REQUESTS if all(now < w.requests_until for w in drawn) else Reason.DRAW_PENDING
    if all(w.closes_at is not None and now >= w.closes_at for w in covering if now >= w.opens_at):
        return Reason.WINDOW_CLOSED
    return None


def change_decision(
    snapshot: CatalogSnapshot,
    service: Service,
    day: date,
    now: datetime,
    direction: CutoffRule.Direction,
    places_left: int | None = None,
    unit_id: int | None = None,
) -> ChangeDecision:
    """Whether booking (or cancelling) a unit of `day` online at `now` is allowed, late, or refused.

    The rule is read before the day's start: "le jour même avant 9h30" allows the morning itself. A day
    is past once it is over, or once it has begun when no rule says until when.
    """
    if not service.bookable_online:
        return ChangeDecision(False, Reason.NOT_BOOKABLE_ONLINE)
    if not is_open(snapshot, service, day):
        return ChangeDecision(False, Reason.CLOSED)
    rule = cutoff_rule(service, direction, unit_id)
    begun = now >= calendar.local_datetime(day)
    if now >= calendar.local_datetime(day + timedelta(days=1)) or (begun and rule is None):
        return ChangeDecision(False, Reason.PAST)
    if direction == CutoffRule.Direction.BOOKING:
        if reason := booking_window_decision(service, day, now):
            return ChangeDecision(False, reason)
        if places_left is not None and places_left <= 0:
            return ChangeDecision(False, Reason.FULL)
    if rule is None or now < deadline(snapshot, rule, day):
        return ChangeDecision(True)
    charge = LateCharge(rule.late_price, rule.late_amount)
    if rule.online_after == CutoffRule.OnlineAfter.REFUSE:
        return ChangeDecision(False, Reason.LATE, late=True, charge=charge)
    return ChangeDecision(True, late=True, charge=charge)
