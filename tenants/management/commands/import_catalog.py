from django.core.management.base import BaseCommand, CommandError

from catalog.transfer import CatalogImportError, catalog_document_parse, catalog_import_summary
from tenants.models import Commune
from tenants.services import commune_catalog_replace


class Command(BaseCommand):
    help = (
        "Remplace le catalogue d'une commune par celui d'un fichier JSON (tout ou rien) : ce qu'il décrit "
        "encore est mis à jour sur place, ce qu'une réservation, une inscription ou une facture utilise n'est "
        "jamais retiré."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commune", required=True, help="Identifiant de la commune, ex. vallet")
        parser.add_argument("file", help="Fichier JSON produit par export_catalog")

    def handle(self, *args, **options):
        if not Commune.objects.filter(schema_name=options["commune"]).exists():
            raise CommandError(f"Aucune commune n'a l'identifiant « {options['commune']} ».")
        try:
            with open(options["file"], "rb") as source:
                text = source.read()
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {exc}") from exc
        commune = Commune.objects.get(schema_name=options["commune"])
        try:
            counts = commune_catalog_replace(commune=commune, document=catalog_document_parse(text), actor_email="")
        except CatalogImportError as exc:
            raise CommandError("Catalogue refusé, rien n'a été modifié :\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(self.style.SUCCESS(f"Catalogue importé : {catalog_import_summary(counts)}."))
