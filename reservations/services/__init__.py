"""Writes on reservations, one module per use case."""

from reservations.services.basket import (
    BasketOutcome,
    basket_drop,
    basket_set_day,
    basket_validate,
    holds_paid,
    holds_release,
)
from reservations.services.bookings import Channel, DayRequest, Outcome, Refusal, bookings_cancel, bookings_take
from reservations.services.enrolments import (
    enrolment_decide,
    enrolment_end,
    enrolment_end_preview,
    enrolment_request,
    enrolment_week_change,
    enrolments_validate,
)
from reservations.services.requests import booking_requests_decide, pending_requests_settle

__all__ = [
    "BasketOutcome",
    "Channel",
    "DayRequest",
    "Outcome",
    "Refusal",
    "basket_drop",
    "basket_set_day",
    "basket_validate",
    "booking_requests_decide",
    "bookings_cancel",
    "bookings_take",
    "enrolment_decide",
    "enrolment_end",
    "enrolment_end_preview",
    "enrolment_request",
    "enrolment_week_change",
    "enrolments_validate",
    "holds_paid",
    "holds_release",
    "pending_requests_settle",
]
