"""The OpenAPI schema is a faithful contract: schemathesis sends what it describes, and things it forbids,
to every operation, and runs all its checks on the answers (status codes and bodies the schema documents,
schema-valid requests accepted, invalid ones refused, no server error, authentication not ignored...).

It runs as an administrator of Clisson on the catalogue's, the staff's and the reservations' operations, and
as a parent on the family's and the reservations', against Django's WSGI application in this process, on the
test database: every request carries Clisson's host (django-tenants routes by it), the user's session cookie
and a CSRF token, and runs on the test's own connection, inside its transaction, which pytest-django rolls
back at the end. The administrator's run checks too that its writes stayed in Clisson. The same seed and
number of examples every time, so that a run is the same run on every machine; a time limit, so that it
never hangs.

Rules the schema cannot express (overlapping dates, a record that does not exist) answer 422: the
"schema-valid request accepted" check counts a 422 as a refusal it may get (README, "The API").
"""

import logging
import threading
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, connections, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic
from schemathesis.transport.wsgi import WSGITransport
from werkzeug.sansio.multipart import Data, MultipartEncoder
from werkzeug.sansio.multipart import State as MultipartState

from catalog import models as catalog
from conftest import CLISSON, GORGES, signed_in
from core.roles import Role
from families.models import ChangeRequest, Dossier, DossierItem, DossierRequirement
from families.services import child_link
from reservations.models import (
    Absence,
    AllocationRequest,
    BasketLine,
    Booking,
    Closure,
    Enrolment,
    EnrolmentRequirement,
)
from tests.factories import (
    ChildFactory,
    CutoffRuleFactory,
    DocumentFactory,
    DocumentTypeFactory,
    PickupPersonFactory,
    SchoolYearFactory,
    ServiceFactory,
    TariffFactory,
    UserFactory,
    bracket,
    family,
    parent_of,
)

pytestmark = pytest.mark.django_db

SEED = 20260901
MAX_EXAMPLES = 6
# Seconds, per run; a run takes 10 to 25 s on a 2-core machine. Past it, the run stops where it is.
TIME_LIMIT = 60
CSRF_TOKEN = "contractcontractcontractcontract"  # 32 characters, as Django's CSRF cookie has
# A 422 answers a schema-valid request a rule refuses: a refusal the positive check may get, as 404 or 409.
ACCEPTABLE_REFUSALS = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]


class CommuneApp(WSGIHandler):
    """Django's application as Clisson's portal: the commune's host and a CSRF cookie on every request,
    handled on the test's connection, in a savepoint (as a request runs in a transaction of its own)."""

    def __init__(self, shared_connection):
        super().__init__()
        self.shared_connection = shared_connection

    def __call__(self, environ, start_response):
        # schemathesis sends from a worker thread; Django's connections are per thread.
        connections["default"] = self.shared_connection
        assert self.shared_connection.in_atomic_block, "outside the test's transaction"
        environ["HTTP_HOST"] = CLISSON.host
        environ["HTTP_COOKIE"] = "; ".join(filter(None, [environ.get("HTTP_COOKIE"), f"csrftoken={CSRF_TOKEN}"]))
        with transaction.atomic():
            return super().__call__(environ, start_response)


@contextmanager
def commune_app() -> Iterator[CommuneApp]:
    # Thousands of refusals are the point of the run: Django would log each as a warning (errors still show).
    request_log = logging.getLogger("django.request")
    level, request_log.level = request_log.level, logging.ERROR
    # Django's test client does the same: the end of a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    shared = connections["default"]  # the connection itself (`django.db.connection` is a proxy to it)
    shared.inc_thread_sharing()
    try:
        yield CommuneApp(shared)
    finally:
        shared.dec_thread_sharing()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        request_log.level = level


