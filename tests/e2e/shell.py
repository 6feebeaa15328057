"""Set-up written through the server's Django shell: what several e2e tests need before their pages can show it."""

from tests.e2e.conftest import Portal

# Run ahead of every snippet, outside its str.format: its braces are Python's, not placeholders.
PRELUDE = '''
from datetime import date
from django_tenants.utils import schema_context
from catalog.models import SchoolYear, Service
from families.models import Child, ChildHousehold, Decision, Dossier, Household
from reservations.models import Enrolment


def service_year_household(name, day, services=Service.objects):
    """Le Pallet's service of that name, the school year of the day and the demo parent's household."""
    service = services.get(name=name)
    year = SchoolYear.objects.filter(start__lte=day, end__gte=day).get()
    return service, year, Household.objects.get(guardians__email="parent@lepallet.test")


def enrolled_child(household, first_name, service, year, birth_date):
    """The household's child of that first name, with a validated enrolment in the service for the year
    and, as booking needs it, a validated dossier for the year.

    Found again when there: the tests share the e2e database, and a second child of the same name in the
    household would make the pages' labels ambiguous.
    """
    child = Child.objects.filter(households=household, first_name=first_name).first()
    if child is None:
        child = Child.objects.create(
            first_name=first_name, last_name="Démo", birth_date=birth_date, status=Decision.VALIDATED
        )
        ChildHousehold.objects.create(child=child, household=household)
    Enrolment.objects.get_or_create(
        child=child, household=household, service=service, school_year=year,
        defaults={"start": year.start, "end": year.end, "status": Decision.VALIDATED},
    )
    Dossier.objects.get_or_create(child=child, school_year=year, defaults={"status": Dossier.Status.VALIDATED})
    return child
'''


def run(portal: Portal, snippet: str, **values: str) -> None:
    """The snippet, a str.format template filled with values, after PRELUDE, on the server's database."""
    portal.manage("shell", "-c", PRELUDE + snippet.format(**values))
