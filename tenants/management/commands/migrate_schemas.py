"""django-tenants' migrate_schemas, which also keeps the onboarding template migrated."""

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from tenants.schema_template import template_schema_refresh


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        migrating_every_tenant = not options.get("schema_name") and not options.get("shared")
        changes_nothing = options.get("fake") or options.get("plan") or options.get("check_unapplied")
        if migrating_every_tenant and not changes_nothing:
            # Forwards or backwards, the template follows the communes.
            template_schema_refresh(
                app_label=options.get("app_label"),
                migration_name=options.get("migration_name"),
                verbosity=options.get("verbosity", 1),
            )
