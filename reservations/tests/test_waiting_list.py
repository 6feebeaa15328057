"""Waiting lists of full days: joined in order of request (siblings first where the service says so), a
freed place books the first in line while they may still cancel free of charge for the margin, else is
offered until before the booking deadline, then passed on; every promotion and offer is e-mailed."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from catalog.calendar import PARIS
from catalog.engine import Reason
from catalog.models import CutoffRule, Service
from families.models import Decision, Dossier
from families.selectors import FamilyActor
from reservations.eligibility import households_ineligible
from reservations.models import Booking, WaitingListEntry
from reservations.services import Channel, DayRequest, bookings_cancel, bookings_take
from reservations.services.waiting import (
    offers_expire,
    waiting_join,
    waiting_leave,
    waiting_offer_accept,
    waiting_offer_decline,
)
from reservations.tests.test_planning import enrolled as enrolled_for_the_year
from reservations.waiting_selectors import get_waiting_entry_for, waiting_ranks
from tests.factories import ChildFactory, CutoffRuleFactory, ServiceFactory, TariffFactory, bracket, family, parent_of

WEDNESDAY = date(2026, 9, 16)
FAR = datetime(2026, 9, 1, 9, tzinfo=PARIS)  # two weeks ahead: safe to book for the family
# The day's deadlines (2 working days) fall at Tuesday 15 at 00:00: on Monday 14 at 10:00 they are 14 h away.
CLOSE = datetime(2026, 9, 14, 10, tzinfo=PARIS)
Entry = WaitingListEntry


@pytest.fixture
def centre(year) -> Service:
    return wednesday_centre()


def wednesday_centre(name: str = "Mercredis") -> Service:
    """A Wednesday centre of one place a day that keeps a waiting list, 2 working days' notice each way."""
    service = ServiceFactory(
        name=name,
        kind=Service.Kind.WEDNESDAY_CENTRE,
        unit=Service.Unit.DAY,
        weekdays=[2],
        capacity=1,
        waiting_list=True,
        units=[{"code": "journee", "name": "Journée", "duration_hours": "8", "position": 1}],
    )
    bracket(TariffFactory(service=service), 0, None, "12.00")
    CutoffRuleFactory(service=service)
    CutoffRuleFactory(service=service, direction=CutoffRule.Direction.CANCELLATION)
    return service


def enrolled(household, first_name, service, year):
    child = ChildFactory(household=household, first_name=first_name, status=Decision.VALIDATED)
    enrolled_for_the_year(child, service, household, year)
    return child


@pytest.fixture
def families(centre, year):
    """Tom's family holds the Wednesday's one place; Léa's and Zoé's families are next."""
    households = {name: family(f"Famille {name}") for name in ("Tom", "Léa", "Zoé")}
    children = {name: enrolled(h, name, centre, year) for name, h in households.items()}
    book(households["Tom"], children["Tom"], centre)
    return households, children


def book(household, child, service, now=FAR):
    outcome = bookings_take(
        actor=parent_of(household),
        requests=[DayRequest(child, household, service, WEDNESDAY, frozenset({"journee"}))],
        channel=Channel.ONLINE,
        now=now,
    )
    return outcome


def join(household, child, service, now=FAR):
    return waiting_join(
        actor=parent_of(household),
        household=household,
        child=child,
        service=service,
        day=WEDNESDAY,
        units=["journee"],
        now=now,
    )


def cancel(household, child, now):
    booking = Booking.objects.get(child=child, date=WEDNESDAY, state__in=Booking.HOLDING)
    return bookings_cancel(actor=parent_of(household), bookings=[booking], channel=Channel.ONLINE, now=now)


def test_a_day_with_places_left_is_booked_not_waited_for(centre, year):
    martin = family("Famille Martin")
    lea = enrolled(martin, "Léa", centre, year)

    with pytest.raises(ValidationError, match="n'est pas complet"):
        join(martin, lea, centre)
    assert not Entry.objects.exists()


def test_families_wait_in_order_of_request_and_see_their_rank(families, centre):
    households, children = families
    (lea,) = join(households["Léa"], children["Léa"], centre)
    (zoe,) = join(households["Zoé"], children["Zoé"], centre)

    assert waiting_ranks([lea, zoe]) == {lea.pk: 1, zoe.pk: 2}
    with pytest.raises(ValidationError, match="déjà sur la liste"):
        join(households["Léa"], children["Léa"], centre)


