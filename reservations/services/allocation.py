"""Fair allocation instead of a race: a booking window collects requests until a date, then gives its
places by the commune's priorities (residents, siblings, children enrolled for the year…) and a lottery
among equals — one number per household, so that brothers and sisters stand together — then opens first
come, first served for what is left. The lottery is seeded and the seed journaled (`AllocationRun`):
drawing again with the same seed over the same requests gives the same order; each family is told why."""

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from catalog import engine, pricing
from catalog.engine import Reason
from catalog.models import BookingWindow
from catalog.selectors import catalog_snapshot, services_with_rules
from core.queue import delay_on_commit
from core.roles import Capability, can
from families.models import Child, Decision, Household
from families.services.common import ensure_acts_for
from reservations.eligibility import ensure_bookable
from reservations.models import AllocationRequest, AllocationRun, Booking, Enrolment, WaitingListEntry
from reservations.notifications import send_allocation_results
from reservations.services.bookings import BOOKING, Channel, DayRequest, bookings_take

Request = AllocationRequest
Priority = BookingWindow.Priority


def allocation_request(
    *,
    actor: User,
    household: Household,
    window: BookingWindow,
    child: Child,
    day: date,
    units: list[str],
    now: datetime | None = None,
) -> AllocationRequest:
    """Ask for a child's units of a day of a window collecting requests (a new request replaces the
    household's pending one for that child and day)."""
    ensure_acts_for(actor, household)
    now = now or timezone.now()
    service = services_with_rules().get(pk=window.service_id)
    window = next(w for w in service.booking_windows.all() if w.pk == window.pk)
    if not window.first_day <= day <= window.last_day:
        raise ValidationError(_("Ce jour n'est pas dans la période de la demande."))
    snapshot = catalog_snapshot(services=[service], start=day, end=day)
    decision = engine.change_decision(snapshot, service, day, now, BOOKING)
    if decision.reason != Reason.DRAW_REQUESTS:
        raise ValidationError(
            _("Les demandes pour ce jour ne sont pas ouvertes : %(why)s")
            % {"why": decision.message or _("les places se réservent directement.")}
        )
    ensure_bookable(household, child, service, day)
    try:
        pricing.units_check(service, set(units))
        pricing.billed_cover(service, set(units))
    except pricing.PricingRefused as refused:
        raise ValidationError(f"{engine.REASON_MESSAGES[refused.reason]} {refused.detail}".strip()) from refused
    with transaction.atomic():
        pending = Request.objects.filter(window=window, child=child, date=day, state=Request.State.PENDING)
        if pending.exclude(household=household).exists():
            # A child of two households: one request a day, and the other household's is not ours to replace.
            raise ValidationError(_("L'autre foyer de l'enfant a déjà fait une demande pour ce jour."))
        pending.update(state=Request.State.WITHDRAWN)
        try:
            with transaction.atomic():  # a double submit meets the constraint: said in words, not a 500
                return Request.objects.create(
                    window=window, household=household, child=child, date=day, units=sorted(units), created_by=actor
                )
        except IntegrityError as exc:
            raise ValidationError(_("Une demande pour cet enfant et ce jour vient d'être enregistrée.")) from exc


def allocation_withdraw(*, actor: User, household: Household, request: AllocationRequest) -> None:
    ensure_acts_for(actor, household)
    if request.household_id != household.pk:
        raise PermissionDenied
    Request.objects.filter(pk=request.pk, state=Request.State.PENDING).update(state=Request.State.WITHDRAWN)


@dataclass(frozen=True)
class Drawn:
    """A request in the order the allocation serves it, with what placed it there."""

    request: AllocationRequest
    rank: int  # among the day's requests
    met: dict[str, bool]  # each priority of the window: met or not
    lottery: int  # the household's number in the draw (1 = drawn first)
    households: int  # how many households took part


def allocation_draw(window: BookingWindow, seed: int) -> list[Drawn]:
    """The order of the window's pending requests, day by day: the priorities first, in the window's order,
    then the lottery among equals. Writes nothing: the same seed over the same requests, the same order."""
    requests = list(
        Request.objects.filter(window=window, state=Request.State.PENDING)
        .select_related("household", "child")
        .order_by("pk")
    )
    households = sorted({r.household_id for r in requests})
    random.Random(seed).shuffle(households)
    lottery = {household: n for n, household in enumerate(households, 1)}
    met = _priorities_met(window, requests)
    by_day: dict[date, list[AllocationRequest]] = defaultdict(list)
    for request in requests:
        by_day[request.date].append(request)
    drawn = []
    for day in sorted(by_day):
        ordered = sorted(
            by_day[day],
            key=lambda r: (
                [not met[r.pk][p] for p in window.priorities],
                lottery[r.household_id],
                r.child_id,
            ),
        )
        drawn += [
            Drawn(r, rank, met[r.pk], lottery[r.household_id], len(households)) for rank, r in enumerate(ordered, 1)
        ]
    return drawn


