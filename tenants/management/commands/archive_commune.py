from tenants.management.commands._status import CommuneStatusCommand
from tenants.models import Commune


class Command(CommuneStatusCommand):
    help = "Archive une commune : son portail ne répond plus, ses données sont conservées."
    status = Commune.Status.ARCHIVED