def test_a_place_freed_well_ahead_books_the_first_in_line_and_tells_them(
    families, centre, django_capture_on_commit_callbacks
):
    households, children = families
    (lea,) = join(households["Léa"], children["Léa"], centre)
    (zoe,) = join(households["Zoé"], children["Zoé"], centre)

    with django_capture_on_commit_callbacks(execute=True):
        cancel(households["Tom"], children["Tom"], FAR)

    lea.refresh_from_db()
    assert lea.state == Entry.State.BOOKED
    assert (lea.booking.state, lea.booking.source) == (Booking.State.CONFIRMED, Booking.Source.WAITING_LIST)
    assert Booking.objects.filter(date=WEDNESDAY, state__in=Booking.HOLDING).count() == 1  # never two for one place
    assert waiting_ranks([zoe]) == {zoe.pk: 1}
    (news,) = [m for m in mail.outbox if "liste d'attente" in m.subject]
    assert "Léa" in news.subject and news.to == [parent_of(households["Léa"]).email]


def test_close_to_the_deadline_the_place_is_offered_until_before_it_then_passed_on(families, centre):
    households, children = families
    (lea,) = join(households["Léa"], children["Léa"], centre)
    (zoe,) = join(households["Zoé"], children["Zoé"], centre)

    cancel(households["Tom"], children["Tom"], CLOSE)  # 14 h before the deadline: less than the 24 h margin

    lea.refresh_from_db()
    assert lea.state == Entry.State.OFFERED
    assert lea.offered_until == CLOSE + timedelta(hours=12)  # the service's 12 h, before Tuesday 00:00
    assert lea.booking.state == Booking.State.OFFERED  # the place is kept for Léa meanwhile
    assert not book(households["Tom"], children["Tom"], centre, now=CLOSE).changed  # nobody else takes it

    assert offers_expire(CLOSE + timedelta(hours=13)) == 1  # 23:00: Léa did not answer
    lea.refresh_from_db()
    zoe.refresh_from_db()
    assert lea.state == Entry.State.EXPIRED and lea.booking.state == Booking.State.CANCELLED
    assert zoe.state == Entry.State.OFFERED
    deadline = datetime(2026, 9, 15, 0, tzinfo=PARIS)
    assert zoe.offered_until == deadline - timedelta(minutes=1)  # never after the booking deadline

    later = CLOSE + timedelta(hours=13, minutes=30)
    booking = waiting_offer_accept(
        actor=parent_of(households["Zoé"]), household=households["Zoé"], entry=zoe, now=later
    )
    assert booking.state == Booking.State.CONFIRMED
    zoe.refresh_from_db()
    assert zoe.state == Entry.State.BOOKED


def test_a_declined_offer_goes_to_the_next_family(families, centre):
    households, children = families
    (lea,) = join(households["Léa"], children["Léa"], centre)
    (zoe,) = join(households["Zoé"], children["Zoé"], centre)
    cancel(households["Tom"], children["Tom"], CLOSE)
    lea.refresh_from_db()

    waiting_offer_decline(actor=parent_of(households["Léa"]), household=households["Léa"], entry=lea, now=CLOSE)

    zoe.refresh_from_db()
    assert zoe.state == Entry.State.OFFERED
    with pytest.raises(ValidationError, match="plus valable"):
        waiting_offer_accept(actor=parent_of(households["Léa"]), household=households["Léa"], entry=lea, now=CLOSE)


def test_siblings_come_first_where_the_service_says_so(families, centre, year):
    households, children = families
    Service.objects.filter(pk=centre.pk).update(capacity=2, waiting_list_siblings_first=True)
    centre.refresh_from_db()
    hugo = enrolled(households["Zoé"], "Hugo", centre, year)
    book(households["Zoé"], hugo, centre)  # the second place: Zoé's brother
    (lea,) = join(households["Léa"], children["Léa"], centre)
    (zoe,) = join(households["Zoé"], children["Zoé"], centre)  # later, but her brother is there that day

    assert waiting_ranks([lea, zoe]) == {zoe.pk: 1, lea.pk: 2}
    cancel(households["Tom"], children["Tom"], FAR)
    zoe.refresh_from_db()
    assert zoe.state == Entry.State.BOOKED


def test_a_family_reaches_only_its_own_entries(families, centre):
    households, children = families
    (lea,) = join(households["Léa"], children["Léa"], centre)
    zoe_side = FamilyActor(user=parent_of(households["Zoé"]), household=households["Zoé"])

    with pytest.raises(Http404):
        get_waiting_entry_for(zoe_side, lea.pk)
    with pytest.raises(PermissionDenied):
        waiting_leave(actor=parent_of(households["Zoé"]), household=households["Zoé"], entry=lea)

    waiting_leave(actor=parent_of(households["Léa"]), household=households["Léa"], entry=lea)
    lea.refresh_from_db()
    assert lea.state == Entry.State.LEFT


