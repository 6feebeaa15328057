"""Writes on reservations, one module per use case."""

from reservations.services.bookings import Channel, DayRequest, Outcome, Refusal, bookings_cancel, bookings_take
from reservations.services.enrolments import (
    enrolment_decide,
    enrolment_end,
    enrolment_end_preview,
    enrolment_request,
    enrolment_week_change,
)

__all__ = [
    "Channel",
    "DayRequest",
    "Outcome",
    "Refusal",
    "bookings_cancel",
    "bookings_take",
    "enrolment_decide",
    "enrolment_end",
    "enrolment_end_preview",
    "enrolment_request",
    "enrolment_week_change",
]
