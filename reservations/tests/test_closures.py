"""Closures decided after bookings exist: the day's bookings cancelled with the closure (never billed), their
places freed, what was paid at booking owed back, the waiting lists cleared and not served, the day closed
for new bookings, every family told once; a school's closure hits its children only; a minimum service
keeps everything and tells the families; only administrators decide it."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from catalog.calendar import PARIS
from catalog.engine import Reason
from catalog.models import CalendarException, Service
from core.roles import Role
from families.models import Schooling
from families.selectors import FamilyActor
from reservations.models import AmountOwed, Booking, BookingEvent, Closure, ServiceDay, WaitingListEntry
from reservations.planning import household_planning
from reservations.services import holds_paid
from reservations.services.closures import closure_create, closure_preview
from reservations.services.waiting import waiting_join
from reservations.tests.test_planning import book, enrolled
from tests.factories import (
    ChildFactory,
    ServiceFactory,
    SiteFactory,
    TariffFactory,
    UserFactory,
    bracket,
    family,
    parent_of,
)

THURSDAY = date(2026, 9, 17)
NOW = datetime(2026, 9, 1, 9, tzinfo=PARIS)  # two weeks ahead: far from every deadline
Entry = WaitingListEntry


@pytest.fixture
def canteen(year, care) -> Service:
    """Paid at booking (seed 004), 3.60 € a meal, two places and a waiting list, on the périscolaire's site."""
    service = ServiceFactory(
        name="Cantine",
        site=care.site,
        capacity=2,
        waiting_list=True,
        billing_mode=Service.BillingMode.IMMEDIATE,
        units=[{"code": "repas", "name": "Repas", "duration_hours": "1", "position": 1}],
    )
    bracket(TariffFactory(service=service), 0, None, "3.60")
    return service


def pupil(household, name, year, school, level, *services):
    child = ChildFactory(household=household, first_name=name)
    Schooling.objects.create(child=child, school_year=year, school=school, level=level)
    for service in services:
        enrolled(child, service, household, year)
    return child


@pytest.fixture
def day(frozen_at, year, care, canteen):
    """Léa (école A, CE1) paid her meal and has the périscolaire; Tom (école B) holds his meal unpaid: the
    canteen is full, and Zoé (école B) waits for it."""
    frozen_at(NOW)
    households = {name: family(f"Famille {name}") for name in ("Léa", "Tom", "Zoé")}
    lea = pupil(households["Léa"], "Léa", year, "École A", "CE1", care, canteen)
    tom = pupil(households["Tom"], "Tom", year, "École B", "CP", canteen)
    zoe = pupil(households["Zoé"], "Zoé", year, "École B", "CE2", canteen)
    book(lea, households["Léa"], canteen, THURSDAY, "repas")
    holds_paid(actor=None, household=households["Léa"])
    book(lea, households["Léa"], care, THURSDAY, "matin", "soir")
    book(tom, households["Tom"], canteen, THURSDAY, "repas")
    zoe_side = households["Zoé"]
    waiting_join(
        actor=parent_of(zoe_side), household=zoe_side, child=zoe, service=canteen, day=THURSDAY, units=["repas"]
    )
    return households, {"Léa": lea, "Tom": tom, "Zoé": zoe}


def close(agent, **scope) -> Closure:
    fields = {"date": THURSDAY, "cause": Closure.Cause.STRIKE, "label": "Grève des agents de restauration"}
    return Closure(**fields | scope)


