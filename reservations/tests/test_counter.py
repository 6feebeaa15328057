"""At the counter, past the cutoff: the agent books with the rule's late price or without it, their
choice recorded and journaled on the family's file (seed 001: refused online, accepted by the ALSH)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from catalog.calendar import PARIS
from catalog.engine import Reason
from families.models import Decision
from reservations.services import Channel, DayRequest, bookings_take
from reservations.services.counter import counter_book, counter_cancel
from tests.factories import ChildFactory, family, parent_of

LATE = datetime(2026, 9, 7, 9, tzinfo=PARIS)  # Tuesday 8th is within the 2 working days' notice
TUESDAY = date(2026, 9, 8)


def test_the_agent_books_late_with_or_without_the_late_price_and_it_is_journaled(care, agent):
    household = family()
    lea = ChildFactory(household=household, status=Decision.VALIDATED)
    online = bookings_take(
        actor=parent_of(household),
        requests=[DayRequest(lea, household, care, TUESDAY, frozenset({"matin"}))],
        channel=Channel.ONLINE,
        now=LATE,
    )
    assert [r.reason for r in online.refused] == [Reason.LATE]  # refused online, as the rule says

    (priced,) = counter_book(
        actor=agent,
        household=household,
        child=lea,
        service=care,
        day=TUESDAY,
        units={"matin"},
        late_price_applied=True,
        now=LATE,
    ).changed
    (waived,) = counter_book(
        actor=agent,
        household=household,
        child=lea,
        service=care,
        day=TUESDAY,
        units={"matin", "soir"},
        late_price_applied=False,
        now=LATE,
    ).changed

    assert (priced.late_price, priced.late_amount) == ("fixed", Decimal("4.00"))
    assert waived.unit.code == "soir" and waived.late_price == ""
    journal = AuditEntry.objects.filter(actor=agent, action="reservations.book").order_by("pk")
    assert [e.changes["prix du retard appliqué"] for e in journal] == [True, False]
    assert {e.context for e in journal} == {f"families.household:{household.pk}"}

    cancelled = counter_cancel(actor=agent, household=household, bookings=[waived], late_price_applied=True, now=LATE)
    assert [b.state for b in cancelled.changed] == ["cancelled"]
    with pytest.raises(PermissionDenied):
        counter_book(
            actor=parent_of(household),
            household=household,
            child=lea,
            service=care,
            day=TUESDAY,
            units={"soir"},
            late_price_applied=False,
            now=LATE,
        )
