"""The last places of a day, rushed over HTTP by six families at once, each signed in on a session of its own,
against real server processes (`runserver`, threaded) on a throwaway database: under the service day's
lock the day ends with exactly its two places booked; the control run, a server whose lock is taken away,
overbooks it, so the race is real.

Both servers pause 0.2 s between reading a day's places left and booking (tests/race_server.py patches it
in the server's process, no knob in the production code): every request reads the places while the others
are still between reading and booking. The six families ask, through the API, to enrol their child in a
service that needs no validation, for that one day: each request books the day in its own transaction.
What the day ends with is read with psycopg, in the commune's schema.
"""

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import requests
from django.conf import settings

from tests.e2e.conftest import _free_port, _maintenance, _wait_until_up
from tests.test_celery_worker import database_url

SLUG, PLACES, FAMILIES = "course", 2, 6
HOST = f"{SLUG}.localhost"
WORLD_MARK = "RACE-WORLD "
HOLDING = ("requested", "confirmed", "cancellation_requested")

# ---------------------------------------------------------------------------------------------------------------
# The commune, built by `manage.py shell` on the throwaway database (this module, imported there)
# ---------------------------------------------------------------------------------------------------------------


def build_world() -> None:
    """A commune with two services of two places a day (one per server, so that the runs share nothing but
    the families), needing no validation, open every day of a school year; six households with a validated
    child each. Prints what the test needs, on one line."""
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from catalog import engine
    from catalog.models import SchoolYear, Service
    from catalog.selectors import catalog_snapshot, services_with_rules
    from families.models import Decision
    from tenants.services import commune_onboard
    from tests.factories import PASSWORD, ChildFactory, ServiceFactory, TariffFactory, bracket, family, parent_of

    commune_onboard(name="Course", slug=SLUG, insee_code="44043", admin_email=f"mairie@{SLUG}.test")
    with schema_context(SLUG):
        today = timezone.localdate()
        year = SchoolYear.objects.create(name="course", start=today, end=today + timedelta(days=200))
        services = {}
        for run in ("locked", "control"):
            service = ServiceFactory(
                name=f"Centre {run}",
                kind=Service.Kind.HOLIDAY_CENTRE,
                weekdays=list(range(7)),
                period=Service.Period.ALL,
                capacity=PLACES,
                enrolment_requires_validation=False,
            )
            bracket(TariffFactory(service=service, valid_from=year.start, valid_to=year.end), 0, None, "9.00")
            services[run] = service.pk
        rules = list(services_with_rules().filter(pk__in=services.values()))
        snapshot = catalog_snapshot(services=rules, start=today, end=year.end)
        day = today + timedelta(days=14)  # well before any cutoff, on a day both services are open
        while not all(engine.is_open(snapshot, service, day) for service in rules):
            day += timedelta(days=1)
        families = []
        for n in range(FAMILIES):
            household = family(f"Famille Course{n}", email=f"parent{n}@{SLUG}.test")
            child = ChildFactory(household=household, first_name=f"Enfant{n}", status=Decision.VALIDATED)
            families.append({"email": parent_of(household).email, "child": child.pk})
        unit = rules[0].units.get().code
    world = {"day": day.isoformat(), "year": year.pk, "services": services, "unit": unit, "families": families}
    print(WORLD_MARK + json.dumps({**world, "password": PASSWORD}))


# ---------------------------------------------------------------------------------------------------------------
# The servers
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    port: int

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@dataclass(frozen=True)
class Race:
    database: str  # a psycopg connection string
    world: dict
    locked: Server
    control: Server


