"""The opening-morning rush: N parents at once sign in, load their week's planning and validate a basket of
that week (a Wednesday of 40 places and the périscolaire's mornings and evenings), against the production
server (gunicorn, settings as in production: DEBUG off, a secret key, behind a proxy that passes the
client's address) on loopback, with a commune of 2,000 families; then, with the same sessions and the same
concurrency, a trivial authenticated endpoint of the same server, the baseline of the last line's ratio.

Every client is a browser of its own (a keep-alive session, its own address in X-Forwarded-For as the proxy
sends it: login rate limits count per address). The steps run one after the other for all clients
(everyone signs in, then everyone loads the planning, then everyone fills and validates the basket): each
step's latencies are its own, and the basket's throughput is not diluted by the logins' password hashing.
Errors are 5xx answers and timeouts; "full" is a normal answer (the recap says why a day was not booked).
Overbooked days are counted afterwards with one SQL query over the bookings against the capacities.

It works in a throwaway database next to the configured one (dropped at start and at the end).

    .venv/bin/python bench/booking_rush.py [--clients 200] [--families 2000] [--workers 2*CPUs+1]
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin

from common import ROOT, configure_environment, fresh_database, print_machine

BENCH_DB = "portail_bench_rush"
SLUG = "bench"
PASSWORD = "rush-bench-password-42"
PLACES = 40  # the Wednesday's
TIMEOUT = 30  # seconds: a client waiting longer counts an error
BASELINE_PATH = "/api/v1/families/household"  # signed in, one household read: the cheapest page of a parent
BASELINE_REPEAT = 5  # requests per client
API_BASKET = "/api/v1/reservations/basket"


# ---------------------------------------------------------------------------------------------------------------
# The commune (not timed)
# ---------------------------------------------------------------------------------------------------------------


def setup_commune(families: int) -> date:
    """A commune with a Wednesday leisure centre of PLACES places and a périscolaire, `families` validated
    households each with a parent account (one shared Argon2 hash, computed once) and a validated child
    enrolled in both (validated, no typical week), its dossier of the year validated. Returns the Monday of
    the week the clients book."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from accounts.models import User
    from catalog import engine
    from catalog.models import CutoffRule, SchoolYear, Service, ServiceUnit, Site, Tariff, TariffBracket
    from catalog.selectors import catalog_snapshot, services_with_rules
    from core.roles import Role
    from families.models import Child, ChildHousehold, Decision, Dossier, Guardian, Household
    from reservations.models import Enrolment
    from tenants.services import commune_onboard

    commune_onboard(name="Bench", slug=SLUG, insee_code="44999", admin_email=f"mairie@{SLUG}.example.org")
    with schema_context(SLUG):
        today = timezone.localdate()
        first = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
        year = SchoolYear.objects.filter(start__lte=today, end__gte=today).first()
        year = year or SchoolYear.objects.create(
            name=f"{first.year}-{first.year + 1}", start=first, end=date(first.year + 1, 8, 31)
        )
        site = Site.objects.create(name="École")

        def service(name, code, kind, unit, weekdays, capacity, units, price):
            created = Service.objects.create(
                name=name, code=code, kind=kind, site=site, unit=unit, weekdays=weekdays, capacity=capacity
            )
            for position, unit_code in enumerate(units):
                row = ServiceUnit.objects.create(
                    service=created, code=unit_code, name=unit_code, duration_hours=2, position=position
                )
                tariff = Tariff.objects.create(service=created, unit=row, valid_from=year.start, valid_to=year.end)
                TariffBracket.objects.create(tariff=tariff, qf_min=0, qf_max=None, price=price)
            CutoffRule.objects.create(service=created, direction="booking", amount=2, unit="working_days")
            return created

        wednesday = service("Mercredis", "mercredis", "wednesday_centre", "day", [2], PLACES, ["journee"], "12.00")
        care = service(
            "Périscolaire", "periscolaire", "morning_care", "session", [0, 1, 3, 4], None, ["matin", "soir"], "2.00"
        )

        # The week: the first one at least a week ahead whose Wednesday and school days are open.
        rules = list(services_with_rules().filter(pk__in=[wednesday.pk, care.pk]))
        snapshot = catalog_snapshot(services=rules, start=today, end=year.end)
        monday = today + timedelta(days=7 + (7 - today.weekday()) % 7)
        while not all(
            engine.is_open(snapshot, s, monday + timedelta(days=d))
            for s in rules
            for d in (0, 1, 2, 3, 4)
            if d in s.weekdays
        ):
            monday += timedelta(days=7)
            if monday > year.end:
                sys.exit("No week of the school year has its Wednesday and its school days open.")

        password = make_password(PASSWORD)  # one Argon2 hash for everyone: setup stays fast
        users = User.objects.bulk_create(
            [
                User(email=f"parent{i}@{SLUG}.example.org", first_name="Parent", role=Role.PARENT, password=password)
                for i in range(families)
            ]
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users]
        )
        households = Household.objects.bulk_create(
            [
                Household(
                    name=f"Famille {i}",
                    address="1 rue de l'École",
                    postcode="44330",
                    city="Bench",
                    status=Decision.VALIDATED,
                )
                for i in range(families)
            ]
        )
        Guardian.objects.bulk_create(
            [
                Guardian(
                    household=h, user=u, first_name="Parent", last_name=f"B{i}", phone="06 12 34 56 78", email=u.email
                )
                for i, (h, u) in enumerate(zip(households, users, strict=True))
            ]
        )
        kids = Child.objects.bulk_create(
            [
                Child(first_name=f"E{i}", last_name="B", birth_date=date(2018, 1, 1), status=Decision.VALIDATED)
                for i in range(families)
            ]
        )
        ChildHousehold.objects.bulk_create(
            [ChildHousehold(child=c, household=h) for c, h in zip(kids, households, strict=True)]
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    child=c,
                    household=h,
                    service=s,
                    school_year=year,
                    start=year.start,
                    end=year.end,
                    status=Decision.VALIDATED,
                    week={},
                )
                for c, h in zip(kids, households, strict=True)
                for s in (wednesday, care)
            ]
        )
        Dossier.objects.bulk_create(  # booking needs the child's dossier of the year validated
            [Dossier(child=c, school_year=year, status=Dossier.Status.VALIDATED) for c in kids]
        )
    return monday


