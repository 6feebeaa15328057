"""Factories for every model the tests build, shared by every app's tests (no app imports another's tests)."""

from datetime import date
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from catalog.models import CutoffRule, SchoolYear, Service, ServiceUnit, Site, Tariff, TariffBracket
from catalog.models.units import default_unit
from core.roles import Role
from families.models import (
    Child,
    ChildHousehold,
    Decision,
    Dossier,
    DossierItem,
    DossierRequirement,
    Guardian,
    Household,
    PickupPerson,
)
from families.selectors import household_key
from families.services import Address, household_create
from reservations.models import Enrolment
from storage.models import Document, DocumentType

# --- Accounts ---------------------------------------------------------------

PASSWORD = "un-mot-de-passe-solide"


class UserFactory(factory.django.DjangoModelFactory):
    """A user of the current schema, with a verified e-mail address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.test")
    first_name = "Camille"
    role = Role.PARENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        self.save()
        EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


# --- Catalogue --------------------------------------------------------------


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("name",)

    name = "2026-2027"
    start = date(2026, 9, 1)
    end = date(2027, 8, 31)
    zone = SchoolYear.Zone.B


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("name",)

    name = "École Paul Éluard"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Prestation {n}")
    code = factory.Sequence(lambda n: f"prestation-{n}")
    kind = Service.Kind.CANTEEN
    site = factory.SubFactory(SiteFactory)
    unit = Service.Unit.MEAL
    weekdays = [0, 1, 3, 4]
    period = Service.Period.SCHOOL_TERMS

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        """One unit after the service's measure, as the back-office creates it (`units=[...]` for others)."""
        if create:
            for data in extracted or [default_unit(self.unit)]:
                ServiceUnit.objects.create(service=self, **data)


def unit_of(service: Service, code: str | None = None) -> ServiceUnit:
    units = service.units.all()
    return units.get(code=code) if code else units.get()


class CutoffRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CutoffRule

    direction = CutoffRule.Direction.BOOKING
    amount = 2
    unit = CutoffRule.Unit.WORKING_DAYS
    online_after = CutoffRule.OnlineAfter.REFUSE
    late_price = CutoffRule.LatePrice.NORMAL


class TariffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tariff

    valid_from = date(2026, 9, 1)
    valid_to = date(2027, 8, 31)
    # The service's one unit, unless a unit or a combination is given.
    unit = factory.LazyAttribute(lambda t: None if t.combination else unit_of(t.service))
    combination = None


def bracket(tariff: Tariff, qf_min: int, qf_max: int | None, price: str) -> TariffBracket:
    return TariffBracket.objects.create(tariff=tariff, qf_min=qf_min, qf_max=qf_max, price=Decimal(price))


# --- Families ---------------------------------------------------------------


def family(name: str = "Famille Martin", email: str | None = None) -> Household:
    """A household declared by a parent with an account, as the sign-up flow leaves it (pending)."""
    parent = UserFactory(role=Role.PARENT, **({"email": email} if email else {}))
    return household_create(
        user=parent,
        name=name,
        address=Address(address="3 rue des Vignes", postcode="44330", city="Le Pallet", resident=True),
        first_name="Camille",
        last_name=name.split()[-1],
        phone="06 12 34 56 78",
    )


def parent_of(household: Household):
    return Guardian.objects.filter(household=household).exclude(user=None).first().user


def by_family(child: Child) -> dict:
    """The actor and household arguments of a service called by the child's (first) household's parent."""
    household = child.households.order_by("pk").first()
    return {"actor": parent_of(household), "household": household}


class ChildFactory(factory.django.DjangoModelFactory):
    """A child, attached to `household` (and to `other_household` for a shared child) when given."""

    class Meta:
        model = Child
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Enfant{n}")
    last_name = "Martin"
    birth_date = date(2018, 5, 4)

    @factory.post_generation
    def household(child, create, household, **kwargs):
        if create and household is not None:
            ChildHousehold.objects.create(child=child, household=household)


def enrol(child: Child, service: Service, household: Household, year: SchoolYear, **fields) -> Enrolment:
    """The child enrolled by the household in the service for the whole year (validated, unless `fields`
    say otherwise), its dossier of the year validated unless it has one already: bookable online."""
    Dossier.objects.get_or_create(child=child, school_year=year, defaults={"status": Dossier.Status.VALIDATED})
    values = {"start": year.start, "end": year.end, "status": Decision.VALIDATED} | fields
    return Enrolment.objects.create(child=child, household=household, service=service, school_year=year, **values)


def bookable_child(household: Household, first_name: str, year: SchoolYear, *services: Service, **fields) -> Child:
    """A validated child of the household, its dossier of the year validated and enrolled for the year in
    each service: what the basket's validation asks before booking a day."""
    child = ChildFactory(household=household, first_name=first_name, status=Decision.VALIDATED, **fields)
    Dossier.objects.create(child=child, school_year=year, status=Dossier.Status.VALIDATED)
    for service in services:
        enrol(child, service, household, year)
    return child


class PickupPersonFactory(factory.django.DjangoModelFactory):
    """A pick-up person recorded by the child's household (`household` defaults to the child's first)."""

    class Meta:
        model = PickupPerson

    child = factory.SubFactory(ChildFactory)
    household = factory.LazyAttribute(lambda person: person.child.households.order_by("pk").first())
    name = factory.Sequence(lambda n: f"Personne {n}")
    phone = "06 00 00 00 00"
    relationship = "Voisin"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored document's row (no file behind it: enough for access checks and listings)."""

    class Meta:
        model = Document

    owner = factory.LazyAttribute(lambda document: household_key(document.household))
    file = factory.Sequence(lambda n: f"test/documents/{n}.pdf")
    original_name = factory.Sequence(lambda n: f"document-{n}.pdf")
    size = 1
    content_type = "application/pdf"
    sha256 = "0" * 64

    class Params:
        household = None


class GuardianFactory(factory.django.DjangoModelFactory):
    """A second guardian, without an account unless `user` is given."""

    class Meta:
        model = Guardian

    first_name = "Sam"
    last_name = "Martin"
    phone = "06 11 11 11 11"
    email = factory.Sequence(lambda n: f"responsable{n}@example.test")


class DocumentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Type de document {n}")
    validity_months = None


class DossierRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DossierRequirement

    label = factory.Sequence(lambda n: f"Pièce {n}")
    kind = DossierRequirement.Kind.ACCEPTANCE
    position = 0


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    school_year = factory.SubFactory(SchoolYearFactory)


class DossierItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DossierItem

    requirement = factory.SubFactory(DossierRequirementFactory)