@pytest.fixture(scope="module")
def race(tmp_path_factory) -> Iterator[Race]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    # Named after the test database (DATABASE_TEST_NAME), which keeps runs apart, as tests/e2e does.
    name = f"{settings.DATABASES['default']['TEST']['NAME']}_race_{worker}"
    url = urlsplit(database_url())._replace(path=f"/{name}").geturl()
    mailbox: Path = tmp_path_factory.mktemp("race-mailbox")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "1",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "EMAIL_URL": f"filemail:///{mailbox}",
        "CACHE_KEY_PREFIX": f"race-{uuid.uuid4().hex}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    _maintenance(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _maintenance(url, f'CREATE DATABASE "{name}"')
    servers: list[subprocess.Popen] = []
    try:
        run = {"env": env, "cwd": settings.BASE_DIR, "check": True, "capture_output": True, "text": True}
        subprocess.run([*manage, "migrate_schemas", "--noinput", "-v", "0"], **run)
        built = subprocess.run([*manage, "shell", "-c", f"from {__name__} import build_world; build_world()"], **run)
        line = next(line for line in built.stdout.splitlines() if line.startswith(WORLD_MARK))
        world = json.loads(line.removeprefix(WORLD_MARK))
        ports = {"locked": _free_port(), "control": _free_port()}
        for run_name, port in ports.items():
            flags = ["--without-lock"] if run_name == "control" else []
            launcher = [sys.executable, "-m", "tests.race_server", f"127.0.0.1:{port}", *flags]
            servers.append(
                subprocess.Popen(
                    launcher,
                    env={**env, "PLATFORM_URL_PORT": str(port)},
                    cwd=settings.BASE_DIR,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for server, port in zip(servers, ports.values(), strict=True):
            _wait_until_up(port, server)
        yield Race(url, world, Server(ports["locked"]), Server(ports["control"]))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        _maintenance(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---------------------------------------------------------------------------------------------------------------
# The families, each on a session of its own
# ---------------------------------------------------------------------------------------------------------------


def signed_in(server: Server, email: str, password: str) -> requests.Session:
    """A browser's session: the login page's CSRF cookie, the login form posted with it, and from then on the
    session cookie and the CSRF token the API wants in `X-CSRFToken` (Django renews it at login)."""
    session = requests.Session()
    session.headers["Host"] = HOST
    session.get(server.url("/compte/login/"), timeout=10).raise_for_status()
    form = {"login": email, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    answer = session.post(server.url("/compte/login/"), data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and "sessionid" in session.cookies, (answer.status_code, answer.text[:300])
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


def rush(race: Race, server: Server, service_id: int) -> list[int]:
    """Every family asks at the same moment to enrol its child in `service_id` for the day; the answers' statuses."""
    world = race.world
    sessions = [signed_in(server, family["email"], world["password"]) for family in world["families"]]
    start, statuses = threading.Barrier(len(sessions)), {}
    day = date.fromisoformat(world["day"])

    def one_family(n: int) -> None:
        body = {
            "child": world["families"][n]["child"],
            "service": service_id,
            "school_year": world["year"],
            "start": world["day"],
            "end": world["day"],
            "week": {str(day.weekday()): [world["unit"]]},
        }
        start.wait()
        statuses[n] = sessions[n].post(server.url("/api/v1/reservations/enrolments"), json=body, timeout=60)

    families = [threading.Thread(target=one_family, args=(n,)) for n in range(len(sessions))]
    for thread in families:
        thread.start()
    for thread in families:
        thread.join()
    return [statuses[n].status_code for n in sorted(statuses)]


def the_day(race: Race, service_id: int) -> tuple[int, int]:
    """The day's count of children (the row its bookings lock) and its bookings that hold a place."""
    with psycopg.connect(race.database) as conn:
        conn.execute(f'SET search_path TO "{SLUG}"')
        day = date.fromisoformat(race.world["day"])
        row = conn.execute(
            "SELECT children FROM reservations_serviceday WHERE service_id = %s AND date = %s", [service_id, day]
        ).fetchone()
        (booked,) = conn.execute(
            "SELECT count(*) FROM reservations_booking WHERE service_id = %s AND date = %s AND state = ANY(%s)",
            [service_id, day, list(HOLDING)],
        ).fetchone()
    return (row[0] if row else 0), booked


def test_under_the_lock_a_live_rush_books_exactly_the_places_there_are_and_without_it_overbooks(race):
    locked_service, control_service = race.world["services"]["locked"], race.world["services"]["control"]

    locked_answers = rush(race, race.locked, locked_service)
    locked_children, locked_booked = the_day(race, locked_service)
    control_answers = rush(race, race.control, control_service)
    control_children, control_booked = the_day(race, control_service)

    print(
        f"\n{FAMILIES} families for {PLACES} places on {race.world['day']}:"
        f" under the lock {locked_booked} bookings (the day counts {locked_children} children);"
        f" control run without the lock {control_booked} bookings (the day counts {control_children})"
    )
    # Every request is an enrolment validated at once; a full day is reported, not refused.
    assert locked_answers == [201] * FAMILIES and control_answers == [201] * FAMILIES
    assert (locked_children, locked_booked) == (PLACES, PLACES)
    assert control_booked > PLACES
