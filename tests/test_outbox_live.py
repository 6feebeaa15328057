"""Nothing is lost when Redis or the SMTP server is down, with every part real and in a process of its own.

A redis-server of the test's own, the portal served by `manage.py runserver` (Celery not eager, broker and
cache on that Redis, e-mail over SMTP), a `celery worker`, a `celery beat`, and an SMTP server that keeps
what it receives. A person signs up on Le Pallet's portal and another asks for a new password, over HTTP,
while Redis (then the SMTP server) is down; once it is back, each of the two e-mails arrives exactly once.

tests/test_outbox.py shows the same in one process; this is the acceptance test across processes.
"""

import email
import email.policy
import os
import re
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import requests
from django.conf import settings

from tests.e2e.conftest import _free_port, _maintenance, _wait_until_up
from tests.test_celery_worker import database_url

SLUG = "lepallet"  # a demo commune (tenants/demo.py), Le Pallet
PASSWORD = "Un-mot-de-passe-tout-neuf-42"
# The demo's relay runs every minute (config/settings.py, CELERY_BEAT_SCHEDULE). This beat is the real one,
# with the same entry every second instead: time runs faster, nothing else changes.
BEAT = (
    "import sys; from config.celery import app; "
    "app.conf.beat_schedule = {'outbox-relay': {**app.conf.beat_schedule['outbox-relay'], 'schedule': 1.0}}; "
    "app.start(['beat', *sys.argv[1:]])"
)


def wait_until(condition: Callable[[], object], what: str, timeout: float = 20) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"after {timeout} s, still not: {what}")


# --- The services, each a real server on a port of its own ----------------------------------------------------


