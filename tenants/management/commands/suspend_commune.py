from tenants.management.commands._status import CommuneStatusCommand
from tenants.models import Commune


class Command(CommuneStatusCommand):
    help = "Suspend une commune : portail en maintenance, connexions refusées, données conservées."
    status = Commune.Status.SUSPENDED
