"""The last places of a day, asked for at the same moment by several families on connections of their
own: under the service day's lock exactly the places there are get booked; the control run, the same
code with the lock taken away, overbooks — the race is real."""

import threading
import time
from datetime import date, datetime, timedelta

import pytest
from django.db import connection

from catalog.calendar import PARIS
from catalog.models import SchoolYear, Service
from catalog.selectors import services_with_rules
from core.testing import on_own_connection
from families.models import Child, Decision, Household
from reservations import places
from reservations.models import Booking, ServiceDay, WaitingListEntry
from reservations.services import Channel, DayRequest, bookings_cancel, bookings_take
from reservations.services import bookings as services
from reservations.services import waiting as waiting_service
from reservations.services.waiting import waiting_offer_accept
from reservations.tests import test_waiting_list as waiting
from reservations.tests.test_waiting_list import enrolled
from tests.factories import (
    ChildFactory,
    SchoolYearFactory,
    ServiceFactory,
    TariffFactory,
    bracket,
    family,
    parent_of,
)

WEDNESDAY, NOW = date(2026, 10, 14), datetime(2026, 10, 1, 9, tzinfo=PARIS)
FAMILIES, PLACES = 6, 2


def apart(work):
    return on_own_connection(work, "clisson")


@pytest.fixture
def last_places(clisson):
    """A Wednesday with 2 places and 6 families, written on a connection of its own (committed, so that
    every concurrent writer sees it), removed afterwards."""

    def create():
        SchoolYearFactory()
        service = ServiceFactory(name="Mercredi course", weekdays=[2], capacity=PLACES)
        bracket(TariffFactory(service=service), 0, None, "9.00")
        children = [ChildFactory(household=family(f"Famille {i}"), status=Decision.VALIDATED) for i in range(FAMILIES)]
        return service.pk, [c.pk for c in children]

    service_id, child_ids = apart(create)
    yield service_id, child_ids
    apart(lambda: remove_committed(service_id, child_ids))


def remove_committed(service_id: int, child_ids: list[int]) -> None:
    """What a fixture committed on a connection of its own: its bookings and their days, children, their
    households, the service and the school year."""
    with connection.cursor() as cursor:  # the history refuses DELETE, not TRUNCATE
        cursor.execute(
            "TRUNCATE reservations_amountowed, reservations_waitinglistentry, reservations_bookingevent,"
            " reservations_booking, reservations_serviceday, reservations_enrolment CASCADE"
        )
    households = list(Household.objects.filter(children__pk__in=child_ids))
    Child.objects.filter(pk__in=child_ids).delete()
    for household in households:
        household.delete()
    Service.objects.filter(pk=service_id).delete()
    SchoolYear.objects.all().delete()


def rush(service_id: int, child_ids: list[int]) -> int:
    """Every family books the Wednesday at once; returns how many bookings the day ends up with."""
    start = threading.Barrier(len(child_ids))

    def one_family(child_id: int):
        service = services_with_rules().get(pk=service_id)
        child = Child.objects.get(pk=child_id)
        start.wait()
        request = DayRequest(child, child.households.get(), service, WEDNESDAY, frozenset({"repas"}))
        bookings_take(actor=None, requests=[request], channel=Channel.ONLINE, now=NOW)

    writers = [threading.Thread(target=apart, args=(lambda c=c: one_family(c),)) for c in child_ids]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    return apart(lambda: Booking.objects.filter(service_id=service_id, date=WEDNESDAY).count())


@pytest.fixture
def slow_count(monkeypatch):
    """Each writer pauses between reading the places left and booking: the window a race needs."""
    counted = places.places_left

    def places_left(*args, **kwargs):
        left = counted(*args, **kwargs)
        time.sleep(0.2)
        return left

    monkeypatch.setattr(services, "places_left", places_left)


def test_under_the_lock_the_last_places_are_never_given_twice(last_places, slow_count):
    service_id, child_ids = last_places

    assert rush(service_id, child_ids) == PLACES
    assert apart(lambda: ServiceDay.objects.get(service_id=service_id, date=WEDNESDAY).children) == PLACES