def test_a_site_closed_for_the_day_cancels_every_booking_unbilled_and_tells_each_family_once(
    day, agent, care, canteen, django_capture_on_commit_callbacks
):
    households, children = day
    preview = closure_preview(actor=agent, closure=close(agent, site=care.site))
    assert (len(preview.bookings), preview.families_booked, len(preview.entries)) == (4, 2, 1)
    assert preview.owed_total == Decimal("3.60") and preview.closes_day
    assert not Closure.objects.exists()  # a preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        hit = closure_create(actor=agent, closure=close(agent, site=care.site))

    closure = hit.closure
    assert set(Booking.objects.filter(date=THURSDAY).values_list("state", "closure")) == {
        (Booking.State.CANCELLED, closure.pk)
    }
    assert {(d.children, sum(d.units.values())) for d in ServiceDay.objects.filter(date=THURSDAY)} == {(0, 0)}
    assert BookingEvent.objects.filter(note="fermeture : Grève des agents de restauration").count() == 4
    (owed,) = AmountOwed.objects.all()  # Léa's paid meal; Tom's held meal and the post-billed périscolaire: none
    assert (owed.household, owed.booking.unit.code, owed.amount) == (households["Léa"], "repas", Decimal("3.60"))
    entry = Entry.objects.get(child=children["Zoé"])
    assert entry.state == Entry.State.CLEARED and entry.booking is None  # the freed places went to nobody
    assert set(CalendarException.objects.values_list("service", "start", "label")) == {
        (service.pk, THURSDAY, "Grève des agents de restauration") for service in (care, canteen)
    }
    again = book(children["Zoé"], households["Zoé"], canteen, THURSDAY, "repas")
    assert [r.reason for r in again.refused] == [Reason.CLOSED]  # the day is closed for new bookings too

    told = [m for m in mail.outbox if "Fermeture" in m.subject]
    assert sorted(m.to[0] for m in told) == sorted(parent_of(h).email for h in households.values())
    (lea_mail,) = [m for m in told if m.to == [parent_of(households["Léa"]).email]]
    assert "Fermeture exceptionnelle" in lea_mail.subject
    assert "ne vous seront pas facturées" in lea_mail.body and "3,60 €" in lea_mail.body
    assert "Grève des agents de restauration" in lea_mail.body


def test_a_school_closed_cancels_its_children_only_and_the_day_stays_open_for_the_others(
    day, agent, canteen, django_capture_on_commit_callbacks
):
    households, children = day
    with django_capture_on_commit_callbacks(execute=True):
        hit = closure_create(actor=agent, closure=close(agent, service=canteen, school="École A"))

    assert [b.child for b in hit.bookings] == [children["Léa"]]
    lea_meal = Booking.objects.get(child=children["Léa"], service=canteen)
    assert (lea_meal.state, lea_meal.closure) == (Booking.State.CANCELLED, hit.closure)
    assert Booking.objects.get(child=children["Tom"]).state == Booking.State.HELD  # école B: kept
    assert Booking.objects.filter(child=children["Léa"], state=Booking.State.CONFIRMED).count() == 2  # périscolaire
    assert not CalendarException.objects.exists()
    zoe = Entry.objects.get(child=children["Zoé"])  # école B, first in line: Léa's place is hers
    assert zoe.state == Entry.State.BOOKED and zoe.booking.state == Booking.State.HELD
    assert [m.to for m in mail.outbox if "Fermeture" in m.subject] == [[parent_of(households["Léa"]).email]]


def test_a_school_closed_stays_closed_to_its_children_on_the_planning_and_for_new_bookings(day, agent, canteen, year):
    households, _children = day
    closure_create(actor=agent, closure=close(agent, service=canteen, school="École A"))
    ines = pupil(households["Léa"], "Inès", year, "École A", "CM1", canteen)  # Léa's sister, same school
    hugo = pupil(households["Tom"], "Hugo", year, "École B", "CM1", canteen)

    refused = book(ines, households["Léa"], canteen, THURSDAY, "repas")
    assert [(r.reason, r.detail) for r in refused.refused] == [(Reason.CLOSED, "Grève des agents de restauration")]
    assert [r.reason for r in book(hugo, households["Tom"], canteen, THURSDAY, "repas").refused] == [Reason.FULL]
    actor = FamilyActor(user=parent_of(households["Léa"]), household=households["Léa"])
    plan = household_planning(actor=actor, children=[ines], start=THURSDAY, end=THURSDAY, now=NOW)
    (line,) = plan.lines
    (thursday,) = line.days
    assert not thursday.open and thursday.closed_reason == "Grève des agents de restauration"