def test_unticking_a_place_offered_declines_it_and_it_cannot_be_accepted_afterwards(families, centre):
    from reservations.services.basket import basket_set_day, basket_validate

    households, children = families
    (lea,) = join(households["Léa"], children["Léa"], centre)
    (zoe,) = join(households["Zoé"], children["Zoé"], centre)
    cancel(households["Tom"], children["Tom"], CLOSE)
    lea_parent = parent_of(households["Léa"])
    basket_set_day(
        actor=lea_parent, household=households["Léa"], child=children["Léa"], service=centre, day=WEDNESDAY, units=[]
    )
    basket_validate(actor=lea_parent, household=households["Léa"], now=CLOSE)

    lea.refresh_from_db()
    zoe.refresh_from_db()
    assert lea.state == Entry.State.DECLINED and zoe.state == Entry.State.OFFERED
    with pytest.raises(ValidationError, match="plus valable"):
        waiting_offer_accept(actor=lea_parent, household=households["Léa"], entry=lea, now=CLOSE)
    assert Booking.objects.filter(date=WEDNESDAY, state__in=Booking.HOLDING).count() == 1  # one place, one child


def test_a_place_given_on_a_service_paid_at_booking_is_kept_to_be_paid_for_the_offer_time(families, centre):
    households, children = families
    Service.objects.filter(pk=centre.pk).update(billing_mode=Service.BillingMode.IMMEDIATE)
    (lea,) = join(households["Léa"], children["Léa"], centre)

    cancel(households["Tom"], children["Tom"], FAR)  # far ahead: booked at once, held to be paid

    lea.refresh_from_db()
    assert lea.booking.state == Booking.State.HELD
    assert lea.booking.held_until == FAR + timedelta(hours=12)  # not the basket's 30 minutes: the family is away


def test_a_line_is_not_served_once_the_booking_deadline_has_passed(families, centre, monkeypatch):
    from reservations.services import waiting

    households, children = families
    Service.objects.filter(pk=centre.pk).update(waiting_list_margin_hours=0)
    (lea,) = join(households["Léa"], children["Léa"], centre)
    join(households["Zoé"], children["Zoé"], centre)
    CutoffRule.objects.filter(service=centre, direction=CutoffRule.Direction.CANCELLATION).update(amount=0)
    tries = []
    monkeypatch.setattr(waiting, "bookings_take", lambda **kwargs: tries.append(kwargs) or bookings_take(**kwargs))

    cancel(households["Tom"], children["Tom"], datetime(2026, 9, 15, 10, tzinfo=PARIS))  # past J-2 to book

    lea.refresh_from_db()
    assert lea.state == Entry.State.WAITING and lea.booking is None  # the place stays for the counter
    assert tries == []  # nobody in line is tried: booking online is over for that day


def test_leaving_a_list_that_has_just_booked_the_child_says_so_and_keeps_the_booking(families, centre):
    households, children = families
    (entry,) = join(households["Léa"], children["Léa"], centre)
    cancel(households["Tom"], children["Tom"], FAR)  # the page still shows "leave": Léa is booked meanwhile

    with pytest.raises(ValidationError, match="l'enfant est réservé"):
        waiting_leave(actor=parent_of(households["Léa"]), household=households["Léa"], entry=entry, now=FAR)

    entry.refresh_from_db()
    assert entry.state == Entry.State.BOOKED and entry.booking.state == Booking.State.CONFIRMED


def test_a_child_whose_dossier_is_not_validated_cannot_join_and_is_passed_over(families, centre, year):
    households, children = families
    noe_home = family("Famille Noé")
    noe = ChildFactory(household=noe_home, first_name="Noé", status=Decision.VALIDATED)
    Dossier.objects.create(child=noe, school_year=year, status=Dossier.Status.SUBMITTED)
    enrolled_for_the_year(noe, centre, noe_home, year)  # the dossier it has stays submitted
    with pytest.raises(ValidationError, match="dossier de l'enfant"):
        join(noe_home, noe, centre)
    (lea,) = join(households["Léa"], children["Léa"], centre)
    (zoe,) = join(households["Zoé"], children["Zoé"], centre)
    Dossier.objects.filter(child=children["Léa"]).update(status=Dossier.Status.REFUSED)  # sent back meanwhile

    cancel(households["Tom"], children["Tom"], FAR)

    lea.refresh_from_db()
    zoe.refresh_from_db()
    assert lea.state == Entry.State.WAITING and zoe.state == Entry.State.BOOKED


def test_the_eligibility_of_a_days_line_is_read_in_two_queries_whatever_the_households(
    families, centre, django_assert_num_queries
):
    households, children = families
    days = [(households[name], children[name], centre, WEDNESDAY) for name in ("Tom", "Léa", "Zoé")]
    Dossier.objects.filter(child=children["Zoé"]).update(status=Dossier.Status.SUBMITTED)

    with django_assert_num_queries(2):
        refused = households_ineligible(days)

    assert refused == {(households["Zoé"].pk, children["Zoé"].pk, centre.pk, WEDNESDAY): Reason.DOSSIER}
