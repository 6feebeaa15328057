"""The template schema that new communes are cloned from.

Replaying every migration for each new commune gets slower as migrations
accumulate; copying an already migrated schema does not (bench/onboarding.py
measures both). `migrate_schemas` keeps the template migrated, and each new
schema is still checked against the migrations after cloning, so a stale
template costs time, never correctness.
"""

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists


def template_schema_name() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


def template_schema_refresh(
    *, app_label: str | None = None, migration_name: str | None = None, verbosity: int = 0
) -> None:
    """Create the template schema if needed and migrate it like the communes."""
    name = template_schema_name()
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(name)}")
    migrate_schema(name, app_label=app_label, migration_name=migration_name, verbosity=verbosity)


def migrate_schema(
    schema_name: str, *, app_label: str | None = None, migration_name: str | None = None, verbosity: int = 0
) -> None:
    targets = [arg for arg in (app_label, migration_name) if arg]
    call_command("migrate_schemas", *targets, schema_name=schema_name, interactive=False, verbosity=verbosity)


def schema_create(schema_name: str, *, clone: bool = True) -> None:
    """Create a commune's schema: clone the template, or replay the migrations."""
    if clone and schema_exists(template_schema_name()):
        CloneSchema().clone_schema(template_schema_name(), schema_name)
        unique_constraint_names_align(template_schema_name(), schema_name)
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(schema_name)}")
    migrate_schema(schema_name)
    connection.set_schema_to_public()


UNIQUE_CONSTRAINTS = """
    SELECT c.relname, con.conname, array_agg(a.attname::text ORDER BY a.attname)
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (con.conkey)
    WHERE n.nspname = %s AND con.contype = 'u'
    GROUP BY c.relname, con.conname
"""


def unique_constraint_names_align(template: str, schema_name: str) -> int:
    """Give the clone's unique constraints the template's names (Django's), which the clone replaces with
    generic ones: a later migration that alters or drops a constraint by its name would fail there."""
    with connection.cursor() as cursor:
        cursor.execute(UNIQUE_CONSTRAINTS, [template])
        wanted = {(table, tuple(columns)): name for table, name, columns in cursor.fetchall()}
        cursor.execute(UNIQUE_CONSTRAINTS, [schema_name])
        renamed = 0
        for table, name, columns in cursor.fetchall():
            target = wanted.get((table, tuple(columns)))
            if target and target != name:
                quote = connection.ops.quote_name
                table_name = f"{quote(schema_name)}.{quote(table)}"
                cursor.execute(f"ALTER TABLE {table_name} RENAME CONSTRAINT {quote(name)} TO {quote(target)}")
                renamed += 1
    return renamed
