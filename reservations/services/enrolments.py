"""Enrolments: requested by a household with the pieces the service asks for, decided by staff, and
turned into bookings through the same rules and locks as any booking."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from catalog import engine, pricing
from catalog.models import CutoffRule, SchoolYear, Service
from catalog.selectors import catalog_snapshot, services_with_rules
from core.roles import Capability, can
from families.models import Child, Decision, Household
from families.selectors import child_key, household_key, school_levels
from families.services.common import ensure_acts_for
from reservations.models import (
    AllocationRequest,
    Booking,
    Enrolment,
    EnrolmentPiece,
    EnrolmentRequirement,
    WaitingListEntry,
)
from reservations.notifications import notify_enrolment_decision
from reservations.places import age_in_months
from reservations.services.bookings import Channel, DayRequest, Outcome, bookings_cancel, bookings_take
from storage.services import document_upload

Week = Mapping[int, list[str]]  # weekday (0 = Monday) → unit codes
Upload = tuple[IO[bytes], str]  # a file and the name it had on the family's device


def enrolment_request(
    *,
    actor: User,
    child: Child,
    household: Household,
    service: Service,
    school_year: SchoolYear,
    week: Week,
    recurrence: str = Enrolment.Recurrence.WEEKLY,
    anchor: date | None = None,
    start: date | None = None,
    end: date | None = None,
    pieces: Mapping[int, Upload] | None = None,
) -> Enrolment:
    """A household asks to enrol its child; validated at once where the service needs no validation."""
    ensure_acts_for(actor, household)
    if not child.households.filter(pk=household.pk).exists():
        raise PermissionDenied  # a household enrols its own children only
    service = services_with_rules().get(pk=service.pk)
    start, end = start or school_year.start, end or school_year.end
    enrolment = Enrolment(
        child=child,
        household=household,
        service=service,
        school_year=school_year,
        start=start,
        end=end,
        week=_week_checked(service, week),
        recurrence=recurrence,
        anchor=anchor - timedelta(days=anchor.weekday()) if anchor else None,
        requested_by=actor,
    )
    _check(enrolment)
    with transaction.atomic():
        Household.objects.select_for_update().get(pk=household.pk)  # one request at a time per household
        if _overlapping(enrolment).exists():
            raise ValidationError(_("Cet enfant est déjà inscrit à ce service sur cette période par votre foyer."))
        enrolment.save()
        _attach_pieces(actor, enrolment, pieces or {})
        if not service.enrolment_requires_validation:
            enrolment_decide(actor=None, enrolment=enrolment, accept=True)
    return enrolment


def _week_checked(service: Service, week: Week) -> dict[str, list[str]]:
    """The typical week as stored; each day's units must be bookable together and billable."""
    checked = {}
    for weekday, codes in sorted(week.items()):
        if not codes:
            continue
        if int(weekday) not in service.weekdays:
            raise ValidationError({"week": _("Le service n'a pas lieu ce jour de la semaine.")})
        try:
            pricing.units_check(service, codes)
            pricing.billed_cover(service, codes)
        except pricing.PricingRefused as refused:
            raise ValidationError({"week": f"{engine.REASON_MESSAGES[refused.reason]} {refused.detail}"}) from None
        checked[str(int(weekday))] = sorted(codes)
    return checked


