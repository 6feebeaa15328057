# `migrate` (also what the test runner calls) is migrate_schemas, template included.
from tenants.management.commands.migrate_schemas import Command  # noqa: F401
