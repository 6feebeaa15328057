"""Onboarding speed: cloning the template schema versus replaying every migration.

`commune_onboard(clone=True)` copies the `tenant_template` schema (kept migrated
by `migrate_schemas`) and then only checks it against the migrations;
`clone=False` creates an empty schema and applies every tenant migration. The
second path slows down as migrations accumulate, which is why cloning is the
default: this script measures both, in the same run and on the same server,
alternating the two paths so that neither benefits from a warmer cache or a
smaller catalog. It also times a no-op `migrate_schemas` over all the communes
created, the cost every deployment pays per commune.

It works in a throwaway database next to the configured one (DATABASE_URL, or
the local default), dropped and recreated at start and dropped at the end.
Invitation e-mails go to an in-memory Celery broker, never to the real queue.

    .venv/bin/python bench/onboarding.py [--n 20]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"postgres://portail@127.0.0.1:{os.environ.get('PGPORT', '54320')}/portail"  # as in settings
BENCH_DB = "portail_bench"


def configure_environment() -> None:
    """Point Django at the bench database and an in-memory broker, before django.setup()."""
    source = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    if source.path.lstrip("/") == BENCH_DB:
        sys.exit(f"DATABASE_URL already names {BENCH_DB}: refusing to drop the configured database.")
    os.environ["DATABASE_URL"] = source._replace(path=f"/{BENCH_DB}").geturl()
    # In-process queue (a host silences kombu's "no hostname" warning): nothing reaches Redis.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost"
    os.environ["DJANGO_DEBUG"] = "0"  # no query log in memory
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-not-secret")  # DEBUG off refuses the built-in key
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")  # no line per onboarded commune
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))


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


def onboard(kind: str, i: int) -> float:
    """Onboard commune number i by the given path ("clone" or "migrate"); return the seconds it took."""
    from tenants.services import commune_onboard

    slug = f"bench{kind}{i:03d}"
    insee_code = f"9{int(kind == 'migrate')}{i:03d}"
    start = time.perf_counter()
    commune_onboard(
        name=f"Bench {kind} {i}",
        slug=slug,
        insee_code=insee_code,
        admin_email=f"mairie@{slug}.example.org",
        clone=kind == "clone",
    )
    return time.perf_counter() - start


def migrate_schemas() -> float:
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    return time.perf_counter() - start


def queued_invitations() -> int:
    """Messages waiting in the in-memory broker's default queue (proof nothing went to Redis)."""
    from config.celery import app

    assert app.conf.broker_url.startswith("memory://"), app.conf.broker_url
    with app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(queue=app.conf.task_default_queue, passive=True).message_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="communes per path (default 20, at most 999)")
    n = parser.parse_args().n
    if not 1 <= n <= 999:
        parser.error("--n must be between 1 and 999")

    sys.stdout.reconfigure(line_buffering=True)  # keep the order of stdout and stderr lines
    configure_environment()
    import django

    django.setup()
    from django.db import connections
    from django_tenants.utils import schema_exists

    from tenants.schema_template import template_schema_name

    pg_version = run_on_server("SHOW server_version")
    load = os.getloadavg()[0]  # other work on the machine skews the timings
    print(f"Machine: {os.cpu_count()} CPUs, load {load:.2f}, PostgreSQL {pg_version}, Python {sys.version.split()[0]}")
    run_on_server(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)", f"CREATE DATABASE {BENCH_DB}")
    try:
        print(f"Database {BENCH_DB}: migrate_schemas (public + template) {migrate_schemas():.1f} s")
        assert schema_exists(template_schema_name()), "no template schema: clone=True would replay migrations"

        times: dict[str, list[float]] = {"clone": [], "migrate": []}
        for i in range(n):
            # Alternate which path goes first so that neither always follows the other.
            for kind in ("clone", "migrate") if i % 2 == 0 else ("migrate", "clone"):
                times[kind].append(onboard(kind, i))
        print(f"Onboarded {n} communes each way; invitations queued in memory: {queued_invitations()}")

        noop = migrate_schemas()
        print(f"No-op migrate_schemas over {2 * n} communes (+ public, template): {noop:.1f} s")
    finally:
        connections.close_all()
        run_on_server(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

    for kind, values in times.items():
        print(f"{kind}: min {min(values):.2f} s, max {max(values):.2f} s, mean {statistics.mean(values):.2f} s")
    clone, migrate = statistics.median(times["clone"]), statistics.median(times["migrate"])
    print(
        f"clone median {clone:.2f} s/commune, migrate median {migrate:.2f} s/commune, "
        f"migrate/clone ratio {migrate / clone:.1f}x"
    )


if __name__ == "__main__":
    main()
