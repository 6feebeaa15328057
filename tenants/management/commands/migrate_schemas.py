"""django-tenants' migrate_schemas, which also keeps the onboarding template migrated."""

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from tenants.schema_template import template_schema_refresh


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        migrating_every_tenant = not options.get("schema_name") and not options.get("shared")
        if migrating_every_tenant and not options.get("fake") and not options.get("migration_name"):
            template_schema_refresh(verbosity=options.get("verbosity", 1))