def test_control_without_the_lock_the_same_rush_overbooks(last_places, slow_count, monkeypatch):
    def without_lock(keys):
        wanted = sorted(set(keys))
        ServiceDay.objects.bulk_create([ServiceDay(service_id=s, date=d) for s, d in wanted], ignore_conflicts=True)
        return {(r.service_id, r.date): r for r in ServiceDay.objects.filter(service_id__in={s for s, _ in wanted})}

    monkeypatch.setattr(services, "lock_service_days", without_lock)
    service_id, child_ids = last_places

    booked = rush(service_id, child_ids)
    print(f"control run without the lock: {booked} bookings for {PLACES} places")
    assert booked > PLACES


@pytest.fixture
def an_offer(clisson):
    """Tom's Wednesday, freed close to its deadline, offered to Léa, first in line (committed on a connection
    of its own, removed afterwards)."""

    def create():
        year = SchoolYearFactory()
        service = waiting.wednesday_centre("Mercredi offert")
        homes = {name: family(f"Famille {name}") for name in ("Tom", "Léa")}
        tom, lea = (enrolled(homes[name], name, service, year) for name in ("Tom", "Léa"))
        rules = services_with_rules().get(pk=service.pk)
        asked = DayRequest(tom, homes["Tom"], rules, waiting.WEDNESDAY, frozenset({"journee"}))
        bookings_take(actor=None, requests=[asked], channel=Channel.ONLINE, now=waiting.FAR)
        (entry,) = waiting.join(homes["Léa"], lea, service)
        waiting.cancel(homes["Tom"], tom, waiting.CLOSE)
        entry.refresh_from_db()
        assert entry.state == WaitingListEntry.State.OFFERED
        return service.pk, entry.pk, [tom.pk, lea.pk]

    service_id, entry_id, child_ids = apart(create)
    yield service_id, entry_id
    apart(lambda: remove_committed(service_id, child_ids))


def accept_while_unticked(entry_id: int, monkeypatch) -> dict[str, Exception]:
    """Léa's family accepts the offer while its basket unticks the same day (it declines it); the accept
    pauses after reading the entry, the window two lock orders need to cross. Returns what either raised."""
    locked, raised = threading.Event(), {}
    offered = waiting_service._offered

    def slow_offered(*args, **kwargs):
        entry = offered(*args, **kwargs)
        locked.set()
        time.sleep(1.5)  # past PostgreSQL's deadlock_timeout (1 s): a deadlock would be detected
        return entry

    monkeypatch.setattr(waiting_service, "_offered", slow_offered)
    now = waiting.CLOSE + timedelta(minutes=5)

    def accept():
        entry = WaitingListEntry.objects.select_related("household").get(pk=entry_id)
        try:
            waiting_offer_accept(actor=parent_of(entry.household), household=entry.household, entry=entry, now=now)
        except Exception as exc:  # reported to the test, whatever it is
            raised["accept"] = exc

    def untick():
        locked.wait(timeout=10)
        entry = WaitingListEntry.objects.select_related("household", "booking").get(pk=entry_id)
        try:
            bookings_cancel(actor=parent_of(entry.household), bookings=[entry.booking], channel=Channel.ONLINE, now=now)
        except Exception as exc:
            raised["untick"] = exc

    threads = [threading.Thread(target=apart, args=(work,)) for work in (accept, untick)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return raised


def test_accepting_an_offer_while_the_basket_unticks_it_waits_instead_of_deadlocking(an_offer, monkeypatch):
    service_id, entry_id = an_offer

    assert accept_while_unticked(entry_id, monkeypatch) == {}
    holding = apart(lambda: Booking.objects.filter(service_id=service_id, state__in=Booking.HOLDING).count())
    assert apart(lambda: ServiceDay.objects.get(service_id=service_id).children) == holding <= 1


def test_control_accepting_without_the_days_lock_deadlocks(an_offer, monkeypatch):
    monkeypatch.setattr(waiting_service, "lock_service_days", lambda keys: {})
    _service_id, entry_id = an_offer

    raised = accept_while_unticked(entry_id, monkeypatch)
    print(f"control run without the day's lock: {raised}")
    assert any("deadlock detected" in str(exc) for exc in raised.values())
