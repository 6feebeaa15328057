from tenants.management.commands._status import CommuneStatusCommand
from tenants.models import Commune


class Command(CommuneStatusCommand):
    help = "Réactive une commune suspendue ou archivée."
    status = Commune.Status.ACTIVE