def test_a_class_closed_hits_that_class_of_the_school_year_only(day, agent, care, canteen):
    _households, children = day
    hit = closure_create(actor=agent, closure=close(agent, site=care.site, level="CP", cause=Closure.Cause.TRIP))

    assert {b.child for b in hit.bookings} == {children["Tom"]}
    assert not AmountOwed.objects.exists()  # Tom had not paid: just cancelled
    assert Entry.objects.get(child=children["Zoé"]).state == Entry.State.BOOKED  # CE2: Tom's place is hers


def test_a_strike_with_a_minimum_service_keeps_the_bookings_and_tells_the_families(
    day, agent, care, django_capture_on_commit_callbacks
):
    households, children = day
    with django_capture_on_commit_callbacks(execute=True):
        hit = closure_create(actor=agent, closure=close(agent, site=care.site, minimum_service=True))

    assert len(hit.bookings) == 4 and not hit.entries and not hit.owed
    assert not Booking.objects.filter(state=Booking.State.CANCELLED).exists()
    assert not Booking.objects.exclude(closure=None).exists()  # billed as booked: the children are received
    assert not CalendarException.objects.exists() and not AmountOwed.objects.exists()
    assert Entry.objects.get(child=children["Zoé"]).state == Entry.State.WAITING
    told = [m for m in mail.outbox if "Service minimum d'accueil" in m.subject]
    assert sorted(m.to[0] for m in told) == sorted(parent_of(households[name]).email for name in ("Léa", "Tom"))
    assert all("maintenues et facturées" in m.body for m in told)


@pytest.mark.parametrize("role", [Role.PARENT, Role.FINANCE, Role.SERVICE_MANAGER, Role.ANIMATOR])
def test_only_administrators_close_a_day(day, care, role):
    someone = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        closure_preview(actor=someone, closure=close(someone, site=care.site))
    with pytest.raises(PermissionDenied):
        closure_create(actor=someone, closure=close(someone, site=care.site))
    assert not Closure.objects.exists()
    assert not Booking.objects.filter(state=Booking.State.CANCELLED).exists()


@pytest.mark.parametrize(
    ("scope", "field", "message"),
    [
        ({"date": date(2026, 8, 31)}, "date", "aujourd'hui ou un jour à venir"),
        ({"label": "  "}, "label", "message envoyé aux familles"),
        ({"site": None}, "service", "service ou le site fermé"),
    ],
)
def test_a_closure_refused_says_why(day, agent, care, scope, field, message):
    closure = close(agent, site=care.site) if "site" not in scope else close(agent)
    for name, value in scope.items():
        setattr(closure, name, value)
    with pytest.raises(ValidationError) as refused:
        closure_create(actor=agent, closure=closure)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Closure.objects.exists()


def test_a_service_of_another_site_is_refused(day, agent, care):
    elsewhere = ServiceFactory(name="Mercredis", site=SiteFactory(name="Centre de loisirs"))
    with pytest.raises(ValidationError, match="pas sur ce site"):
        closure_create(actor=agent, closure=close(agent, service=elsewhere, site=care.site))


def test_a_paid_day_whose_cancellation_was_asked_is_owed_back_too(day, agent, canteen):
    households, children = day
    Booking.objects.filter(child=children["Léa"], service=canteen).update(state=Booking.State.CANCELLATION_REQUESTED)

    closure_create(actor=agent, closure=close(agent, service=canteen))

    (owed,) = AmountOwed.objects.all()  # still paid while staff had not decided: owed back like any paid day
    assert (owed.household, owed.amount) == (households["Léa"], Decimal("3.60"))
