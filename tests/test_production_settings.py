"""What production gets from config/settings.py: a refusal without a secret key, the CSP, HSTS and secure cookies.

Settings are read from the environment once, at import: the environment-dependent ones are read in a
`python` subprocess started with the production environment (DEBUG off, a key, https behind the proxy),
and the headers are checked here with those same values applied through the `settings` fixture.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from conftest import CLISSON, host_client
from tests.factories import PASSWORD, UserFactory

# Every directive, exactly: our pages load nothing from another origin and run no inline script.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_hex(32),
    "PLATFORM_DOMAIN": "portail-famille.fr",
    "PLATFORM_URL_SCHEME": "https",
    "PLATFORM_URL_PORT": "443",
    "DJANGO_BEHIND_PROXY": "1",
}
LOCAL = {"DJANGO_DEBUG": "1"}  # what `make run` sets, over plain http
HTTPS_SETTINGS = (
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
)
# Settings a developer's shell may hold, which would change what the subprocesses read.
OVERRIDES = (
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_SECURE_COOKIES",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_BEHIND_PROXY",
    "PLATFORM_URL_SCHEME",
    "PLATFORM_URL_PORT",
    "PLATFORM_DOMAIN",
)
SECRET_KEY_MESSAGE = "DJANGO_SECRET_KEY n'est pas défini"


def run(command: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    """`command` with the production settings module, in `environment` over a clean copy of this one."""
    env = {key: value for key, value in os.environ.items() if key not in OVERRIDES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **environment)
    return subprocess.run(command, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120)


def manage(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", *arguments], environment)


def settings_under(environment: dict[str, str]) -> dict:
    """The HTTPS-related settings as a process started in `environment` reads them."""
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {HTTPS_SETTINGS!r}}}))"
    )
    result = run([sys.executable, "-c", script], environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


# --- No start without a secret key of its own ---------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["manage.py", "check"], id="manage.py check"),
        pytest.param(["-c", "import config.wsgi"], id="gunicorn's config.wsgi"),
        pytest.param(["-c", "from config.celery import app; app.conf.broker_url"], id="celery's config"),
    ],
)
def test_nothing_starts_with_debug_off_and_no_secret_key(command):
    result = run([sys.executable, *command], {"DJANGO_DEBUG": "0"})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert SECRET_KEY_MESSAGE in result.stderr
    assert "Définissez DJANGO_SECRET_KEY" in result.stderr


def test_the_built_in_key_is_refused_even_when_set_explicitly():
    result = manage(
        "check", environment={"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "insecure-local-development-key-change-me"}
    )

    assert result.returncode != 0
    assert SECRET_KEY_MESSAGE in result.stderr


def test_a_debug_server_starts_with_the_built_in_key():
    result = manage("check", environment=LOCAL)

    assert result.returncode == 0, result.stderr


def test_the_production_environment_passes_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", environment=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- HTTPS: HSTS, secure cookies, the redirect -----------------------------------------------------------


@pytest.fixture(scope="module")
def production_https_settings() -> dict:
    return settings_under(PRODUCTION)


def test_https_settings_of_production(production_https_settings):
    assert production_https_settings == {
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,  # every commune is a subdomain of the platform's domain
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_SSL_REDIRECT": True,  # behind the proxy only: its X-Forwarded-Proto says what was https
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
    }


def test_local_http_keeps_plain_cookies_and_no_hsts():
    local = settings_under(LOCAL)

    assert local["SECURE_HSTS_SECONDS"] == 0
    assert not local["SECURE_SSL_REDIRECT"]
    assert not (local["SESSION_COOKIE_SECURE"] or local["CSRF_COOKIE_SECURE"] or local["LANGUAGE_COOKIE_SECURE"])


def test_https_without_the_proxy_header_does_not_redirect_in_a_loop():
    # Without DJANGO_BEHIND_PROXY, Django cannot tell an https request (ended at a proxy) from http.
    direct = settings_under({**PRODUCTION, "DJANGO_BEHIND_PROXY": "0"})

    assert not direct["SECURE_SSL_REDIRECT"]
    assert direct["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600 and direct["SESSION_COOKIE_SECURE"]


@pytest.fixture
def https(settings, production_https_settings):
    """This process, with the HTTPS settings production reads."""
    for name, value in production_https_settings.items():
        setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)


def test_https_answers_carry_hsts_and_secure_cookies(https, clisson):
    with schema_context(CLISSON.slug):
        user = UserFactory()
    client = host_client(CLISSON.host)

    login_page = client.get("/compte/login/", secure=True)
    login = client.post("/compte/login/", {"login": user.email, "password": PASSWORD}, secure=True)

    assert login_page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert login_page.cookies["csrftoken"]["secure"] is True
    assert login.status_code == 302
    assert login.cookies["sessionid"]["secure"] is True
    assert login.cookies["sessionid"]["httponly"] is True


def test_https_through_the_proxy_is_served_and_plain_http_is_redirected(https, clisson):
    client = host_client(CLISSON.host)

    through_proxy = client.get("/", headers={"X-Forwarded-Proto": "https"})
    plain = client.get("/compte/login/?next=/famille/")
    health = client.get("/healthz")

    assert through_proxy.status_code == 200
    assert through_proxy["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert plain.status_code == 301
    assert plain["Location"] == f"https://{CLISSON.host}/compte/login/?next=/famille/"
    assert "Strict-Transport-Security" not in plain  # never over plain http
    assert health.status_code == 200  # the container's health check asks over http, from inside


# --- Content-Security-Policy -----------------------------------------------------------------------------


def test_a_commune_page_has_the_policy_with_a_nonce_for_its_colours_only(clisson_client):
    response = clisson_client.get("/")

    directives = policy(response)
    (nonce,) = re.findall(r"<style nonce=\"([^\"]+)\">:root \{ --brand-primary", response.text)
    assert directives == {**POLICY, "style-src": f"'self' 'nonce-{nonce}'"}
    assert len(nonce) >= 22  # 16 random bytes, base64
    assert nonce not in clisson_client.get("/").text  # one per answer
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_platform_page_has_the_policy_without_any_nonce(platform_client):
    response = platform_client.get("/")

    assert policy(response) == POLICY
    assert "<style" not in response.text


@pytest.mark.parametrize(
    ("host", "path"),
    [
        (CLISSON.host, "/"),
        (CLISSON.host, "/compte/login/"),
        (CLISSON.host, "/api/docs/"),
        ("localhost", "/compte/login/"),
    ],
)
def test_no_inline_script_is_allowed_anywhere(clisson, host, path):
    directives = policy(host_client(host).get(path))

    assert directives["script-src"] == "'self'"
    for source in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'strict-dynamic'"):
        assert source not in " ".join(directives.values())


def test_swagger_ui_starts_from_static_files_under_the_same_policy(clisson_client):
    response = clisson_client.get("/api/docs/")

    assert response.status_code == 200
    assert policy(response) == POLICY
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert len(scripts) == 3 and all(" src=" in tag for tag in scripts)
    assert scripts[-1] == '<script src="/static/js/swagger-ui-init.js">'
    assert "<style" not in response.text and " style=" not in response.text
    assert 'data-schema-url="/api/schema/"' in response.text


def test_the_unknown_host_page_has_the_policy_too(db):
    response = host_client("nulle-part.localhost").get("/")

    assert response.status_code == 404
    assert policy(response) == POLICY


# Inline code the policy would block, in a template of ours (third-party ones are checked in the browser).
INLINE = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "an inline style without the nonce": re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle=", re.IGNORECASE),
    "an event handler attribute": re.compile(r"\son[a-z]+=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "a resource from another origin": re.compile(r"\b(?:src|href|action)=\"(?:https?:)?//", re.IGNORECASE),
}


def our_templates() -> list[Path]:
    """Our page templates; e-mails' (under an email/ folder) are read in mail clients, which need inline
    styles and never see the site's policy."""
    root = Path(settings.BASE_DIR)
    return sorted(
        path
        for path in root.glob("**/templates/**/*.html")
        if not {".venv", "var", "node_modules", "email"} & set(path.relative_to(root).parts)
    )


def test_no_template_of_ours_has_inline_code_the_policy_would_block():
    templates = our_templates()
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}"
        for path in templates
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]

    assert len(templates) > 30
    assert found == []
