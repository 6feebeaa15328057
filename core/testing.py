"""Helpers for the tests of every app."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context


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


def on_own_connection(work, schema_name: str | None = None):
    """Run `work()` on a database connection of its own, committed at once (as another request or a worker
    would see it), in `schema_name` if given; its result is returned and its exception raised here.

    A test marked `django_db` runs in a transaction no other process sees: this is how it writes what a
    Celery worker or a concurrent writer must read, without flushing the shared test database."""
    result: dict = {}

    def target():
        try:
            if schema_name:
                with schema_context(schema_name):
                    result["value"] = work()
            else:
                result["value"] = work()
        except BaseException as exc:  # handed back to the caller
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")
