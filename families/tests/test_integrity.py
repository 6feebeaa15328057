"""Counts and rules that must hold whatever the timing: staff search counts, reads that write nothing,
two guardians at most and one pending request of a kind under concurrent writers."""

import threading
import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import SchoolYear
from conftest import signed_in
from core.roles import Role
from core.testing import on_own_connection
from families.models import ChangeRequest, Decision, DossierItem, Guardian, Household
from families.services import dossier_open, guardian_invite
from tests.factories import (
    ChildFactory,
    DossierRequirementFactory,
    GuardianFactory,
    UserFactory,
    by_family,
    family,
    parent_of,
)


def test_the_staff_search_counts_each_child_once(in_clisson):
    martin = family("Famille Martin")
    ChildFactory(household=martin, last_name="Martin")
    ChildFactory(household=martin, last_name="Martin")
    GuardianFactory(household=martin, first_name="Sam", last_name="Martin", phone="0611111111", email="s@x.test")
    agent = signed_in(UserFactory(role=Role.ADMINISTRATOR))

    page = agent.get("/gestion/familles/", {"recherche": "Martin"}).content.decode()

    households = page.split('id="households-title"')[1] if 'id="households-title"' in page else page
    assert "2 enfants" in households and "8 enfants" not in households


def test_opening_the_dossier_page_writes_nothing(in_clisson):
    year = SchoolYear.objects.get_or_create(
        name="2026-2027", defaults={"start": date(2026, 9, 1), "end": date(2027, 7, 6)}
    )[0]
    child = ChildFactory(household=family(), status=Decision.VALIDATED)
    dossier = dossier_open(**by_family(child), child=child, school_year=year)
    added = DossierRequirementFactory(label="Certificat médical", kind="acceptance", position=9)
    parent = signed_in(parent_of(child.households.get()))
    items_before = DossierItem.objects.count()

    page = parent.get(f"/famille/enfants/{child.pk}/dossier/{year.pk}/")

    assert page.status_code == 200
    assert DossierItem.objects.count() == items_before
    assert "Certificat médical" in page.content.decode()  # offered, added when the family asks
    parent.post(f"/famille/enfants/{child.pk}/dossier/{year.pk}/", {"action": "open"})
    assert dossier.items.filter(requirement=added).exists()


def test_the_database_refuses_a_second_pending_request_of_a_kind(in_clisson):
    household = family()
    ChangeRequest.objects.create(household=household, kind=ChangeRequest.Kind.QF, payload={"qf": 1})

    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.create(household=household, kind=ChangeRequest.Kind.QF, payload={"qf": 2})
    # Several children may wait for validation at once.
    ChangeRequest.objects.create(household=household, kind=ChangeRequest.Kind.CHILD)
    ChangeRequest.objects.create(household=household, kind=ChangeRequest.Kind.CHILD)


def apart(work):
    return on_own_connection(work, "clisson")


def test_two_guardians_at_most_even_when_two_are_recorded_at_once(clisson):
    """A writer holds the household (recording a second guardian) while another asks to record one more:
    the second waits for the first to commit, then counts two and refuses. Every write happens on
    connections of their own, committed, so that each sees the other; the test cleans up after itself."""
    household = apart(lambda: family("Famille Concurrente"))
    actor = apart(lambda: parent_of(household))
    first_has_lock, outcome = threading.Event(), {}

    def first_writer():
        with transaction.atomic():
            Household.objects.select_for_update().get(pk=household.pk)
            GuardianFactory(household=household, email="a@x.test")
            first_has_lock.set()
            time.sleep(0.5)  # the second writer counts now: without the lock it would see one guardian

    def second_writer():
        first_has_lock.wait()
        try:
            guardian_invite(
                actor=actor,
                household=household,
                first_name="C",
                last_name="D",
                email="c@x.test",
                phone="0622222222",
                with_account=False,
            )
        except ValidationError as exc:
            outcome["refused"] = exc.messages

    try:
        writers = [threading.Thread(target=apart, args=(work,)) for work in (first_writer, second_writer)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()

        assert apart(lambda: Guardian.objects.filter(household=household).count()) == 2
        assert outcome["refused"] == ["Un foyer compte au plus deux responsables légaux."]
    finally:
        apart(lambda: (Household.objects.filter(pk=household.pk).delete(), actor.delete()))