# ---------------------------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, log, var: str) -> subprocess.Popen:
    """The Dockerfile's command (config.wsgi, access log on stdout), on loopback, in production's settings
    (DEBUG off, a key of its own, DJANGO_BEHIND_PROXY as behind the TLS proxy of a deployment), its static
    files collected first as the image's build does (into `var`, not the project's var/)."""
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    if not gunicorn.exists():
        sys.exit(f"{gunicorn} is missing: install the dev lock (requirements.lock pins gunicorn).")
    env = {
        **os.environ,  # DATABASE_URL, DJANGO_DEBUG=0, the in-memory broker: configure_environment's
        "DJANGO_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
        "DJANGO_BEHIND_PROXY": "1",
        "PLATFORM_URL_PORT": str(port),
        "CACHE_KEY_PREFIX": f"bench-rush-{uuid.uuid4().hex}",  # the cache shares Redis with nothing else's keys
        "EMAIL_URL": "dummymail://",  # the recap e-mails are built, not sent anywhere
        "WEB_CONCURRENCY": str(workers),
        "DJANGO_STATIC_ROOT": f"{var}/static",
        "DJANGO_MEDIA_ROOT": f"{var}/media",
    }
    manage = [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)
    command = [str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--access-logfile", "-"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            sys.exit(f"gunicorn stopped during start-up:\n{log.read()[-3000:]}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"})
            with urllib.request.urlopen(request, timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 s")


# ---------------------------------------------------------------------------------------------------------------
# The clients
# ---------------------------------------------------------------------------------------------------------------


class Page(HTMLParser):
    """The forms (method, action, fields, submit buttons' texts) and links of a page."""

    def __init__(self, text: str):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[tuple[str, str]] = []
        self._link: list | None = None
        self._button: dict | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (a.get("method") or "get").lower(),
                    "action": a.get("action") or "",
                    "inputs": [],
                    "buttons": [],
                }
            )
        elif tag == "input" and self.forms:
            if a.get("type") in ("submit", "image"):
                self.forms[-1]["buttons"].append(a.get("value") or "")
            else:
                self.forms[-1]["inputs"].append(a)
        elif tag == "button" and self.forms:
            self._button = {"text": "", **a}
        elif tag == "a" and a.get("href"):
            self._link = [a["href"], ""]

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data
        if self._link is not None:
            self._link[1] += data

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            if self._button.get("type", "submit") == "submit":
                self.forms[-1]["buttons"].append(self._button["text"].strip())
                if self._button.get("name"):
                    self.forms[-1]["inputs"].append(
                        {"name": self._button["name"], "value": self._button.get("value", ""), "type": "hidden"}
                    )
            self._button = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None


