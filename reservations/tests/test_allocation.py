"""Fair allocation: a window collects requests until a date, then gives its places by the commune's
priorities and a seeded lottery among equals (one number per household), the refused in line on the
waiting list in that order, every family told why; the same seed gives the same result; afterwards
first come, first served."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.calendar import PARIS
from catalog.engine import Reason
from catalog.models import BookingWindow, Service
from families.models import ChildHousehold, Household
from reservations.models import AllocationRequest, AllocationRun, Booking, WaitingListEntry
from reservations.services import Channel, DayRequest, bookings_take
from reservations.services.allocation import allocation_draw, allocation_request, allocation_run, allocations_due
from reservations.tests.test_planning import enrolled as enrolled_for_the_year
from reservations.tests.test_waiting_list import WEDNESDAY, centre, enrolled  # noqa: F401
from tests.factories import family, parent_of

OPENS = datetime(2026, 8, 20, 9, tzinfo=PARIS)
REQUESTS_UNTIL = datetime(2026, 8, 31, 12, tzinfo=PARIS)
AFTER = datetime(2026, 9, 1, 9, tzinfo=PARIS)
Priority = BookingWindow.Priority


@pytest.fixture
def window(centre):  # noqa: F811
    Service.objects.filter(pk=centre.pk).update(capacity=2)
    return BookingWindow.objects.create(
        service=centre,
        first_day=WEDNESDAY,
        last_day=WEDNESDAY + timedelta(days=7),
        opens_at=OPENS,
        requests_until=REQUESTS_UNTIL,
        allocation=BookingWindow.Allocation.DRAW,
        priorities=[Priority.RESIDENT, Priority.SIBLING],
    )


@pytest.fixture
def asking(window, centre, year):  # noqa: F811
    """Five households ask for the Wednesday's two places: Ana and Ben (siblings, residents), Cléo and Dan
    (residents, one child each), Eli (not resident)."""
    households = {name: family(f"Famille {name}") for name in ("Ana", "Cléo", "Dan", "Eli")}
    for name, household in households.items():
        Household.objects.filter(pk=household.pk).update(resident=name != "Eli")
    children = {name: enrolled(households[name], name, centre, year) for name in households}
    children["Ben"] = enrolled(households["Ana"], "Ben", centre, year)
    households["Ben"] = households["Ana"]
    for name, child in children.items():
        ask(households[name], child, window)
    return households, children


def ask(household, child, window, day=WEDNESDAY):
    return allocation_request(
        actor=parent_of(household),
        household=household,
        window=window,
        child=child,
        day=day,
        units=["journee"],
        now=OPENS + timedelta(days=1),
    )


def order(window, seed) -> list[str]:
    return [d.request.child.first_name for d in allocation_draw(window, seed)]


def test_during_the_requests_a_day_is_asked_for_not_booked(window, centre, year):  # noqa: F811
    martin = family("Famille Martin")
    lea = enrolled(martin, "Léa", centre, year)
    during = OPENS + timedelta(days=1)

    outcome = bookings_take(
        actor=None,
        requests=[DayRequest(lea, martin, centre, WEDNESDAY, frozenset({"journee"}))],
        channel=Channel.ONLINE,
        now=during,
    )
    assert [r.reason for r in outcome.refused] == [Reason.DRAW_REQUESTS]

    first = ask(martin, lea, window)
    again = ask(martin, lea, window)  # a new request replaces the pending one
    assert AllocationRequest.objects.get(pk=first.pk).state == AllocationRequest.State.WITHDRAWN
    assert again.state == AllocationRequest.State.PENDING
    with pytest.raises(ValidationError, match="pas dans la période"):
        ask(martin, lea, window, day=WEDNESDAY + timedelta(days=14))
    with pytest.raises(ValidationError, match="reçues jusqu'au"):
        allocation_run(window=window, now=during)


def test_the_same_seed_draws_the_same_order_and_priorities_come_first(window, asking):
    assert order(window, 7) == order(window, 7)
    assert len({tuple(order(window, seed)) for seed in range(1, 9)}) > 1  # the lottery does decide
    for seed in range(1, 9):
        drawn = order(window, seed)
        assert drawn[-1] == "Eli"  # not resident: after every resident whatever the lottery
        assert drawn[:2] in (["Ana", "Ben"], ["Ben", "Ana"])  # residents with a sibling asking the same day
        # the siblings share their household's number
    (ana,) = [d for d in allocation_draw(window, 7) if d.request.child.first_name == "Ana"]
    (ben,) = [d for d in allocation_draw(window, 7) if d.request.child.first_name == "Ben"]
    assert ana.lottery == ben.lottery and ana.met == {"resident": True, "sibling": True, "regular": False}


def test_the_run_books_in_that_order_puts_the_others_in_line_and_tells_everyone(
    window, asking, django_capture_on_commit_callbacks
):
    households, children = asking
    expected = order(window, 11)

    with django_capture_on_commit_callbacks(execute=True):
        run = allocation_run(window=window, seed=11, now=AFTER)

    booked = set(Booking.objects.filter(date=WEDNESDAY, state="confirmed").values_list("child__first_name", flat=True))
    assert booked == set(expected[:2]) == {"Ana", "Ben"}
    waiting = WaitingListEntry.objects.filter(date=WEDNESDAY).order_by("requested_at", "pk")
    assert [e.child.first_name for e in waiting] == expected[2:]  # in line in the drawn order
    eli = AllocationRequest.objects.get(child=children["Eli"])
    assert eli.state == AllocationRequest.State.REFUSED and eli.rank == 5
    assert "familles de la commune : non" in eli.explanation and "Tirage au sort : n°" in eli.explanation
    assert "liste d'attente" in eli.explanation
    assert AllocationRun.objects.get().seed == 11 and run.summary["days"][0]["allocated"] == 2
    assert {m.to[0] for m in mail.outbox if "Attribution des places" in m.subject} == {
        parent_of(households[n]).email for n in ("Ana", "Cléo", "Dan", "Eli")
    }
    with pytest.raises(ValidationError, match="déjà attribuées"):
        allocation_run(window=window, seed=11, now=AFTER)


def test_running_again_with_the_same_seed_gives_the_same_result(window, asking):
    def allocated_with(seed: int) -> set[str]:
        sid = transaction.savepoint()
        allocation_run(window=window, seed=seed, now=AFTER)
        result = set(AllocationRequest.objects.filter(state="allocated").values_list("child__first_name", flat=True))
        transaction.savepoint_rollback(sid)
        window.refresh_from_db()
        return result

    Service.objects.filter(pk=window.service_id).update(capacity=1)
    BookingWindow.objects.filter(pk=window.pk).update(priorities=[])  # the lottery alone decides
    window.refresh_from_db()
    assert allocated_with(3) == allocated_with(3)


def test_afterwards_first_come_first_served_and_beat_runs_due_windows(window, asking, centre, year):  # noqa: F811
    assert allocations_due(REQUESTS_UNTIL - timedelta(minutes=1)) == 0
    assert allocations_due(AFTER) == 1
    late = family("Famille Tard")
    zoe = enrolled(late, "Zoé", centre, year)
    following = WEDNESDAY + timedelta(days=7)  # nobody asked: first come, first served now

    outcome = bookings_take(
        actor=None,
        requests=[DayRequest(zoe, late, centre, following, frozenset({"journee"}))],
        channel=Channel.ONLINE,
        now=AFTER,
    )
    assert len(outcome.changed) == 1


def test_a_shared_childs_other_household_cannot_replace_the_first_ones_request(window, centre, year):  # noqa: F811
    first, second = family("Famille Martin"), family("Famille Durand")
    lea = enrolled(first, "Léa", centre, year)
    ChildHousehold.objects.create(child=lea, household=second)  # parents apart, each with their household
    enrolled_for_the_year(lea, centre, second, year)
    mine = ask(first, lea, window)

    with pytest.raises(ValidationError, match="L'autre foyer de l'enfant a déjà fait une demande pour ce jour"):
        ask(second, lea, window)

    mine.refresh_from_db()
    assert mine.state == AllocationRequest.State.PENDING
    assert ask(first, lea, window).state == AllocationRequest.State.PENDING  # its own: replaced as before
