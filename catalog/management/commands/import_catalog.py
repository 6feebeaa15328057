import json

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from catalog.transfer import CatalogImportError, catalog_import
from tenants.models import Commune


class Command(BaseCommand):
    help = "Remplace le catalogue d'une commune par celui d'un fichier JSON (tout ou rien)."

    def add_arguments(self, parser):
        parser.add_argument("--commune", required=True, help="Identifiant de la commune, ex. vallet")
        parser.add_argument("file", help="Fichier JSON produit par export_catalog")

    def handle(self, *args, **options):
        if not Commune.objects.filter(schema_name=options["commune"]).exists():
            raise CommandError(f"Aucune commune n'a l'identifiant « {options['commune']} ».")
        try:
            with open(options["file"], encoding="utf-8") as source:
                document = json.load(source)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Fichier illisible : {exc}") from exc
        try:
            with schema_context(options["commune"]):
                counts = catalog_import(document)
        except CatalogImportError as exc:
            raise CommandError("Catalogue refusé, rien n'a été modifié :\n" + "\n".join(exc.errors)) from exc
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Catalogue importé : {summary}."))