class RedisServer:
    """A redis-server process that the test stops and starts again (on the same port: its clients' URL)."""

    def __init__(self, directory: Path) -> None:
        self.port, self.directory, self.process = _free_port(), directory, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        if self.process is not None:
            return
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
                *("--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        process = self.process
        wait_until(lambda: process.poll() is None and self.answers(), "Redis answers", timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None
        assert not self.answers()


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib (Django's SMTP backend): EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())

    def handle(self) -> None:
        self.reply("220 mailbox ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb, _, argument = line.decode("ascii", "replace").strip().partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.reply("250-mailbox", "250 8BITMIME")
            elif verb == "RCPT":
                recipients.append(argument.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data += chunk[1:] if chunk.startswith(b".") else chunk  # dot-stuffing
                self.server.mailbox.receive(recipients, bytes(data))
                recipients = []
                self.reply("250 OK: queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            elif verb in ("HELO", "MAIL", "RSET", "NOOP"):
                recipients = [] if verb in ("MAIL", "RSET") else recipients
                self.reply("250 OK")
            else:
                self.reply("502 Command not implemented")


class SMTPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True  # started again on the same port: the portal's EMAIL_URL
    daemon_threads = True


class Mailbox:
    """An SMTP server in a thread of the test, keeping every message it accepts; down until started."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.lock = threading.Lock()
        self.received: list[tuple[str, str]] = []  # (recipient, subject), one per recipient of each message
        self.server: SMTPServer | None = None

    def receive(self, recipients: list[str], data: bytes) -> None:
        subject = str(email.message_from_bytes(data, policy=email.policy.default)["Subject"]).strip()
        with self.lock:
            self.received += [(recipient, subject) for recipient in recipients]

    def clear(self) -> None:
        with self.lock:
            self.received = []

    def count(self) -> Counter:
        with self.lock:
            return Counter(self.received)

    def to(self, recipient: str) -> list[str]:
        with self.lock:
            return [subject for to, subject in self.received if to == recipient]

    def start(self) -> None:
        if self.server is None:
            self.server = SMTPServer(("127.0.0.1", self.port), SMTPHandler)
            self.server.mailbox = self
            threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- The portal, its worker and its beat, on a throwaway database loaded with the demo ---------------------------


@dataclass
class Portal:
    port: int
    database: str  # URL of the throwaway database
    redis: RedisServer
    mailbox: Mailbox
    logs: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def headers(self) -> dict[str, str]:
        # Python's resolver does not resolve *.localhost: the client names the commune's host itself.
        origin = f"http://{SLUG}.localhost:{self.port}"
        return {"Host": f"{SLUG}.localhost:{self.port}", "Origin": origin, "Referer": f"{origin}/"}

    def outbox(self, after: int) -> list[dict]:
        """The commune's outbox messages since message `after`, read from its schema."""
        with psycopg.connect(self.database, row_factory=psycopg.rows.dict_row) as conn:
            return conn.execute(
                f"SELECT id, task, attempts, last_error, done, next_attempt > now() AS backing_off "
                f"FROM {SLUG}.core_outboxmessage WHERE id > %s ORDER BY id",
                [after],
            ).fetchall()

    def last_message_id(self) -> int:
        with psycopg.connect(self.database) as conn:
            return conn.execute(f"SELECT coalesce(max(id), 0) FROM {SLUG}.core_outboxmessage").fetchone()[0]

    def time_passes(self, after: int) -> None:
        """Stands for the wait before the next relay (RELAY_GRACE, 1 minute; the retry backoff, 2 minutes):
        the waiting messages fall due now, and the beat relays them at its next tick."""
        with psycopg.connect(self.database, autocommit=True) as conn:
            conn.execute(
                f"UPDATE {SLUG}.core_outboxmessage SET next_attempt = now() WHERE done IS NULL AND id > %s", [after]
            )

    def relay_passes(self) -> int:
        """How many relay passes (sent by the beat) the worker has run so far."""
        log = (self.logs / "worker.log").read_text(errors="replace")
        return len(re.findall(r"Task core\.tasks\.relay_outbox_everywhere\[[^]]+\] succeeded", log))


@pytest.fixture(scope="module")
def redis(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture(scope="module")
def portal(redis, mailbox, tmp_path_factory) -> Iterator[Portal]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{settings.DATABASES['default']['TEST']['NAME']}_live_{worker}"  # DATABASE_TEST_NAME, then this
    url = urlsplit(database_url())._replace(path=f"/{name}").geturl()
    logs = tmp_path_factory.mktemp("logs")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": redis.url,
        "CELERY_BROKER_URL": redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_URL": f"smtp://127.0.0.1:{mailbox.port}",
        "PLATFORM_URL_PORT": str(port),
        "DJANGO_LOG_LEVEL": "INFO",
    }
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    # The demo's own e-mails (invitations, decisions) are sent and done before the test starts.
    loading = {**env, "CELERY_TASK_ALWAYS_EAGER": "1", "EMAIL_URL": "dummymail://"}
    celery = [sys.executable, "-m", "celery"]
    processes: list[subprocess.Popen] = []

    def start(log: str, command: list[str]) -> subprocess.Popen:
        with open(logs / log, "wb") as output:
            process = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=output, stderr=output)
        processes.append(process)
        return process

    def ready(log: str, process: subprocess.Popen, needle: str) -> Callable[[], bool]:
        def check() -> bool:
            assert process.poll() is None, f"{log} stopped:\n{(logs / log).read_text(errors='replace')}"
            return needle in (logs / log).read_text(errors="replace")

        return check

    _maintenance(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _maintenance(url, f'CREATE DATABASE "{name}"')
    try:
        for command in (["migrate_schemas", "--noinput", "-v", "0"], ["load_demo"]):
            done = subprocess.run(manage + command, env=loading, cwd=settings.BASE_DIR, capture_output=True)
            assert done.returncode == 0, f"{command[0]} failed:\n{done.stderr.decode(errors='replace')}"
        server = start("server.log", [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"])
        worker_process = start(
            "worker.log",
            [
                *(*celery, "-A", "config", "worker", "--pool=solo", "-l", "INFO", "-n", f"live-{uuid.uuid4().hex}@%h"),
                *("--without-mingle", "--without-gossip", "--without-heartbeat"),  # starts faster, alone on its Redis
            ],
        )
        beat = start(
            "beat.log",
            [sys.executable, "-c", BEAT, "-l", "INFO", "-s", str(logs / "beat-schedule"), "--max-interval", "1"],
        )
        _wait_until_up(port, server)
        wait_until(ready("worker.log", worker_process, " ready."), "the worker is ready")
        wait_until(ready("beat.log", beat, "beat: Starting"), "the beat is started")
        yield Portal(port=port, database=url, redis=redis, mailbox=mailbox, logs=logs)
    finally:
        for process in processes:
            stop_process(process)
        _maintenance(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- What a person does in a browser, over HTTP ---------------------------------------------------------------


def submit(portal: Portal, path: str, data: dict[str, str]) -> requests.Response:
    """Open the form at `path`, post it with its CSRF token, follow the redirect: the page the person sees."""
    with requests.Session() as browser:
        form = browser.get(portal.url(path), headers=portal.headers, timeout=30)
        assert form.status_code == 200, form.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
        answer = browser.post(
            portal.url(path), data={**data, "csrfmiddlewaretoken": token}, headers=portal.headers, timeout=30
        )
    assert [r.status_code for r in answer.history] == [302], answer.text  # the form was accepted...
    assert answer.status_code == 200, answer.text  # ...and the next page answers
    # ...at once: the relay after the commit tries the broker once, it does not wait for it.
    took = answer.history[0].elapsed.total_seconds()
    assert took < 3, f"POST {path} took {took:.1f} s"
    return answer


def sign_up_and_reset(portal: Portal, new_address: str, parent: str) -> None:
    submit(portal, "/compte/signup/", {"email": new_address, "password1": PASSWORD, "password2": PASSWORD})
    submit(portal, "/compte/password/reset/", {"email": parent})


def assert_each_sent_once(portal: Portal, new_address: str, parent: str, after: int, attempts: int) -> None:
    """Both e-mails arrive; then, after more relay passes, neither arrives a second time."""
    mailbox = portal.mailbox
    wait_until(lambda: mailbox.to(new_address) and mailbox.to(parent), "both e-mails received")
    passes = portal.relay_passes()
    wait_until(lambda: portal.relay_passes() >= passes + 2, "two more relay passes", timeout=10)
    time.sleep(1)  # the relays and runs these passes queued are done by now (the worker takes them in order)

    received = mailbox.count()
    assert len(mailbox.to(new_address)) == len(mailbox.to(parent)) == 1, f"not once each: {received}"
    [signup], [reset] = mailbox.to(new_address), mailbox.to(parent)
    assert received == Counter({(new_address, signup): 1, (parent, reset): 1}) and signup != reset  # nothing else
    # One outbox message per e-mail, each run `attempts` times and done.
    assert [(m["attempts"], m["done"] is not None) for m in portal.outbox(after)] == [(attempts, True)] * 2


# --- The tests ------------------------------------------------------------------------------------------------


def test_with_redis_stopped_the_pages_answer_and_each_email_goes_out_once_redis_is_back(portal):
    new_address, parent = f"famille-{uuid.uuid4().hex[:8]}@example.test", f"parent@{SLUG}.test"
    portal.mailbox.clear()
    portal.mailbox.start()
    portal.redis.start()
    after = portal.last_message_id()

    portal.redis.stop()
    try:
        sign_up_and_reset(portal, new_address, parent)
        # Committed with the sign-up and the reset; the relay after the commit found no broker.
        waiting = portal.outbox(after)
        assert [(m["attempts"], m["done"]) for m in waiting] == [(0, None)] * 2  # one per e-mail, not run yet
        assert all(m["backing_off"] for m in waiting)  # for the periodic relay, once RELAY_GRACE is over
    finally:
        portal.redis.start()
    assert portal.mailbox.count() == Counter()

    portal.time_passes(after)
    assert_each_sent_once(portal, new_address, parent, after, attempts=1)


def test_with_the_smtp_server_down_each_email_is_retried_then_goes_out_once(portal):
    new_address, parent = f"famille-{uuid.uuid4().hex[:8]}@example.test", f"parent2@{SLUG}.test"
    portal.redis.start()
    portal.mailbox.clear()
    portal.mailbox.stop()  # nothing listens on its port
    after = portal.last_message_id()

    sign_up_and_reset(portal, new_address, parent)
    # The worker ran both at once (the broker is up): each attempt failed, was recorded, and waits its backoff.
    failed = wait_until(
        lambda: len(messages := portal.outbox(after)) == 2 and all(m["attempts"] for m in messages) and messages,
        "both attempts failed and recorded",
    )
    for message in failed:
        assert (message["attempts"], message["done"], message["backing_off"]) == (1, None, True)
        assert "Connection refused" in message["last_error"], message["last_error"]

    portal.mailbox.start()
    passes = portal.relay_passes()
    wait_until(lambda: portal.relay_passes() >= passes + 2, "two more relay passes", timeout=10)
    assert portal.mailbox.count() == Counter()  # no retry before the backoff is over
    assert [m["attempts"] for m in portal.outbox(after)] == [1, 1]

    portal.time_passes(after)
    assert_each_sent_once(portal, new_address, parent, after, attempts=2)