class Failure(Exception):
    """A client's step did not get what a browser would (a 4xx, a missing form): counted apart from errors."""


class ServerError(Exception):
    """A 5xx, a timeout, a refused connection: the errors of the target."""


@dataclass
class Client:
    n: int
    base: str
    host: str
    session: object = None
    csrf: str = ""
    planning: Page | None = None
    planning_url: str = ""
    basket_url: str = ""

    def __post_init__(self):
        import requests

        self.session = requests.Session()
        # Python does not resolve *.localhost: connect to loopback and name the commune in Host. Each parent
        # comes from an address of its own, as the proxy passes it (login rate limits count per address).
        self.session.headers.update(
            {
                "Host": self.host,
                "X-Forwarded-For": f"10.{self.n // 65536 % 256}.{self.n // 256 % 256}.{self.n % 256}",
                "X-Forwarded-Proto": "http",
            }
        )

    def _call(self, method: str, path: str, **kwargs):
        import requests

        try:
            answer = self.session.request(
                method, urljoin(self.base, path), timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            raise ServerError(f"{method} {path}: {type(exc).__name__}") from exc
        if answer.status_code >= 500:
            raise ServerError(f"{method} {path}: {answer.status_code}")
        if answer.status_code == 404:
            raise Failure(f"{method} {path}: 404, route not found")
        if answer.status_code >= 400:
            raise Failure(f"{method} {path}: {answer.status_code} {answer.text[:200]!r}")
        return answer

    def login(self) -> None:
        self._call("GET", "/compte/login/")
        form = {
            "login": f"parent{self.n}@{SLUG}.example.org",
            "password": PASSWORD,
            "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", ""),
        }
        answer = self._call("POST", "/compte/login/", data=form)
        if answer.status_code != 302 or "sessionid" not in self.session.cookies:
            raise Failure(f"login refused: {answer.status_code} {answer.text[:200]!r}")
        self.csrf = self.session.cookies["csrftoken"]

    def load_planning(self, monday: date) -> None:
        self.planning_url = f"/famille/planning/?vue=semaine&du={monday.isoformat()}"
        answer = self._call("GET", self.planning_url)
        if answer.status_code != 200:
            raise Failure(f"planning: {answer.status_code} to {answer.headers.get('Location')}")
        self.planning = Page(answer.text)
        links = [href for href, text in self.planning.links if "panier" in text.lower()]
        self.basket_url = links[0] if links else ""

    def fill_basket(self) -> None:
        """Tick every open box of the week (the Wednesday and the périscolaire's days) and post it."""
        form = next(
            (
                f
                for f in self.planning.forms
                if f["method"] == "post" and any(i.get("name") == "jour" for i in f["inputs"])
            ),
            None,
        )
        if form is None:
            raise Failure("the planning page has no form of days (no validated enrolment shown?)")
        data = [
            (i["name"], i.get("value", "")) for i in form["inputs"] if i.get("name") and i.get("type") != "checkbox"
        ]
        data += [("u", i["value"]) for i in form["inputs"] if i.get("name") == "u" and "disabled" not in i]
        answer = self._call("POST", form["action"] or self.planning_url, data=data)
        if answer.status_code != 302:
            raise Failure(f"planning post: {answer.status_code} (a redirect back to the planning expected)")

    def validate_basket(self) -> None:
        """The recap, then the validation: through the basket page when the planning links to one (its form
        posted), else through the API (GET the basket, POST its validation with X-CSRFToken)."""
        if not self.basket_url:
            json = {"Accept": "application/json", "X-CSRFToken": self.csrf}
            self._call("GET", API_BASKET, headers=json)
            self._call("POST", f"{API_BASKET}/validation", headers=json)
            return
        answer = self._call("GET", self.basket_url)
        page = Page(answer.text)
        forms = [
            f
            for f in page.forms
            if f["method"] == "post"
            and (re.search("valid", f["action"], re.I) or any(re.search("valider", b, re.I) for b in f["buttons"]))
        ]
        if not forms:
            raise Failure(f"route not found: no validation form on the basket page {self.basket_url}")
        form = forms[-1]
        data = [
            (i["name"], i.get("value", ""))
            for i in form["inputs"]
            if i.get("name") and (i.get("type") != "checkbox" or "checked" in i)
        ]
        self._call("POST", urljoin(self.basket_url, form["action"]) if form["action"] else self.basket_url, data=data)

    def baseline(self) -> None:
        self._call("GET", BASELINE_PATH, headers={"Accept": "application/json"})


