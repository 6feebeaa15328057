from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from catalog.transfer import catalog_export_text
from tenants.models import Commune


class Command(BaseCommand):
    help = "Exporte le catalogue d'une commune dans un fichier JSON."

    def add_arguments(self, parser):
        parser.add_argument("--commune", required=True, help="Identifiant de la commune, ex. lepallet")
        parser.add_argument("--output", required=True, help="Fichier JSON à écrire (- pour la sortie standard)")

    def handle(self, *args, **options):
        if not Commune.objects.filter(schema_name=options["commune"]).exists():
            raise CommandError(f"Aucune commune n'a l'identifiant « {options['commune']} ».")
        with schema_context(options["commune"]):
            text = catalog_export_text()
        if options["output"] == "-":
            self.stdout.write(text, ending="")
        else:
            with open(options["output"], "w", encoding="utf-8") as output:
                output.write(text)
