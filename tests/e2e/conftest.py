"""End-to-end tests: a real server on a database of its own, driven by headless Chromium.

The server runs as a separate process (as in production), on a throwaway
database loaded with the demo communes, so nothing it writes can leak into
the other tests' database. Celery runs eagerly inside the server and e-mails
land as files, which tests read like a mailbox.
"""

import email
import email.policy
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from tests.test_celery_worker import database_url

CHROMIUM = "/usr/bin/chromium"
# What Chromium refused under the Content-Security-Policy (config/settings.py), from every context of the run.
CSP_VIOLATIONS: list[str] = []


@dataclass(frozen=True)
class Portal:
    port: int
    mailbox: Path
    env: dict[str, str] = field(repr=False, compare=False)  # the server's environment (its database)

    def url(self, slug: str, path: str = "/") -> str:
        host = f"{slug}.localhost" if slug else "localhost"
        return f"http://{host}:{self.port}{path}"

    def manage(self, *command: str) -> None:
        """A manage.py command on the server's database, for what no page does (a superuser of the admin)."""
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        subprocess.run([*manage, *command], env=self.env, cwd=settings.BASE_DIR, check=True, capture_output=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _maintenance(url: str, statement: str) -> None:
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(statement)


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the e2e server stopped during start-up")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"})
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the e2e server did not answer in time")


@pytest.fixture(scope="session")
def portal(tmp_path_factory) -> Iterator[Portal]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    # Named after the test database (DATABASE_TEST_NAME), which is what keeps runs apart: the development
    # database's name, which NAME still is when no test before this one asked for a database, is every run's.
    name = f"{settings.DATABASES['default']['TEST']['NAME']}_e2e_{worker}"
    url = urlsplit(database_url())._replace(path=f"/{name}").geturl()
    mailbox = tmp_path_factory.mktemp("mailbox")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "1",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "EMAIL_URL": f"filemail:///{mailbox}",
        "PLATFORM_URL_PORT": str(port),
        # Rate-limit counters of an earlier run (same e-mail, same Redis) must not refuse this one's.
        "CACHE_KEY_PREFIX": f"e2e-{uuid.uuid4().hex}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    _maintenance(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _maintenance(url, f'CREATE DATABASE "{name}"')
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    for command in (["migrate_schemas", "--noinput", "-v", "0"], ["load_demo"]):
        subprocess.run(manage + command, env=env, cwd=settings.BASE_DIR, check=True, capture_output=True)
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(port, server)
        yield Portal(port=port, mailbox=mailbox, env=env)
    finally:
        server.terminate()
        server.wait(timeout=30)
        _maintenance(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: Playwright's sync API runs an event loop in this thread while it is open,
    # and Django refuses database calls under a running loop (in the tests that follow).
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        # Every context the tests open (the page fixture's, the audits', a second person's) reports violations.
        new_context = browser.new_context
        browser.new_context = lambda *args, **kwargs: _record_csp_violations(new_context(*args, **kwargs))
        yield browser
        browser.close()


def _record_csp_violations(context: BrowserContext) -> BrowserContext:
    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            CSP_VIOLATIONS.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.on("console", on_console)
    return context


@pytest.fixture(autouse=True)
def _no_csp_violation() -> Iterator[None]:
    """A test fails if the browser refused a script, a style or anything else under the CSP of our pages."""
    seen = len(CSP_VIOLATIONS)
    yield  # torn down after the test's browser contexts are closed, which delivers their last messages
    assert CSP_VIOLATIONS[seen:] == [], "Content-Security-Policy violations:\n" + "\n".join(CSP_VIOLATIONS[seen:])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def page(browser: Browser, request) -> Iterator[Page]:
    yield from _page(browser, request)


@pytest.fixture
def page_without_js(browser: Browser, request) -> Iterator[Page]:
    """A browser with JavaScript turned off: every page must work with plain forms and links."""
    yield from _page(browser, request, java_script_enabled=False)


def _page(browser: Browser, request, **options) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    yield page
    if getattr(request.node, "e2e_failed", False):
        # What the browser showed when the test failed, for CI logs and for people.
        shot = settings.BASE_DIR / "var" / "log" / "e2e" / f"{request.node.name}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shot, full_page=True)
        print(f"e2e failure at {page.url}; screenshot: {shot}")
    context.close()


def read_mailbox(portal: Portal, to: str | None = None) -> list[tuple[str, str]]:
    """Every e-mail the server sent (to `to` only, when given), as (subject, body) in plain text."""
    messages = []
    for path in sorted(portal.mailbox.glob("*.log")):
        for raw in path.read_bytes().split(b"-" * 79):
            if raw.strip():
                message = email.message_from_bytes(raw.strip(), policy=email.policy.default)
                if to is not None and to not in str(message["To"]):
                    continue
                text = message.get_body(preferencelist=("plain",))  # every e-mail also has a branded HTML part
                messages.append((str(message["Subject"]).strip(), text.get_content()))
    return messages


def log_in(page: Page, portal: Portal, slug: str, email: str, password: str = "demo-portail-famille") -> None:
    page.goto(portal.url(slug, "/compte/login/"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    # The page the login leads to: a pattern of the commune's address alone matches the login page itself,
    # and returns at once, while the answer that signs in is still on its way.
    page.wait_for_url(lambda url: url.startswith(portal.url(slug, "/")) and urlsplit(url).path != "/compte/login/")
