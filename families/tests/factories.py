from datetime import date

import factory

from accounts.tests.factories import UserFactory
from core.roles import Role
from families.models import Child, Guardian, Household
from families.services import Address, household_create


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


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    first_name = factory.Sequence(lambda n: f"Enfant{n}")
    last_name = "Martin"
    birth_date = date(2018, 5, 4)
