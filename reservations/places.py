"""The places of service days, counted under row locks taken in one fixed order.

Every transaction that books or cancels first locks the `ServiceDay` rows it touches, ordered by
(service, date): two baskets sharing days wait for each other instead of deadlocking, and whatever a
transaction reads about a locked day (who is booked, how many places are left) stays true until it
commits. Nothing else counts places.
"""

import json
from collections.abc import Iterable
from datetime import date

from django.db import connection, models

from catalog import engine
from catalog.engine import CatalogSnapshot
from catalog.models import Service
from core.prefetch import rows
from families.models import Child
from reservations.models import Booking, ServiceDay

DayKey = tuple[int, date]  # (service id, date)


def lock_service_days(keys: Iterable[DayKey]) -> dict[DayKey, ServiceDay]:
    """Lock (creating them if needed) the rows of these service days, in (service, date) order."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    with connection.cursor() as cursor:  # created if missing, without building a model per day
        cursor.execute(
            f"INSERT INTO {ServiceDay._meta.db_table} (service_id, date, children, units, age_groups) "
            "SELECT s, d, 0, '{}', '{}' FROM unnest(%s::bigint[], %s::date[]) AS t(s, d) "
            "ON CONFLICT (service_id, date) DO NOTHING",
            [[service_id for service_id, _day in wanted], [day for _service_id, day in wanted]],
        )
    services = {service_id for service_id, _day in wanted}
    days = {day for _service_id, day in wanted}
    rows = (
        ServiceDay.objects.select_for_update()
        .filter(service_id__in=services, date__in=days)
        .order_by("service_id", "date")
    )
    return {(row.service_id, row.date): row for row in rows if (row.service_id, row.date) in wanted}


def age_in_months(child: Child, day: date) -> int:
    born = child.birth_date
    return (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)


def places_left(
    snapshot: CatalogSnapshot, service: Service, row: ServiceDay, *, child: Child, new_child: bool, unit_ids: set[int]
) -> int | None:
    """What is left for this child that day: the day's places (a child counts once whatever its units),
    each unit's own limit, and its age group's; None when nothing limits it."""
    limits = []
    if new_child and (capacity := engine.capacity(snapshot, service, row.date)) is not None:
        limits.append(capacity - row.children)
    for unit in rows(service, "units"):
        if unit.pk in unit_ids and unit.capacity is not None:
            limits.append(unit.capacity - row.units.get(str(unit.pk), 0))
    group = engine.age_group(service, age_in_months(child, row.date))
    if new_child and group is not None:
        limits.append(group.capacity - row.age_groups.get(str(group.pk), 0))
    return min(limits) if limits else None


def count(row: ServiceDay, service: Service, *, child: Child, unit_ids: set[int], new_child: bool, step: int) -> None:
    """Add (step 1) or remove (step -1) a child's units from the day's counts."""
    if new_child:
        row.children += step
        group = engine.age_group(service, age_in_months(child, row.date))
        if group is not None:
            row.age_groups[str(group.pk)] = row.age_groups.get(str(group.pk), 0) + step
    for unit_id in unit_ids:
        row.units[str(unit_id)] = row.units.get(str(unit_id), 0) + step


def save_counts(rows: list[ServiceDay]) -> None:
    """Write the locked days' counts back in one statement (bulk_update's CASE per row is far slower)."""
    if not rows:
        return
    values = ", ".join(["(%s, %s, %s::jsonb, %s::jsonb)"] * len(rows))
    params = [p for r in rows for p in (r.pk, r.children, json.dumps(r.units), json.dumps(r.age_groups))]
    table = ServiceDay._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS d SET children = v.children, units = v.units, age_groups = v.age_groups "
            f"FROM (VALUES {values}) AS v(id, children, units, age_groups) WHERE d.id = v.id",
            params,
        )


def next_ids(model: type[models.Model], n: int) -> list[int]:
    """`n` ids taken from the table's sequence, for rows written with COPY."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [model._meta.db_table, n]
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model: type[models.Model], columns: list[str], values: list[tuple]) -> None:
    """Append rows to the model's table with COPY (in the current schema and transaction)."""
    if not values:
        return
    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)


def children_booked(service: Service, start: date, end: date) -> dict[date, int]:
    """Children holding a place each day (the catalogue's days show the places left from it)."""
    days = ServiceDay.objects.filter(service=service, date__range=(start, end))
    return dict(days.values_list("date", "children"))


def place_freed(row: ServiceDay, booking: Booking, freed: set[int]) -> None:
    """Take a booking that no longer holds its place off the day's counts: the child leaves the day's count
    with its last unit. `freed`: the bookings this call already freed, the database still saying they hold
    (their new state is written after); this one is added to it. Under the day's lock."""
    freed.add(booking.pk)
    others = Booking.objects.filter(
        child=booking.child_id, service=booking.service_id, date=booking.date, state__in=Booking.HOLDING
    ).exclude(pk__in=freed)
    count(row, booking.service, child=booking.child, unit_ids={booking.unit_id}, new_child=not others.exists(), step=-1)