@pytest.fixture(autouse=True)
def _in_process_transport_fixed(monkeypatch):
    """Two bugs of the in-process transport, not of the server (over HTTP, neither happens):

    - schemathesis 4.32's WSGI transport hands the network options (max_redirects, verify, cert) of the
      requests it re-sends without credentials (the `ignored_auth` check) to werkzeug, which refuses them;
    - werkzeug 3.1's multipart encoder leaves out the blank line after the headers of an empty part (an
      empty file, an empty text), so that Django reads no such part."""
    send = WSGITransport.send

    def in_process_send(self, case, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", in_process_send)
    send_event = MultipartEncoder.send_event

    def send_event_with_empty_parts(self, event):
        if isinstance(event, Data) and self.state == MultipartState.DATA_START and not event.data:
            self.state = MultipartState.DATA
            return b"\r\n"
        return send_event(self, event)

    monkeypatch.setattr(MultipartEncoder, "send_event", send_event_with_empty_parts)


@dataclass
class Run:
    statistic: Statistic
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    phases: Counter = field(default_factory=Counter)  # cases sent, by phase

    @property
    def failures(self) -> list[str]:
        """Each failure with the request that found it and the answer it got."""
        found = []
        for label, groups in sorted(self.statistic.failures.items()):
            for group in groups.values():
                titles = "; ".join(sorted({f"{f.title}: {f.message.splitlines()[0]}" for f in group.failures}))
                answer = group.response
                body = answer.content[:400].decode(errors="replace") if answer is not None else ""
                request = answer.request.body if answer is not None else None
                if isinstance(request, bytes):
                    request = request[:400].decode(errors="replace")
                status = getattr(answer, "status_code", "?")
                found.append(f"{label}: {titles}\n    sent {str(request)[:400]!r}\n    got {status} {body}")
        return found

    def summary(self) -> str:
        kinds = Counter(type(failure).kind_title for failure in self.statistic.unique_failures_map)
        phases = ", ".join(f"{n} {phase}" for phase, n in self.phases.items())
        return f"{self.statistic.total_cases} cases ({phases}) in {self.seconds:.1f} s; " + (
            ", ".join(f"{n} {kind}" for kind, n in kinds.most_common()) or "no failure"
        )


def contract_run(user, operations: str) -> Run:
    """schemathesis' whole run (its CLI's `st run`, every check and phase), as `user`, against Clisson's
    portal, on the operations whose path matches the regular expression `operations`."""
    session = signed_in(user, CLISSON.host).cookies[settings.SESSION_COOKIE_NAME].value
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "workers": 1,
            "cache": {"enabled": False},
            "headers": {"X-CSRFToken": CSRF_TOKEN},
            "auth": {"openapi": {"cookieAuth": {"api_key": session}}},
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none", "deterministic": True},
            "checks": {"enabled": True, "positive_data_acceptance": {"expected-statuses": ACCEPTABLE_REFUSALS}},
        }
    )
    with commune_app() as app:
        schema = schemathesis.openapi.from_wsgi("/api/schema/", app, config=config).include(path_regex=operations)
        run, started = Run(Statistic()), time.monotonic()
        stream = from_schema(schema).execute()
        for event in stream:
            if isinstance(event, events.ScenarioFinished):
                run.statistic.on_scenario_finished(event.recorder)
                run.phases[event.phase.value] += len(event.recorder.cases)
            elif isinstance(event, events.NonFatalError):
                run.errors.append(f"{event.label}: {event.info.title}: {event.info.message[:500]}")
            elif isinstance(event, events.FatalError):
                raise event.exception
            if not run.interrupted and time.monotonic() - started > TIME_LIMIT:
                run.interrupted = True
                stream.stop()  # the next event is the last one
        run.seconds = time.monotonic() - started
    assert threading.current_thread() is threading.main_thread()
    return run


def assert_holds(run: Run) -> None:
    print(run.summary())  # shown with -s: the figures of the run
    if run.interrupted:
        # A machine slow enough to need more than twice the usual time: what ran still counts, but say so.
        warnings.warn(f"the contract run stopped at its time limit ({TIME_LIMIT} s): {run.summary()}", stacklevel=2)
    assert not run.errors, "\n".join(run.errors)
    assert run.statistic.total_cases > 500, run.summary()
    assert not run.failures, f"{run.summary()}\n" + "\n".join(run.failures)


# ---------------------------------------------------------------------------------------------------------------
# What the users find in Clisson
# ---------------------------------------------------------------------------------------------------------------


def _catalogue() -> catalog.Service:
    year = SchoolYearFactory(name="2030-2031", start=date(2030, 9, 1), end=date(2031, 7, 5))
    service = ServiceFactory(name="Cantine du contrat", capacity=40)
    tariff = TariffFactory(service=service, valid_from=year.start, valid_to=year.end)
    bracket(tariff, 0, 700, "3.10")
    bracket(tariff, 701, None, "4.20")
    CutoffRuleFactory(service=service)
    catalog.AgeGroupCapacity.objects.create(service=service, label="Petits", max_age_months=72, capacity=8)
    catalog.CapacityOverride.objects.create(service=service, date=date(2030, 10, 1), capacity=10)
    catalog.CalendarException.objects.create(start=date(2030, 12, 24), end=date(2030, 12, 26), label="Fermeture")
    catalog.BookingWindow.objects.create(
        service=service, first_day=year.start, last_day=date(2030, 12, 20), opens_at=timezone.now()
    )
    return service