@dataclass
class Step:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    wall: float = 0.0
    done: int = 0

    def line(self) -> str:
        if self.latencies:
            cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
            timing = f"p50 {statistics.median(self.latencies) * 1000:6.0f} ms  p95 {cuts[94] * 1000:6.0f} ms"
        else:
            timing = "no answer"
        return (
            f"{self.name:<22} {self.done:5d} ok in {self.wall:6.2f} s ({self.done / self.wall:7.1f}/s)  {timing}  "
            f"errors {sum(self.errors.values())}  other failures {sum(self.failures.values())}"
        )


def run_step(name: str, clients: list[Client], action, lock: threading.Lock) -> tuple[Step, list[Client]]:
    """`action` for every client at once (one thread each); the clients that went through."""
    step, passed = Step(name), []

    def one(client: Client) -> None:
        began = time.perf_counter()
        try:
            action(client)
        except ServerError as exc:
            with lock:
                step.errors[str(exc)] += 1
            return
        except Failure as exc:
            with lock:
                step.failures[str(exc)] += 1
            return
        elapsed = time.perf_counter() - began
        with lock:
            step.latencies.append(elapsed)
            step.done += 1
            passed.append(client)

    with ThreadPoolExecutor(max_workers=max(1, len(clients))) as pool:
        began = time.perf_counter()
        list(pool.map(one, clients))
        step.wall = time.perf_counter() - began
    return step, sorted(passed, key=lambda c: c.n)


# ---------------------------------------------------------------------------------------------------------------
# After the run
# ---------------------------------------------------------------------------------------------------------------


