"""Reads on waiting lists: the order of a line, each family's rank in it, an entry through its actor."""

from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.http import Http404

from families.selectors import FamilyActor
from reservations.models import Booking, WaitingListEntry

Entry = WaitingListEntry


def in_line_order(entries: QuerySet[WaitingListEntry]) -> QuerySet[WaitingListEntry]:
    """First in line first: where the service says so, a child whose brother or sister is booked that
    day (by the same household) comes first; then the order of request."""
    sibling_booked = Booking.objects.filter(
        household=OuterRef("household"),
        service=OuterRef("service"),
        date=OuterRef("date"),
        state__in=Booking.HOLDING,
    ).exclude(child=OuterRef("child"))
    return entries.annotate(
        line_group=Case(
            When(Exists(sibling_booked), service__waiting_list_siblings_first=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("line_group", "requested_at", "pk")


def waiting_ranks(entries: list[WaitingListEntry]) -> dict[int, int]:
    """The rank (1 = next served) of each waiting entry among those of its day and unit."""
    lines = {(e.service_id, e.date, e.unit_id) for e in entries if e.state == Entry.State.WAITING}
    if not lines:
        return {}
    rivals = in_line_order(
        Entry.objects.filter(
            state=Entry.State.WAITING,
            service_id__in={s for s, _d, _u in lines},
            date__in={d for _s, d, _u in lines},
            unit_id__in={u for _s, _d, u in lines},
        )
    ).values_list("pk", "service_id", "date", "unit_id")
    ranks, seen = {}, {}
    for pk, service_id, day, unit_id in rivals:
        line = (service_id, day, unit_id)
        seen[line] = seen.get(line, 0) + 1
        ranks[pk] = seen[line]
    return ranks


def waiting_entries_of(actor: FamilyActor) -> list[WaitingListEntry]:
    """The household's entries still open or closed less than a day ago, soonest day first."""
    return list(
        Entry.objects.filter(household=actor.household, state__in=Entry.ACTIVE)
        .select_related("child", "service", "unit", "booking")
        .order_by("date", "service__name", "unit__position")
    )


def get_waiting_entry_for(actor: FamilyActor, pk: int) -> WaitingListEntry:
    entry = Entry.objects.filter(household=actor.household, pk=pk).select_related("service", "child", "unit").first()
    if entry is None:
        raise Http404
    return entry
