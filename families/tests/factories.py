from datetime import date

import factory

from accounts.tests.factories import UserFactory
from core.roles import Role
from families.models import Child, ChildHousehold, Guardian, Household, PickupPerson
from families.selectors import household_key
from families.services import Address, household_create
from storage.models import Document


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