def _check(enrolment: Enrolment) -> None:
    """The period within the school year, the alternate weeks' first one, the child eligible for the year."""
    service, child, year = enrolment.service, enrolment.child, enrolment.school_year
    if child.status != Decision.VALIDATED:
        raise ValidationError(_("La mairie doit d'abord valider l'enfant."))
    if not (year.start <= enrolment.start <= enrolment.end <= year.end):
        raise ValidationError(
            {"start": _("La période doit être comprise dans l'année scolaire %(year)s.") % {"year": year}}
        )
    if enrolment.recurrence == Enrolment.Recurrence.ALTERNATE and enrolment.anchor is None:
        raise ValidationError({"anchor": _("Indiquez la première semaine où l’enfant vient (une semaine sur deux).")})
    age = age_in_months(child, enrolment.start)
    too_young = service.min_age_months is not None and age < service.min_age_months
    if too_young or (service.max_age_months is not None and age > service.max_age_months):
        raise ValidationError(_("L'âge de l'enfant ne correspond pas à ce service."))
    if service.school_levels:
        level = school_levels(child, [year], timezone.localdate()).get(year.pk)
        if not level:
            raise ValidationError(_("Indiquez la classe de l'enfant pour l'année %(year)s.") % {"year": year})
        if level not in service.school_levels:
            raise ValidationError(_("Ce service n'accueille pas les enfants de %(level)s.") % {"level": level})


def _overlapping(enrolment: Enrolment):
    return Enrolment.objects.filter(
        child=enrolment.child,
        household=enrolment.household,
        service=enrolment.service,
        status__in=[Decision.PENDING, Decision.VALIDATED],
        start__lte=enrolment.end,
        end__gte=enrolment.start,
        ended_on__isnull=True,
    )


def _attach_pieces(actor: User, enrolment: Enrolment, pieces: Mapping[int, Upload]) -> None:
    """Every piece the service asks for, stored in the household's documents about the child."""
    requirements = list(EnrolmentRequirement.objects.filter(service=enrolment.service).select_related("document_type"))
    if missing := [r for r in requirements if r.pk not in pieces]:
        raise ValidationError({"pieces": _("Pièces manquantes : %(names)s.") % {"names": ", ".join(map(str, missing))}})
    for requirement in requirements:
        upload, name = pieces[requirement.pk]
        document = document_upload(
            upload=upload,
            client_name=name,
            owner=household_key(enrolment.household),
            uploaded_by=actor,
            document_type=requirement.document_type,
            subject=child_key(enrolment.child),
        )
        EnrolmentPiece.objects.create(enrolment=enrolment, requirement=requirement, document=document)


@dataclass
class Decided:
    enrolment: Enrolment
    bookings: Outcome = field(default_factory=Outcome)


