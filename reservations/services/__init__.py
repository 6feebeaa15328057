"""Writes on reservations, one module per use case."""

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
    "Channel",
    "DayRequest",
    "Outcome",
    "Refusal",
    "booking_requests_decide",
    "bookings_cancel",
    "bookings_take",
    "enrolment_decide",
    "enrolment_end",
    "enrolment_end_preview",
    "enrolment_request",
    "enrolment_week_change",
    "enrolments_validate",
    "pending_requests_settle",
]