def _priorities_met(window: BookingWindow, requests: list[AllocationRequest]) -> dict[int, dict[str, bool]]:
    asked = defaultdict(set)  # (household, day) -> children asking
    for request in requests:
        asked[(request.household_id, request.date)].add(request.child_id)
    booked = defaultdict(set)
    for household_id, day, child_id in Booking.objects.filter(
        service_id=window.service_id,
        date__range=(window.first_day, window.last_day),
        household_id__in={r.household_id for r in requests},
        state__in=Booking.HOLDING,
    ).values_list("household_id", "date", "child_id"):
        booked[(household_id, day)].add(child_id)
    regular = set(
        Enrolment.objects.filter(
            service_id=window.service_id, status=Decision.VALIDATED, child__in={r.child_id for r in requests}
        )
        .exclude(week={})
        .values_list("child_id", "household_id")
    )
    met = {}
    for r in requests:
        others = (asked[(r.household_id, r.date)] | booked[(r.household_id, r.date)]) - {r.child_id}
        met[r.pk] = {
            Priority.RESIDENT: bool(r.household.resident),
            Priority.SIBLING: bool(others),
            Priority.REGULAR: (r.child_id, r.household_id) in regular,
        }
    return met


def allocation_run(
    *, window: BookingWindow, actor: User | None = None, seed: int | None = None, now: datetime | None = None
) -> AllocationRun:
    """Allocate the window's places in the drawn order, under the day locks of `bookings_take`; who gets
    none goes to the day's waiting list in that same order (where the service keeps one); every family
    is told the outcome and why. Then the window is first come, first served."""
    if actor is not None and not can(actor, Capability.FAMILIES_REVIEW):
        raise PermissionDenied
    now = now or timezone.now()
    seed = secrets.randbits(32) if seed is None else seed
    with transaction.atomic():
        window = BookingWindow.objects.select_for_update().get(pk=window.pk)
        if window.allocation != BookingWindow.Allocation.DRAW or window.allocated_at is not None:
            raise ValidationError(_("Les places de cette période sont déjà attribuées."))
        if now < window.requests_until:
            raise ValidationError(_("Les demandes sont reçues jusqu'au %(at)s.") % {"at": _when(window.requests_until)})
        drawn = allocation_draw(window, seed)
        window.allocated_at = now
        window.save(update_fields=["allocated_at"])
        service = services_with_rules().get(pk=window.service_id)  # read after: the engine sees it allocated
        days: dict = defaultdict(lambda: {"requests": 0, "allocated": 0})
        for entry in drawn:
            allocated = _serve(entry, service, window.priorities, now)
            days[entry.request.date.isoformat()]["requests"] += 1
            days[entry.request.date.isoformat()]["allocated"] += allocated
        run = AllocationRun.objects.create(
            window=window,
            seed=seed,
            run_by=actor,
            summary={"days": [{"date": d, **counts} for d, counts in sorted(days.items())]},
        )
        delay_on_commit(send_allocation_results, run_id=run.pk)
    return run


def _serve(entry: Drawn, service, priorities: list[str], now: datetime) -> bool:
    request = entry.request
    asked = DayRequest(request.child, request.household, service, request.date, frozenset(request.units))
    outcome = bookings_take(actor=None, requests=[asked], channel=Channel.ALLOCATION, now=now)
    request.rank = entry.rank
    request.state = Request.State.ALLOCATED if outcome.changed else Request.State.REFUSED
    refusal = outcome.refused[0] if outcome.refused else None
    waiting = refusal is not None and refusal.reason == Reason.FULL and service.waiting_list
    if waiting:  # in the drawn order: the first refused is the first in line
        active = WaitingListEntry.objects.filter(
            child=request.child, service=service, date=request.date, state__in=WaitingListEntry.ACTIVE
        )
        waiting_for = set(active.values_list("unit_id", flat=True))  # already in line (or offered): once
        for unit in service.units.filter(code__in=request.units).exclude(pk__in=waiting_for):
            WaitingListEntry.objects.create(
                child=request.child, household=request.household, service=service, date=request.date, unit=unit
            )
    request.explanation = _explanation(entry, priorities, refusal, waiting)
    request.save(update_fields=["rank", "state", "explanation"])
    return bool(outcome.changed)


def _explanation(entry: Drawn, priorities: list[str], refusal, waiting: bool) -> str:
    """In the family's words: each of the window's priorities in its order, met or not; the household's
    number in the draw; the request's rank that day; the outcome."""
    labels = dict(Priority.choices)
    criteria = "; ".join(f"{labels[p]} : {_('oui') if entry.met[p] else _('non')}" for p in priorities)
    parts = [
        _("Critères de la commune — %(criteria)s.") % {"criteria": criteria} if criteria else "",
        _("Tirage au sort : n° %(n)s sur %(of)s familles.") % {"n": entry.lottery, "of": entry.households},
        ngettext("Rang %(rank)s de la demande ce jour-là.", "Rang %(rank)s des demandes ce jour-là.", entry.rank)
        % {"rank": entry.rank},
    ]
    if refusal is None:
        parts.append(_("Place attribuée."))
    else:
        parts.append(_("Pas de place attribuée : %(why)s") % {"why": refusal.message})
        if waiting:
            parts.append(_("Votre enfant est inscrit sur la liste d'attente de ce jour."))
    return " ".join(p for p in parts if p)


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def allocations_due(now: datetime | None = None) -> int:
    """The windows whose requests have closed are allocated (beat, every five minutes, in every commune)."""
    now = now or timezone.now()
    due = BookingWindow.objects.filter(
        allocation=BookingWindow.Allocation.DRAW, allocated_at__isnull=True, requests_until__lte=now
    )
    for window in due:
        allocation_run(window=window, now=now)
    return len(due)