def enrolment_decide(
    *, actor: User | None, enrolment: Enrolment, accept: bool, reason: str = "", now: datetime | None = None
) -> Decided:
    """Validate (its typical week is booked) or refuse (with the reason the family reads)."""
    if accept:
        return enrolments_validate(actor=actor, enrolments=[enrolment], now=now)[0]
    _check_decider(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus : la famille le lira.")})
    with transaction.atomic():
        (enrolment,) = _pending(actor, [enrolment], Decision.REFUSED, now or timezone.now(), reason.strip())
        _journal_and_tell(actor, Decided(enrolment))
    return Decided(enrolment)


def enrolments_validate(
    *, actor: User | None, enrolments: list[Enrolment], now: datetime | None = None
) -> list[Decided]:
    """Validate pending enrolments together (a service's requests of the summer, at once): their typical
    weeks are booked in one set-based pass under the same locks and rules as any booking."""
    _check_decider(actor)
    now = now or timezone.now()
    with transaction.atomic():
        validated = _pending(actor, enrolments, Decision.VALIDATED, now)
        outcome = bookings_take(
            actor=actor, requests=_week_requests(validated, None, now), channel=Channel.ENROLMENT, now=now
        )
        decided = {e.pk: Decided(e) for e in validated}
        for booking in outcome.changed:
            decided[booking.enrolment_id].bookings.changed.append(booking)
        for refusal in outcome.refused:
            decided[refusal.request.enrolment.pk].bookings.refused.append(refusal)
        for each in decided.values():
            _journal_and_tell(actor, each)
    return list(decided.values())


def _check_decider(actor: User | None) -> None:
    if actor is not None and not can(actor, Capability.FAMILIES_REVIEW):
        raise ValidationError(_("Seule la mairie valide une inscription."))


def _pending(actor: User | None, enrolments: list[Enrolment], status: str, now: datetime, reason: str = ""):
    """The enrolments, locked, still pending, given their decision."""
    locked = list(
        Enrolment.objects.select_for_update(of=("self",))
        .filter(pk__in=[e.pk for e in enrolments])
        .select_related("child", "household", "service")
        .order_by("pk")
    )
    if len(locked) != len(enrolments) or any(e.status != Decision.PENDING for e in locked):
        raise ValidationError(_("Cette inscription a déjà été traitée."))
    if any(e.ended_on for e in locked):  # a request the family withdrew (enrolment_end) books nothing
        raise ValidationError(_("La famille a retiré cette demande."))
    for enrolment in locked:
        enrolment.status, enrolment.reason = status, reason
        enrolment.decided_at, enrolment.decided_by = now, actor
    Enrolment.objects.bulk_update(locked, ["status", "reason", "decided_at", "decided_by"])
    return locked


def _journal_and_tell(actor: User | None, decided: Decided) -> None:
    enrolment = decided.enrolment
    audit_record(
        actor=actor,
        action="reservations.enrolment",
        target=enrolment,
        changes={"status": enrolment.status, "reason": enrolment.reason},
        context=enrolment.household,
    )
    notify_enrolment_decision(enrolment, decided.bookings.refused)


def _week_requests(enrolments: list[Enrolment], since: date | None, now: datetime) -> list[DayRequest]:
    """The typical weeks' days from `since` (never before today, nor the enrolment's start) to their end,
    on the days their service runs."""
    services = {s.pk: s for s in services_with_rules().filter(pk__in={e.service_id for e in enrolments})}
    today = timezone.localdate(now)
    firsts = {e.pk: max(since or e.start, e.start, today) for e in enrolments}
    snapshots = {
        pk: catalog_snapshot(
            services=[service],
            start=min(firsts[e.pk] for e in enrolments if e.service_id == pk),
            end=max(e.end for e in enrolments if e.service_id == pk),
        )
        for pk, service in services.items()
    }
    opening: dict = {}
    requests = []
    for enrolment in enrolments:
        service, snapshot = services[enrolment.service_id], snapshots[enrolment.service_id]
        for day, units in _typical_days(enrolment, firsts[enrolment.pk], enrolment.end):
            if (service.pk, day) not in opening:
                opening[(service.pk, day)] = engine.is_open(snapshot, service, day)
            if opening[(service.pk, day)]:
                requests.append(
                    DayRequest(enrolment.child, enrolment.household, service, day, frozenset(units), enrolment)
                )
    return requests


def _book_week(actor: User | None, enrolment: Enrolment, since: date, now: datetime) -> Outcome:
    requests = _week_requests([enrolment], since, now)
    return bookings_take(actor=actor, requests=requests, channel=Channel.ENROLMENT, now=now)


def _typical_days(enrolment: Enrolment, first: date, last: date):
    day = first
    while day <= last:
        units = enrolment.week.get(str(day.weekday()))
        if units and enrolment.week_booked(day):
            yield day, units
        day += timedelta(days=1)


def enrolment_week_change(
    *,
    actor: User,
    enrolment: Enrolment,
    since: date,
    week: Week,
    recurrence: str | None = None,
    anchor: date | None = None,
    now: datetime | None = None,
) -> tuple[Outcome, Outcome]:
    """A new typical week from `since` on: the enrolment's later bookings follow it (those the commune's
    rule no longer lets go stay, billed); returns what was cancelled and what was booked."""
    ensure_acts_for(actor, enrolment.household)
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().select_related("service").get(pk=enrolment.pk)
        service = services_with_rules().get(pk=enrolment.service_id)
        enrolment.week = _week_checked(service, week)
        enrolment.recurrence = recurrence or enrolment.recurrence
        enrolment.anchor = anchor - timedelta(days=anchor.weekday()) if anchor else enrolment.anchor
        _check(enrolment)
        enrolment.save(update_fields=["week", "recurrence", "anchor"])
        wanted = {(day, code) for day, units in _typical_days(enrolment, since, enrolment.end) for code in units}
        later = Booking.objects.filter(enrolment=enrolment, date__gte=since, state__in=Booking.HOLDING)
        dropped = [b for b in later.select_related("unit") if (b.date, b.unit.code) not in wanted]
        cancelled = bookings_cancel(actor=actor, bookings=dropped, channel=Channel.ONLINE, now=now)
        booked = _book_week(actor, enrolment, since, now) if enrolment.status == Decision.VALIDATED else Outcome()
    return cancelled, booked


def enrolment_end_preview(*, enrolment: Enrolment, on: date, now: datetime | None = None) -> tuple[list, list]:
    """What ending the enrolment on `on` does, before confirming: the bookings cancelled, and those the
    commune's cancellation rule keeps (too late to cancel: they stay billed)."""
    now = now or timezone.now()
    later = list(_bookings_from(enrolment, on).select_related("unit"))
    service = services_with_rules().get(pk=enrolment.service_id)
    snapshot = catalog_snapshot(services=[service], start=on, end=max((b.date for b in later), default=on))
    free, kept = [], []
    for booking in later:
        decision = engine.change_decision(
            snapshot, service, booking.date, now, CutoffRule.Direction.CANCELLATION, None, booking.unit_id
        )
        (free if decision.allowed else kept).append(booking)
    return free, kept


def _bookings_from(enrolment: Enrolment, on: date):
    """What ending the enrolment on `on` cancels: its typical week's days, and, once validated, the child's
    other days of the service the household booked in its span (ticked on the planning)."""
    own = Q(enrolment=enrolment, date__gte=on)
    return Booking.objects.filter(own | _its_days(enrolment, on), state__in=Booking.HOLDING)


def _its_days(enrolment: Enrolment, on: date, service: str = "service") -> Q:
    """The child's days of the service in the enrolment's span from `on`, for this household, but for those
    another validated enrolment covers (autumn, then from January; an ended one still running). A request
    withdrawn before its validation has no days: those booked meanwhile are the counter's or another's."""
    if enrolment.status != Decision.VALIDATED:
        return Q(pk__in=[])
    days = Q(
        child=enrolment.child_id,
        household=enrolment.household_id,
        **{service: enrolment.service_id},
        date__range=(max(on, enrolment.start), enrolment.end),
    )
    others = Enrolment.objects.filter(
        child=enrolment.child_id,
        household=enrolment.household_id,
        service=enrolment.service_id,
        status=Decision.VALIDATED,
        start__lte=enrolment.end,
        end__gte=on,
    ).exclude(pk=enrolment.pk)
    for other in others:
        last = other.end if other.ended_on is None else min(other.end, other.ended_on - timedelta(days=1))
        days &= ~Q(date__range=(other.start, last))
    return days


def enrolment_end(*, actor: User, enrolment: Enrolment, on: date, now: datetime | None = None) -> Outcome:
    """End the enrolment on `on`: its later bookings are cancelled by the commune's rule, and the child
    leaves the waiting lists and the pending allocation requests of those days."""
    ensure_acts_for(actor, enrolment.household)
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        later = list(_bookings_from(enrolment, on))
        outcome = bookings_cancel(actor=actor, bookings=later, channel=Channel.ONLINE, now=now)
        WaitingListEntry.objects.filter(_its_days(enrolment, on), state=WaitingListEntry.State.WAITING).update(
            state=WaitingListEntry.State.LEFT, closed_at=now
        )
        AllocationRequest.objects.filter(
            _its_days(enrolment, on, service="window__service"), state=AllocationRequest.State.PENDING
        ).update(state=AllocationRequest.State.WITHDRAWN)
        enrolment.ended_on = on
        enrolment.save(update_fields=["ended_on"])
        audit_record(actor=actor, action="reservations.enrolment_end", target=enrolment, context=enrolment.household)
    return outcome
