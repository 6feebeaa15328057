"""Acting for a family at the counter: every family page works for the household acted for, and each change
is journaled as what it is, under the agent's name, on the family's file."""

from datetime import date

import pytest

from audit.models import AuditEntry
from catalog.models import SchoolYear
from conftest import signed_in
from core.roles import Role
from families.models import Child, Decision, Dossier, Guardian, PickupPerson
from tests.factories import ChildFactory, PickupPersonFactory, UserFactory, family


@pytest.fixture
def martin(in_clisson):
    household = family("Famille Martin")
    household.status = Decision.VALIDATED
    household.save(update_fields=["status"])
    return household


@pytest.fixture
def lea(martin) -> Child:
    return ChildFactory(household=martin, first_name="Léa", status=Decision.VALIDATED)


@pytest.fixture
def year(in_clisson) -> SchoolYear:
    return SchoolYear.objects.get_or_create(
        name="2026-2027", defaults={"start": date(2026, 9, 1), "end": date(2027, 7, 6)}
    )[0]


@pytest.fixture
def agent_user(in_clisson):
    return UserFactory(role=Role.ADMINISTRATOR, email="agent@clisson.test")


@pytest.fixture
def counter(agent_user, martin):
    """The agent's browser, acting for the Martin household."""
    client = signed_in(agent_user)
    assert client.post(f"/gestion/familles/foyers/{martin.pk}/guichet/").status_code == 302
    return client


def test_every_family_page_answers_for_the_household_acted_for(counter, martin, lea, year):
    person = PickupPersonFactory(child=lea)
    pages = [
        "/famille/",
        f"/famille/enfants/{lea.pk}/",
        f"/famille/enfants/{lea.pk}/dossier/{year.pk}/",
        "/famille/coordonnees/",
        "/famille/documents/",
        "/famille/quotient/",
        "/famille/adresse/",
        "/famille/enfants/ajouter/",
        "/famille/responsables/inviter/",
    ]

    answers = {page: counter.get(page).status_code for page in pages}

    assert answers == dict.fromkeys(pages, 200)
    assert person.name in counter.get(f"/famille/enfants/{lea.pk}/").content.decode()
    assert "Vous agissez pour Famille Martin au guichet" in counter.get("/famille/coordonnees/").content.decode()


def test_a_child_of_another_household_stays_out_of_reach_at_the_counter(counter, in_clisson):
    stranger = ChildFactory(household=family("Famille Durand"))
    person = PickupPersonFactory(child=stranger)

    assert counter.get(f"/famille/enfants/{stranger.pk}/").status_code == 404
    assert counter.post(f"/famille/personnes-autorisees/{person.pk}/retirer/").status_code == 404
    assert PickupPerson.objects.filter(pk=person.pk).exists()


def test_each_counter_change_is_journaled_as_what_it_changed(counter, agent_user, martin, lea, year):
    counter.post(
        f"/famille/enfants/{lea.pk}/",
        {"child-school": "École du Val", "child-school_class": "CE1", "child-allergies": "arachide", "child-diet": ""},
    )
    counter.post(
        f"/famille/enfants/{lea.pk}/personnes-autorisees/",
        {"pickup-name": "Mamie Jo", "pickup-phone": "06 12 12 12 12", "pickup-relationship": "Grand-mère"},
    )
    counter.post("/famille/coordonnees/", {"first_name": "Camille", "last_name": "Martin", "phone": "07 00 00 00 07"})
    counter.post(f"/famille/enfants/{lea.pk}/dossier/{year.pk}/", {"action": "open"})

    entries = {
        e.action: e for e in AuditEntry.objects.filter(actor=agent_user, context=f"families.household:{martin.pk}")
    }
    assert entries["families.child_update"].changes == {
        "school": " → École du Val",
        "school_class": " → CE1",
        "allergies": " → arachide",
    }
    assert entries["families.pickup_add"].changes["name"] == "Mamie Jo"
    assert entries["families.contact"].changes == {"phone": "06 12 34 56 78 → 07 00 00 00 07"}
    assert "families.dossier_open" in entries
    assert Guardian.objects.get(household=martin).phone == "07 00 00 00 07"
    assert Dossier.objects.filter(child=lea, school_year=year).exists()
    # The journal is shown on the family's file.
    assert "Mamie Jo" in counter.get(f"/gestion/familles/foyers/{martin.pk}/").content.decode()


def test_a_parents_own_changes_are_not_staff_actions(martin, lea):
    from tests.factories import parent_of

    parent = signed_in(parent_of(martin))
    parent.post("/famille/coordonnees/", {"first_name": "Camille", "last_name": "Martin", "phone": "07 00 00 00 07"})

    assert not AuditEntry.objects.filter(context=f"families.household:{martin.pk}").exists()
