"""Validating enrolments with a typical week: 1,000 children over a school year, validated through
`enrolments_validate` (staff validating the pending requests of a service, by batches) — its checks,
the service days' locks, the catalogue's rules per day and unit, the bookings and their history rows,
the journal and each family's e-mail, no shortcut — against a raw PostgreSQL COPY of the very same
rows into the same tables (same indexes, foreign keys checked), in the same run.

It works in a throwaway database next to the configured one (dropped at start and at the end), with
one commune, one périscolaire (matin and soir, four school days a week) and the children.

    .venv/bin/python bench/typical_week.py [--children 1000] [--batch 250]
"""

import argparse
import io
import time
from datetime import date, datetime

from common import configure_environment, fresh_database, print_machine

BENCH_DB = "portail_bench_week"
WEEK = {0: ["matin", "soir"], 1: ["matin", "soir"], 3: ["matin"], 4: ["soir"]}


def setup_commune(children: int):
    """A commune with its périscolaire and `children` validated children, each in a household (not timed)."""
    from django_tenants.utils import schema_context

    from accounts.models import User
    from catalog.models import CutoffRule, SchoolYear, Service, ServiceUnit, Site, Tariff, TariffBracket
    from core.roles import Role
    from families.models import Child, ChildHousehold, Decision, Household
    from reservations.models import Enrolment
    from tenants.services import commune_onboard

    commune_onboard(name="Bench", slug="bench", insee_code="44999", admin_email="mairie@bench.example.org")
    with schema_context("bench"):
        year = SchoolYear.objects.filter(start__lte=date(2026, 9, 1), end__gte=date(2026, 9, 1)).first()
        year = year or SchoolYear.objects.create(name="2026-2027", start=date(2026, 9, 1), end=date(2027, 8, 31))
        site = Site.objects.create(name="École")
        service = Service.objects.create(
            name="Périscolaire",
            code="periscolaire",
            kind="morning_care",
            site=site,
            unit="session",
            weekdays=[0, 1, 3, 4],
            capacity=None,
        )
        for position, code in enumerate(("matin", "soir")):
            unit = ServiceUnit.objects.create(
                service=service, code=code, name=code, duration_hours=2, position=position
            )
            tariff = Tariff.objects.create(service=service, unit=unit, valid_from=year.start, valid_to=year.end)
            TariffBracket.objects.create(tariff=tariff, qf_min=0, qf_max=None, price="2.00")
        CutoffRule.objects.create(service=service, direction="booking", amount=2, unit="working_days")
        households = Household.objects.bulk_create(
            [Household(name=f"Famille {i}", status=Decision.VALIDATED) for i in range(children)]
        )
        kids = Child.objects.bulk_create(
            [
                Child(first_name=f"E{i}", last_name="B", birth_date=date(2018, 1, 1), status=Decision.VALIDATED)
                for i in range(children)
            ]
        )
        ChildHousehold.objects.bulk_create(
            [ChildHousehold(child=c, household=h) for c, h in zip(kids, households, strict=True)]
        )
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(
                    child=c,
                    household=h,
                    service=service,
                    school_year=year,
                    start=year.start,
                    end=year.end,
                    week={str(k): v for k, v in WEEK.items()},
                )
                for c, h in zip(kids, households, strict=True)
            ]
        )
        agent = User.objects.create_user("agent@bench.example.org", None, role=Role.ADMINISTRATOR)
    return enrolments, agent


def validate_all(enrolments, agent, batch: int) -> tuple[float, int]:
    from django_tenants.utils import schema_context

    from reservations.models import Booking, BookingEvent
    from reservations.services import enrolments_validate

    now = datetime.fromisoformat("2026-08-25T09:00:00+02:00")  # before the school year: every day bookable
    with schema_context("bench"):
        start = time.perf_counter()
        for first in range(0, len(enrolments), batch):
            enrolments_validate(actor=agent, enrolments=enrolments[first : first + batch], now=now)
        elapsed = time.perf_counter() - start
        rows = Booking.objects.count() + BookingEvent.objects.count()
    return elapsed, rows


def copy_same_rows() -> tuple[float, int]:
    """COPY the rows the service wrote back into the same tables, with their indexes and their foreign keys
    checked as they go in: the rows are dumped, the tables emptied, the COPY timed, then all rolled back."""
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    tables = ("reservations_booking", "reservations_bookingevent")  # parents first
    with schema_context("bench"), connection.cursor() as cursor:
        dumps = {}
        for table in tables:
            buffer = io.BytesIO()
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for data in copy:
                    buffer.write(data)
            dumps[table] = buffer.getvalue()
        with transaction.atomic():
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys checked during the COPY
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
            start = time.perf_counter()
            for table in tables:
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(dumps[table])
            elapsed = time.perf_counter() - start
            cursor.execute(f"SELECT (SELECT count(*) FROM {tables[0]}) + (SELECT count(*) FROM {tables[1]})")
            rows = cursor.fetchone()[0]
            transaction.set_rollback(True)
    return elapsed, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=250, help="enrolments validated together (default 250)")
    options = parser.parse_args()
    children = options.children
    configure_environment(BENCH_DB)
    import django

    django.setup()
    print_machine()
    with fresh_database(BENCH_DB):
        enrolments, agent = setup_commune(children)
        ours, rows = validate_all(enrolments, agent, options.batch)
        raw, copied = copy_same_rows()
    assert copied == rows, (copied, rows)
    print(f"{children} enrolments validated by batches of {options.batch}: {rows} rows in {ours:.1f} s")
    print(f"our path: {rows / ours:,.0f} rows/s")
    print("(the rows: bookings and their history)")
    print(f"COPY of the same {copied} rows into the same tables: {raw:.2f} s: {copied / raw:,.0f} rows/s")
    print(f"ratio of our rows/s to COPY's: {(rows / ours) / (copied / raw):.2f} (target ≥ 0.3, and under 60 s)")


if __name__ == "__main__":
    main()
