from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.communes import portal_url
from tenants.services import STARTER_TEMPLATES, commune_onboard


class Command(BaseCommand):
    help = "Crée une commune : schéma, domaines, configuration de départ et invitation de son administrateur."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Nom de la commune, ex. « Le Pallet »")
        parser.add_argument("--slug", required=True, help="Identifiant et sous-domaine, ex. lepallet")
        parser.add_argument("--insee", required=True, help="Code INSEE, ex. 44118")
        parser.add_argument("--admin-email", required=True, help="E-mail du premier administrateur")
        parser.add_argument("--domain", action="append", default=[], help="Domaine personnalisé (répétable)")
        parser.add_argument("--template", default="standard", choices=sorted(STARTER_TEMPLATES))

    def handle(self, *args, **options):
        try:
            commune = commune_onboard(
                name=options["name"],
                slug=options["slug"],
                insee_code=options["insee"],
                admin_email=options["admin_email"],
                custom_domains=options["domain"],
                template=options["template"],
            )
        except ValidationError as exc:
            raise CommandError(format_validation_error(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Commune « {commune.name} » créée : {portal_url(commune)}"))
        self.stdout.write(f"Invitation envoyée à {options['admin_email']}.")


def format_validation_error(exc: ValidationError) -> str:
    return "\n".join(message for messages in exc.message_dict.values() for message in messages)
