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
import statistics
import time

from common import configure_environment, print_machine, run_on_server

BENCH_DB = "portail_bench"


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

    configure_environment(BENCH_DB)
    import django

    django.setup()
    from django.db import connections
    from django_tenants.utils import schema_exists

    from tenants.schema_template import template_schema_name

    print_machine()
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
