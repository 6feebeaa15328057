"""Shared fixtures: two communes created once per test database, clients bound to a host."""

import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from hypothesis import settings as hypothesis_settings

from config.celery import app as celery_app
from core.testing import frozen_clock
from tenants.models import Commune

# No per-example deadline: the first example pays for loading the holiday datasets.
hypothesis_settings.register_profile("portail", deadline=None, max_examples=200)
hypothesis_settings.load_profile("portail")


@dataclass(frozen=True)
class TestCommune:
    slug: str
    name: str
    insee_code: str

    @property
    def host(self) -> str:
        return f"{self.slug}.localhost"


CLISSON = TestCommune("clisson", "Clisson", "44043")
GORGES = TestCommune("gorges", "Gorges", "44064")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from tenants.services import commune_onboard

    # Eager: the invitations of these communes must not reach a real queue.
    celery_app.conf.task_always_eager = True
    with django_db_blocker.unblock():
        # Never the development database (a test that asks for this fixture without a db mark gets no test
        # database from pytest-django): the test communes would land next to the demo's.
        database = connection.settings_dict
        assert database["NAME"] == database["TEST"]["NAME"], f"not the test database: {database['NAME']}"
        for c in (CLISSON, GORGES):
            commune_onboard(name=c.name, slug=c.slug, insee_code=c.insee_code, admin_email=f"mairie@{c.slug}.test")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A fresh key prefix per test: rate-limit counters never leak between tests.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
    }
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    celery_app.conf.task_always_eager = True
    # Requests leave the connection on the schema of the last host they hit.
    connection.set_schema_to_public()
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def clisson(db) -> Commune:
    return Commune.objects.get(schema_name=CLISSON.slug)


@pytest.fixture
def gorges(db) -> Commune:
    return Commune.objects.get(schema_name=GORGES.slug)


def host_client(host: str) -> Client:
    return Client(HTTP_HOST=host)


def signed_in(user, host: str = CLISSON.host) -> Client:
    """A browser signed in as `user` of the commune answering on `host` (its session lives in that schema)."""
    client = Client(HTTP_HOST=host)
    with schema_context(host.split(".")[0]):
        client.force_login(user)
    return client


@pytest.fixture
def clisson_client(clisson) -> Client:
    return host_client(CLISSON.host)


@pytest.fixture
def gorges_client(gorges) -> Client:
    return host_client(GORGES.host)


@pytest.fixture
def platform_client(db) -> Client:
    return host_client("localhost")


@pytest.fixture
def in_clisson(clisson) -> Iterator[Commune]:
    with schema_context(clisson.schema_name):
        yield clisson


@pytest.fixture
def frozen_at() -> Iterator[Callable]:
    """`frozen_at(moment)` stops Django's clock at `moment` for the rest of the test (see core.testing)."""
    with ExitStack() as stack:
        yield lambda moment: stack.enter_context(frozen_clock(moment))
