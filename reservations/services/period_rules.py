"""The rules of holiday centres that bear on a whole week or period, not on a day: at least N days a
week, whole weeks only, a stay (séjour) booked whole, a cap on the weeks a family books in a window.

They are read on the result of a basket — in its transaction, once its days are applied — because a day
refused as full can break a week the family meant whole; the basket then leaves out the lines of each
broken week or period and applies the rest again."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import ngettext

from catalog import engine
from catalog.engine import CatalogSnapshot, Reason
from catalog.models import BookingWindow, CutoffRule, Service
from catalog.selectors import catalog_snapshot
from core.prefetch import rows
from families.models import Household
from reservations.closed_days import closed_for_children
from reservations.models import BasketLine, Booking

BOOKING = CutoffRule.Direction.BOOKING

Refusals = dict[int, tuple[Reason, str]]  # basket line id -> (reason, detail)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _windows(service: Service, day: date) -> list[BookingWindow]:
    return [w for w in rows(service, "booking_windows") if w.first_day <= day <= w.last_day]


def governed(services: dict[int, Service], lines: list[BasketLine]) -> bool:
    """Whether any line falls under such a rule: most baskets do not, and skip the reads."""
    for line in lines:
        service = services[line.service_id]
        if service.whole_weeks or service.min_days_per_week:
            return True
        if any(w.whole_period or w.max_weeks_per_household for w in _windows(service, line.date)):
            return True
    return False


def period_refusals(
    household: Household,
    lines: list[BasketLine],
    services: dict[int, Service],
    now: datetime,
    weeks_before: dict[int, set[date]],
) -> Refusals:
    """The basket lines whose week or period breaks a rule once the basket is applied, and why.
    `weeks_before`: the Mondays the household held before the basket, by service (`weeks_held`)."""
    start, end = _reach(lines, services)
    reading = _Reading(
        snapshot=catalog_snapshot(services=list(services.values()), start=start, end=end),
        now=now,
        closed=closed_for_children(
            service_ids=services, dates=_dates(start, end), child_ids={line.child_id for line in lines}
        ),
    )
    booked: dict[tuple[int, int], set[date]] = defaultdict(set)  # (child, service) -> days booked
    for child_id, service_id, day in _holding(household, services, start, end):
        booked[(child_id, service_id)].add(day)
    weeks = weeks_held(household, services, lines)
    refusals: Refusals = {}
    for line in lines:
        service = services[line.service_id]
        days = booked[(line.child_id, line.service_id)]
        new_week = _monday(line.date) not in weeks_before.get(line.service_id, set())
        found = reading.week_rule(service, line, days) or reading.window_rule(
            service, line, days, weeks[line.service_id] if new_week else set()
        )
        if found:
            refusals[line.pk] = found
    return refusals


def weeks_held(household: Household, services: dict[int, Service], lines: list[BasketLine]) -> dict[int, set[date]]:
    """The Mondays of the weeks the household holds a day of, by service, over the lines' reach."""
    weeks: dict[int, set[date]] = defaultdict(set)
    for _child_id, service_id, day in _holding(household, services, *_reach(lines, services)):
        weeks[service_id].add(_monday(day))
    return weeks


def _reach(lines: list[BasketLine], services: dict[int, Service]) -> tuple[date, date]:
    windows = [w for line in lines for w in _windows(services[line.service_id], line.date)]
    start = min([line.date - timedelta(days=6) for line in lines] + [w.first_day for w in windows])
    end = max([line.date + timedelta(days=6) for line in lines] + [w.last_day for w in windows])
    return start, end


def _holding(household: Household, services: dict[int, Service], start: date, end: date):
    return Booking.objects.filter(
        household=household, service__in=services, date__range=(start, end), state__in=Booking.HOLDING
    ).values_list("child_id", "service_id", "date")


def _dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


@dataclass(frozen=True)
class _Reading:
    snapshot: CatalogSnapshot
    now: datetime
    closed: dict  # (child, service, date) -> closed to the child's school or class

    def required(self, service: Service, child_id: int, first: date, last: date, booked: set[date]) -> set[date]:
        """The open days a family is asked to book together: those it holds, and those it could still
        book now — a past day, one past its cutoff or closed to the child's school cannot be asked of it."""
        return {
            d
            for d in _dates(first, last)
            if engine.is_open(self.snapshot, service, d)
            and (d in booked or (self._bookable(service, d) and (child_id, service.pk, d) not in self.closed))
        }

    def _bookable(self, service: Service, day: date) -> bool:
        return engine.change_decision(self.snapshot, service, day, self.now, BOOKING).allowed

    def week_rule(self, service: Service, line: BasketLine, days: set[date]):
        monday = _monday(line.date)
        week = {d for d in days if monday <= d <= monday + timedelta(days=6)}
        if not week:
            return None
        required = self.required(service, line.child_id, monday, monday + timedelta(days=6), days)
        if service.whole_weeks and required - week:
            return Reason.WHOLE_WEEKS, ""
        wanted = min(service.min_days_per_week or 0, len(required))
        if len(week) < wanted:
            return Reason.WEEK_MINIMUM, _days_said(wanted)
        return None

    def window_rule(self, service: Service, line: BasketLine, days: set[date], weeks: set[date]):
        """`weeks`: the household's Mondays in this service once applied; empty for a week it already held
        (a change to a week it has is never refused for the cap)."""
        for window in _windows(service, line.date):
            inside = {d for d in days if window.first_day <= d <= window.last_day}
            stay = self.required(service, line.child_id, window.first_day, window.last_day, days)
            if window.whole_period and inside and stay - inside:
                return Reason.WHOLE_STAY, ""
            cap = window.max_weeks_per_household
            counted = {w for w in weeks if window.first_day - timedelta(days=6) <= w <= window.last_day}
            if cap and line.units and len(counted) > cap:
                return Reason.WEEKS_CAP, _weeks_said(cap)
        return None


def _days_said(n: int) -> str:
    return ngettext("au moins %(n)s jour.", "au moins %(n)s jours.", n) % {"n": n}


def _weeks_said(n: int) -> str:
    return ngettext("%(n)s semaine au plus.", "%(n)s semaines au plus.", n) % {"n": n}
