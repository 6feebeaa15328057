"""Shared body of suspend_commune, reactivate_commune and archive_commune."""

from django.core.management.base import BaseCommand, CommandError

from tenants.models import Commune
from tenants.services import commune_set_status


class CommuneStatusCommand(BaseCommand):
    status: Commune.Status

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Identifiant de la commune, ex. lepallet")

    def handle(self, *args, **options):
        commune = Commune.objects.filter(schema_name=options["slug"]).first()
        if commune is None:
            raise CommandError(f"Aucune commune n'a l'identifiant « {options['slug']} ».")
        commune = commune_set_status(commune=commune, status=self.status)
        self.stdout.write(self.style.SUCCESS(f"{commune.name} : {commune.get_status_display()}"))