def read_results(monday: date) -> dict:
    from django.db import connection
    from django_tenants.utils import schema_context

    from reservations.models import BasketLine, Booking

    holding = [str(s) for s in Booking.HOLDING]
    with schema_context(SLUG), connection.cursor() as cursor:
        # Overbooked: children holding a place per service day, against the day's capacity (its override first).
        cursor.execute(
            """
            SELECT count(*) FROM (
                SELECT b.service_id, b.date, count(DISTINCT b.child_id) AS taken,
                       coalesce(max(o.capacity), max(s.capacity)) AS places
                FROM reservations_booking b
                JOIN catalog_service s ON s.id = b.service_id
                LEFT JOIN catalog_capacityoverride o ON o.service_id = b.service_id AND o.date = b.date
                WHERE b.state = ANY(%s)
                GROUP BY b.service_id, b.date
            ) days WHERE places IS NOT NULL AND taken > places
            """,
            [holding],
        )
        overbooked = cursor.fetchone()[0]
        bookings = Booking.objects.filter(state__in=holding).count()
        wednesday = Booking.objects.filter(
            state__in=holding, service__code="mercredis", date=monday + timedelta(days=2)
        ).count()
        left_in_baskets = BasketLine.objects.count()
    return {"overbooked": overbooked, "bookings": bookings, "wednesday": wednesday, "left_in_baskets": left_in_baskets}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers (default 2 × CPUs + 1)"
    )
    options = parser.parse_args()
    if not 1 <= options.clients <= options.families:
        parser.error("--clients must be between 1 and --families")
    configure_environment(BENCH_DB)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    print_machine()
    with fresh_database(BENCH_DB), tempfile.TemporaryFile("w+") as log, tempfile.TemporaryDirectory() as var:
        began = time.perf_counter()
        monday = setup_commune(options.families)
        connections.close_all()
        print(
            f"Setup: {options.families} families in {time.perf_counter() - began:.1f} s; week of {monday:%d/%m/%Y} "
            f"(Wednesday {PLACES} places); hasher {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}"
        )
        port = free_port()
        server = start_gunicorn(port, options.workers, log, var)
        try:
            print(f"gunicorn: {options.workers} sync workers on 127.0.0.1:{port}, {options.clients} clients")
            base, host = f"http://127.0.0.1:{port}", f"{SLUG}.localhost:{port}"
            clients = [Client(n, base, host) for n in range(options.clients)]
            lock = threading.Lock()
            steps = []
            step, clients = run_step("login", clients, Client.login, lock)
            steps.append(step)
            step, clients = run_step("planning (week)", clients, lambda c: c.load_planning(monday), lock)
            steps.append(step)
            basket_step = Step("basket: ticks+recap+ok")
            parts = defaultdict(list)

            def basket(client: Client) -> None:
                for part, action in (
                    ("basket: ticks posted", client.fill_basket),
                    ("basket: validated", client.validate_basket),
                ):
                    start = time.perf_counter()
                    action()
                    with lock:
                        parts[part].append(time.perf_counter() - start)

            basket_step, with_basket = run_step(basket_step.name, clients, basket, lock)
            page = clients[0].basket_url if clients else ""
            through = page or f"the API: GET {API_BASKET}, POST {API_BASKET}/validation"
            steps.append(basket_step)
            baseline, _ = run_step(
                f"baseline ×{BASELINE_REPEAT}", clients, lambda c: [c.baseline() for _ in range(BASELINE_REPEAT)], lock
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        results = read_results(monday)
        log.seek(0)
        server_log = log.read()

    for step in steps:
        print(step.line())
    print(f"  basket ticked on the planning page (POST), recap and validation through {through}")
    for part, latencies in parts.items():
        cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 100
        print(f"  {part:<20} p50 {statistics.median(latencies) * 1000:6.0f} ms  p95 {cuts[94] * 1000:6.0f} ms")
    requests_done = baseline.done * BASELINE_REPEAT
    baseline_rate = requests_done / baseline.wall
    print(
        f"baseline GET {BASELINE_PATH}: {requests_done} answers in {baseline.wall:.2f} s ({baseline_rate:.1f}/s), "
        f"errors {sum(baseline.errors.values())}, other failures {sum(baseline.failures.values())}"
    )
    for step in [*steps, baseline]:
        for message, n in (step.errors + step.failures).most_common(3):
            print(f"  {step.name}: {n} × {message}")
    if "Traceback" in server_log:
        print("server log, last traceback:\n" + server_log[server_log.rindex("Traceback") :][:2000])
    baskets_rate = basket_step.done / basket_step.wall if basket_step.wall else 0.0
    errors = sum(sum(s.errors.values()) for s in [*steps, baseline])
    p95 = max(
        (statistics.quantiles(s.latencies, n=100, method="inclusive")[94] for s in steps if len(s.latencies) > 1),
        default=0,
    )
    print(
        f"baskets: {basket_step.done}/{options.clients} validated, {baskets_rate:.1f} baskets/s, "
        f"{results['bookings'] / basket_step.wall:.1f} bookings/s ({results['bookings']} bookings); "
        f"Wednesday {results['wednesday']}/{PLACES} places taken, "
        f"{len(with_basket) - results['wednesday']} families told full"
    )
    print(
        f"errors (5xx, timeouts): {errors}; overbooked days: {results['overbooked']}; "
        f"lines left in baskets: {results['left_in_baskets']}"
    )
    print(f"worst p95 of a step: {p95 * 1000:.0f} ms (target ≤ 1000 ms; 0 errors, 0 overbooked)")
    ratio = baskets_rate / baseline_rate if baseline_rate else 0.0
    print(
        f"ratio of basket throughput to {BASELINE_PATH}'s: "
        f"{baskets_rate:.1f}/{baseline_rate:.1f} = {ratio:.2f} (target ≥ 0.5)"
    )


if __name__ == "__main__":
    main()
