"""The web server of tests/test_booking_race_live.py: Django's runserver, started after widening the race
window in this process only (no knob in the production code).

    python -m tests.race_server 127.0.0.1:8123 [--without-lock]

Every request pauses 0.2 s between reading a day's places left and booking, so that concurrent requests
overlap there. With `--without-lock`, the control run's server: the service days' rows are read without
their lock (`SELECT … FOR UPDATE`), as reservations/tests/test_race.py does in one process.
"""

import os
import sys
import time


def _patch(without_lock: bool) -> None:
    from reservations import places
    from reservations.models import ServiceDay
    from reservations.services import bookings

    counted = places.places_left

    def slow_places_left(*args, **kwargs):
        left = counted(*args, **kwargs)
        time.sleep(0.2)
        return left

    def without_the_lock(keys):
        wanted = sorted(set(keys))
        ServiceDay.objects.bulk_create([ServiceDay(service_id=s, date=d) for s, d in wanted], ignore_conflicts=True)
        found = ServiceDay.objects.filter(service_id__in={s for s, _ in wanted}, date__in={d for _, d in wanted})
        return {(row.service_id, row.date): row for row in found if (row.service_id, row.date) in wanted}

    bookings.places_left = slow_places_left
    if without_lock:
        bookings.lock_service_days = without_the_lock


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    address, *flags = sys.argv[1:]
    _patch(without_lock="--without-lock" in flags)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", "runserver", address, "--noreload"])


if __name__ == "__main__":
    main()
