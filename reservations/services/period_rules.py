"""The rules of holiday centres that bear on a whole week or period, not on a day: at least N days a
week, whole weeks only, a stay (séjour) booked whole, a cap on the weeks a family books in a window.

They are read on the result of a basket — in its transaction, once its days are applied — because a day
refused as full can break a week the family meant whole; the basket then leaves out the lines of each
broken week or period and applies the rest again."""

from collections import defaultdict
from datetime import date, timedelta

from django.utils.translation import ngettext

from catalog import engine
from catalog.engine import CatalogSnapshot, Reason
from catalog.models import BookingWindow, Service
from catalog.selectors import catalog_snapshot
from core.prefetch import rows
from families.models import Household
from reservations.models import BasketLine, Booking

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


def period_refusals(household: Household, lines: list[BasketLine], services: dict[int, Service]) -> Refusals:
    """The basket lines whose week or period breaks a rule once the basket is applied, and why."""
    windows = [w for line in lines for w in _windows(services[line.service_id], line.date)]
    start = min([line.date - timedelta(days=6) for line in lines] + [w.first_day for w in windows])
    end = max([line.date + timedelta(days=6) for line in lines] + [w.last_day for w in windows])
    snapshot = catalog_snapshot(services=list(services.values()), start=start, end=end)
    booked: dict[tuple[int, int], set[date]] = defaultdict(set)  # (child, service) -> days booked
    households_weeks: dict[int, set[date]] = defaultdict(set)  # service -> Mondays the household books
    for child_id, service_id, day in Booking.objects.filter(
        household=household, service__in=services, date__range=(start, end), state__in=Booking.HOLDING
    ).values_list("child_id", "service_id", "date"):
        booked[(child_id, service_id)].add(day)
        households_weeks[service_id].add(_monday(day))
    refusals: Refusals = {}
    for line in lines:
        service = services[line.service_id]
        days = booked[(line.child_id, line.service_id)]
        found = _week_rule(snapshot, service, line.date, days) or _window_rule(
            snapshot, service, line, days, households_weeks[line.service_id]
        )
        if found:
            refusals[line.pk] = found
    return refusals


def _open_days(snapshot: CatalogSnapshot, service: Service, first: date, last: date) -> set[date]:
    count = (last - first).days + 1
    return {d for d in (first + timedelta(days=n) for n in range(count)) if engine.is_open(snapshot, service, d)}


def _week_rule(snapshot: CatalogSnapshot, service: Service, day: date, days: set[date]):
    monday = _monday(day)
    week = {d for d in days if monday <= d <= monday + timedelta(days=6)}
    if not week:
        return None
    open_days = _open_days(snapshot, service, monday, monday + timedelta(days=6))
    if service.whole_weeks and open_days - week:
        return Reason.WHOLE_WEEKS, ""
    wanted = min(service.min_days_per_week or 0, len(open_days))
    if len(week) < wanted:
        return Reason.WEEK_MINIMUM, _days_said(wanted)
    return None


def _window_rule(snapshot, service: Service, line: BasketLine, days: set[date], weeks: set[date]):
    for window in _windows(service, line.date):
        inside = {d for d in days if window.first_day <= d <= window.last_day}
        if window.whole_period and inside and _open_days(snapshot, service, window.first_day, window.last_day) - inside:
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
