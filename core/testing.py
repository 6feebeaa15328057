"""Helpers for the tests of every app."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

from django.utils import timezone


@contextmanager
def frozen_clock(moment: datetime) -> Iterator[datetime]:
    """Stop Django's clock at `moment`: `timezone.now()`, `timezone.localdate()` and `auto_now` fields read it.

    Code that imported `now` by name, or asks `datetime.now()` or `date.today()`, still reads the real clock.
    """
    if timezone.is_naive(moment):
        raise ValueError("frozen_clock needs an aware datetime")
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def paris(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in the communes' timezone, for `frozen_clock`."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Paris"))
