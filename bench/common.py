"""What every bench script does first: a throwaway database next to the configured one, production-like
settings (DEBUG off, no query log), an in-memory broker, and the machine's state printed with the figures."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"postgres://portail@127.0.0.1:{os.environ.get('PGPORT', '54320')}/portail"  # as in settings


def configure_environment(bench_db: str) -> None:
    """Point Django at the bench database and an in-memory broker, before django.setup()."""
    source = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    if source.path.lstrip("/") == bench_db:
        sys.exit(f"DATABASE_URL already names {bench_db}: refusing to drop the configured database.")
    os.environ["DATABASE_URL"] = source._replace(path=f"/{bench_db}").geturl()
    # In-process queue (a host silences kombu's "no hostname" warning): nothing reaches Redis.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost"
    os.environ["DJANGO_DEBUG"] = "0"  # no query log in memory
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-not-secret")  # DEBUG off refuses the built-in key
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")  # no line per onboarded commune
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    sys.stdout.reconfigure(line_buffering=True)  # keep the order of stdout and stderr lines


def run_on_server(*statements: str) -> str:
    """Run statements in the server's `postgres` database; return the last one's first value."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    params = {"user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"], "port": db["PORT"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}) as conn:
        for statement in statements:
            cursor = conn.execute(statement)
        row = cursor.fetchone() if cursor.description else None
    return str(row[0]) if row else ""


def print_machine() -> None:
    load = os.getloadavg()[0]  # other work on the machine skews the timings
    version = run_on_server("SHOW server_version")
    print(f"Machine: {os.cpu_count()} CPUs, load {load:.2f}, PostgreSQL {version}, Python {sys.version.split()[0]}")


@contextmanager
def fresh_database(bench_db: str) -> Iterator[None]:
    """The bench database, created empty and migrated; dropped at the end whatever happens."""
    from django.core.management import call_command
    from django.db import connections

    run_on_server(f"DROP DATABASE IF EXISTS {bench_db} WITH (FORCE)", f"CREATE DATABASE {bench_db}")
    try:
        call_command("migrate_schemas", interactive=False, verbosity=0)
        yield
    finally:
        connections.close_all()
        run_on_server(f"DROP DATABASE IF EXISTS {bench_db} WITH (FORCE)")
