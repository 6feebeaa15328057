from django.core.management.base import BaseCommand

from core.communes import portal_url
from tenants.demo import DEMO_PASSWORD, OPERATOR_EMAIL, load_demo
from tenants.models import Commune


class Command(BaseCommand):
    help = "Charge (ou complète) les communes de démonstration et leurs comptes."

    def handle(self, *args, **options):
        demos = load_demo()
        self.stdout.write(f"Opérateur : {OPERATOR_EMAIL} / {DEMO_PASSWORD}")
        for demo in demos:
            url = portal_url(Commune.objects.get(schema_name=demo.slug))
            self.stdout.write(
                f"{demo.name:<12} {url:<40} mairie : {demo.admin_email} / parents : {demo.parent_email}, "
                f"{demo.second_parent_email}"
                f" (mot de passe : {DEMO_PASSWORD})"
            )