def _families(administrator) -> dict:
    """Household A with a child, a pick-up person, a document and a submitted dossier; household B shares
    A's child; every request waits for the mairie."""
    a, b = family("Famille Contrat"), family("Famille Partage")
    child = ChildFactory(household=a, first_name="Léa", last_name="Contrat")
    child_link(actor=administrator, child=child, household=b)
    PickupPersonFactory(child=child, household=a)
    DocumentFactory(household=a, file=f"{CLISSON.slug}/documents/contrat.pdf")
    year = catalog.SchoolYear.objects.get(name="2030-2031")
    dossier = Dossier.objects.create(child=child, school_year=year, status=Dossier.Status.SUBMITTED)
    requirement = DossierRequirement.objects.create(label="Règlement (contrat)", kind="acceptance")
    DossierItem.objects.create(dossier=dossier, requirement=requirement, answer=True)
    ChangeRequest.objects.create(
        household=a,
        kind=ChangeRequest.Kind.QF,
        payload={"qf": 640, "source": "caf", "valid_from": "2030-01-01", "valid_to": None},
    )
    return {"a": a, "b": b, "child": child}


def _reservations(service: catalog.Service, a, b, child) -> None:
    """Each household's pending enrolment of the child they share, a booking of each (B's late), a piece
    the service asks for at enrolment, and a day in A's basket."""
    year = catalog.SchoolYear.objects.get(name="2030-2031")
    for household in (a, b):
        Enrolment.objects.create(
            child=child, household=household, service=service, school_year=year, start=year.start, end=year.end
        )
    unit = service.units.get()
    Booking.objects.create(
        child=child, household=a, service=service, unit=unit, date=date(2030, 9, 2), state="confirmed", source="parent"
    )
    Booking.objects.create(
        child=child,
        household=b,
        service=service,
        unit=unit,
        date=date(2030, 9, 3),
        state="confirmed",
        source="counter",
        late_price="fixed",
        late_amount=Decimal("4.00"),
    )
    EnrolmentRequirement.objects.create(service=service, document_type=DocumentTypeFactory(name="Assurance (contrat)"))
    # A day of A's basket: the basket's operations have a recap to show, a day to take out, a basket to validate.
    BasketLine.objects.create(household=a, child=child, service=service, date=date(2030, 9, 4), units=[unit.code])


def _requests_and_days_off(service: catalog.Service, a, child) -> None:
    """A's request in a window allocating by draw, an absence of its child with a reason of the service's,
    a closure decided: the allocation's, the absences' and the closures' operations have records to read."""
    now = timezone.now()
    window = catalog.BookingWindow.objects.create(
        service=service,
        first_day=date(2031, 2, 3),
        last_day=date(2031, 2, 28),
        opens_at=now,
        requests_until=now + timedelta(days=10),
        allocation=catalog.BookingWindow.Allocation.DRAW,
    )
    unit = service.units.get()
    AllocationRequest.objects.create(window=window, household=a, child=child, date=date(2031, 2, 5), units=[unit.code])
    reason = catalog.AbsenceReason.objects.create(service=service, label="Maladie (contrat)", needs_proof=True)
    day = date(2030, 9, 2)  # A's booked day
    Absence.objects.create(child=child, household=a, service=service, reason=reason, first_day=day, last_day=day)
    Closure.objects.create(date=date(2030, 9, 3), cause=Closure.Cause.STRIKE, label="Grève (contrat)", service=service)


@pytest.fixture
def clisson_world(in_clisson):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    service = _catalogue()
    families = _families(administrator)
    _reservations(service, families["a"], families["b"], families["child"])
    _requests_and_days_off(service, families["a"], families["child"])
    return {"administrator": administrator, **families}


# ---------------------------------------------------------------------------------------------------------------
# The runs: each role on the operations it works with (who else is refused what is the access matrix's
# business: tests/test_access_matrix.py)
# ---------------------------------------------------------------------------------------------------------------

WRITES_SQL = (
    "SELECT schemaname, coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
    " WHERE schemaname = ANY(%s) GROUP BY schemaname"
)


def rows_written() -> dict[str, int]:
    """Rows inserted, updated or deleted in this transaction so far, by schema (PostgreSQL counts them)."""
    with connection.cursor() as cursor:
        cursor.execute(WRITES_SQL, [[get_public_schema_name(), CLISSON.slug, GORGES.slug]])
        return dict(cursor.fetchall())


def test_the_schema_holds_for_an_administrator_and_the_writes_stay_in_clisson(clisson_world):
    before = rows_written()

    run = contract_run(clisson_world["administrator"], operations=r"^/api/v1/(catalog|families/staff)/")

    assert_holds(run)
    after = rows_written()
    assert after[CLISSON.slug] > before[CLISSON.slug]  # the run did write the catalogue, in Clisson
    for schema in (GORGES.slug, get_public_schema_name()):
        assert after.get(schema, 0) == before.get(schema, 0), schema


def test_the_schema_holds_for_an_administrator_on_the_reservations(clisson_world):
    # A run of its own: with the catalogue's, one run would come close to its time limit.
    assert_holds(contract_run(clisson_world["administrator"], operations=r"^/api/v1/reservations/"))


def test_the_schema_holds_for_a_parent(clisson_world):
    parent = parent_of(clisson_world["a"])
    assert_holds(contract_run(parent, operations=r"^/api/v1/(families/(?!staff/)|reservations/)"))
