"""Plain-language previews of the rules, so a mairie agent sees what parents will live with."""

from datetime import date, datetime, time, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from catalog import calendar, engine
from catalog.engine import CatalogSnapshot
from catalog.models import CalendarException, CutoffRule, Service
from catalog.selectors import catalog_snapshot

LOOKAHEAD_DAYS = 60
# The default day to preview: a week ahead, where notice periods usually bite.
PREVIEW_AFTER = timedelta(days=7)


def deadline_sentence(snapshot: CatalogSnapshot, rule: CutoffRule, day: date, *, for_others: bool = False) -> str:
    """e.g. "…la réservation pour le mercredi 14 octobre 2026 ferme le mercredi 7 octobre 2026 à 23:59." """
    closes = last_moment(engine.deadline(snapshot, rule, day))
    sentence = _("Avec ces règles, %(change)s pour le %(day)s ferme le %(deadline)s à %(time)s.") % {
        "change": change_words(rule, for_others),
        "day": long_date(day),
        "deadline": long_date(closes.date()),
        "time": formats.time_format(closes.time(), "H:i"),
    }
    return f"{sentence} {late_sentence(rule)}"


def change_words(rule: CutoffRule, for_others: bool) -> str:
    """The change in words: la réservation, la réservation (Matin) for a unit's own rule, la réservation
    (autres unités) for the service's rule when some units have their own (`for_others`): it covers the rest."""
    change = _("la réservation") if rule.direction == CutoffRule.Direction.BOOKING else _("l'annulation")
    if rule.applies_to_id:
        return _("%(change)s (%(unit)s)") % {"change": change, "unit": rule.applies_to}
    if for_others:
        return _("%(change)s (autres unités)") % {"change": change}
    return change


def last_moment(deadline: datetime) -> datetime:
    """The deadline as people say it: a change is late from midnight means "until 23:59"."""
    local = deadline.astimezone(calendar.PARIS)
    return local - timedelta(minutes=1) if local.time() == time(0, 0) else local


def late_sentence(rule: CutoffRule) -> str:
    """What happens after the cutoff, online and wherever the late change is accepted (seed 001)."""
    online = {
        CutoffRule.OnlineAfter.REFUSE: _("Ensuite, elle est impossible en ligne : la famille contacte la structure."),
        CutoffRule.OnlineAfter.ACCEPT: _("Ensuite, elle reste possible en ligne."),
    }[rule.online_after]
    amount = formats.number_format(rule.late_amount, 2)
    booking = rule.direction == CutoffRule.Direction.BOOKING
    price = {
        CutoffRule.LatePrice.NORMAL: _("Acceptée en retard, elle est facturée au tarif normal.")
        if booking
        else _("Acceptée en retard, le jour reste facturé."),
        # pricing.late_price: a fixed price never bills less than on time.
        CutoffRule.LatePrice.FIXED: _(
            "Acceptée en retard, elle coûte %(amount)s € (ou le tarif normal s'il est plus élevé)."
        )
        % {"amount": amount},
        CutoffRule.LatePrice.PLUS: _("Acceptée en retard, elle coûte le tarif plus %(amount)s €.") % {"amount": amount},
    }[rule.late_price]
    return f"{online} {price}"


def long_date(day: date | datetime) -> str:
    return formats.date_format(day, "l j F Y")


def default_preview_day(service: Service, today: date) -> date | None:
    """The first day the service runs, a week from now or later (within two months)."""
    start = today + PREVIEW_AFTER
    snapshot = catalog_snapshot(services=[service], start=start, end=start + timedelta(days=LOOKAHEAD_DAYS))
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = start + timedelta(days=offset)
        if engine.is_open(snapshot, service, day):
            return day
    return None


def deadline_preview(service: Service, day: date, rules: list[CutoffRule]) -> list[str]:
    """What the rules mean for `day`, in sentences (the service's saved rules, or rules being edited):
    bookings first, then cancellations; units' own rules in the units' order, the service's rule last."""
    snapshot = catalog_snapshot(services=[service], start=day, end=day)
    if not engine.is_open(snapshot, service, day):
        closed = _("Le service n'a pas lieu le %(day)s.") % {"day": long_date(day)}
        note = closed_day_note(snapshot, service, day)
        return [f"{closed} ({note})" if note else closed]
    if not rules:
        # engine.change_decision: without a rule, a day is past once it has begun.
        return [
            _("Sans délai : les changements pour le %(day)s sont possibles jusqu'au %(eve)s à 23:59.")
            % {"day": long_date(day), "eve": long_date(day - timedelta(days=1))}
        ]
    with_own = {rule.direction for rule in rules if rule.applies_to_id}
    return [
        deadline_sentence(snapshot, rule, day, for_others=rule.direction in with_own and not rule.applies_to_id)
        for rule in sorted(rules, key=preview_order)
    ]


def preview_order(rule: CutoffRule) -> tuple[bool, bool, int, int]:
    unit = rule.applies_to if rule.applies_to_id else None
    return (rule.direction != CutoffRule.Direction.BOOKING, unit is None, unit.position if unit else 0, rule.pk or 0)


def closed_day_note(snapshot: CatalogSnapshot, service: Service, day: date) -> str:
    """Why a service does not run on `day`, for the calendar view."""
    for exc in snapshot.exceptions:
        closes_service = exc.kind == CalendarException.Kind.CLOSURE and exc.service_id in (None, service.pk)
        if closes_service and exc.start <= day <= exc.end:
            return exc.label
    if holiday := calendar.public_holiday_name(day, snapshot.subdivision):
        return _("Jour férié : %(name)s") % {"name": holiday}
    year = snapshot.school_year(day)
    if year is None:
        return _("Hors année scolaire")
    if day.weekday() in service.weekdays and calendar.is_school_holiday(day, year.zone):
        return _("Vacances scolaires")
    if day.weekday() in service.weekdays:
        return _("Période scolaire")
    return ""
