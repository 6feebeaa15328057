"""Preferences are a guardian's, not their household's: a kind turned off stops for them only, and the
kinds that announce a deadline or guard the account cannot be turned off."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import CLISSON, signed_in
from core.roles import Role
from families.models import Decision, Dossier
from families.notifications import notify_dossier_decision
from families.services import household_document_review, request_decide
from notifications.models import Notification
from notifications.services import preferences_save
from tests.factories import (
    PASSWORD,
    ChildFactory,
    DocumentFactory,
    DossierFactory,
    DossierItemFactory,
    GuardianFactory,
    UserFactory,
    family,
    parent_of,
)


@pytest.fixture
def agent(in_clisson):
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.fixture
def household(in_clisson):
    """Camille (the parent who declared it) and Sam, the second guardian, each with an account."""
    household = family()
    sam = UserFactory(role=Role.PARENT, email="sam@example.test")
    GuardianFactory(household=household, user=sam, email=sam.email)
    return household


def subjects_to(email: str) -> list[str]:
    return [message.subject for message in mail.outbox if message.to == [email]]


def test_a_guardian_turns_one_kind_off_and_still_gets_the_others(agent, household, django_capture_on_commit_callbacks):
    camille = parent_of(household)
    page = signed_in(camille)
    form = page.get("/compte/preferences/")
    assert form.status_code == 200
    offered = [key for key, _label in form.context["form"].fields["receive"].choices]
    assert "families.decision" in offered and "families.dossier_to_correct" not in offered

    saved = page.post(
        "/compte/preferences/", {"language": "fr", "receive": [k for k in offered if k != "families.decision"]}
    )
    assert saved.status_code == 302

    child = ChildFactory(household=household, status=Decision.VALIDATED)
    dossier = DossierFactory(child=child, status=Dossier.Status.REFUSED)
    DossierItemFactory(dossier=dossier, review=Decision.REFUSED, reason="Illisible")
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(request=household.requests.get(), actor=agent, accept=True)  # turned off by Camille
        household_document_review(
            document=DocumentFactory(household=household), actor=agent, accepted=False, reason="Périmé"
        )
        notify_dossier_decision(dossier)  # a dossier to correct: always sent

    assert not any(subject.startswith("[Clisson] Demande validée") for subject in subjects_to(camille.email))
    assert any(subject.startswith("[Clisson] Document refusé") for subject in subjects_to(camille.email))
    assert any(subject.startswith("[Clisson] Dossier à corriger") for subject in subjects_to(camille.email))
    # Sam did not turn anything off: the decision reaches him.
    assert any(subject.startswith("[Clisson] Demande validée") for subject in subjects_to("sam@example.test"))
    skipped = Notification.objects.get(email=camille.email, kind="families.decision")
    assert skipped.status == Notification.Status.TURNED_OFF and skipped.delivery is None


def test_a_kind_that_announces_a_deadline_cannot_be_turned_off(household):
    camille = parent_of(household)
    with pytest.raises(ValidationError) as refused:
        preferences_save(user=camille, turned_off={"families.dossier_to_correct"})
    assert refused.value.error_dict["turned_off"][0].code == "always_sent"

    # The page offers no box for it, and a forged post changes nothing.
    page = signed_in(camille)
    response = page.post("/compte/preferences/", {"language": "fr", "receive": ["families.dossier_to_correct"]})
    assert response.status_code == 200 and "receive" in response.context["form"].errors
    assert not camille.turned_off_kinds.exists()
    shown = page.get("/compte/preferences/").content.decode()
    assert "Dossier à corriger" in shown and "il annonce une échéance" in shown


def test_staff_do_not_see_the_families_kinds(agent):
    page = signed_in(agent).get("/compte/preferences/")
    assert page.status_code == 200
    assert page.context["form"].fields["receive"].choices == []
    assert "Décision sur une demande" not in page.content.decode()


def test_the_language_chosen_is_the_one_of_the_emails(agent, household, django_capture_on_commit_callbacks):
    camille = parent_of(household)
    response = signed_in(camille).post("/compte/preferences/", {"language": "en", "receive": []})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    camille.refresh_from_db()
    assert camille.language == "en"

    with django_capture_on_commit_callbacks(execute=True):
        household_document_review(
            document=DocumentFactory(household=household), actor=agent, accepted=False, reason="Périmé"
        )
    # Camille turned every optional kind off: only Sam, who reads French, is told of the refusal.
    assert subjects_to(camille.email) == []
    (french,) = [m for m in mail.outbox if m.to == ["sam@example.test"]]
    assert french.subject.startswith("[Clisson] Document refusé") and "Bonjour," in french.body

    preferences_save(user=camille, turned_off=set())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        household_document_review(
            document=DocumentFactory(household=household), actor=agent, accepted=False, reason="Périmé"
        )
    (english,) = [m for m in mail.outbox if m.to == [camille.email]]
    assert english.subject.startswith("[Clisson] Document refused") and "Hello," in english.body
    assert 'lang="en"' in english.alternatives[0][0]


def test_an_account_that_reads_english_gets_its_portal_in_english_once_logged_in(household):
    camille = parent_of(household)
    camille.language = "en"
    camille.save(update_fields=["language"])
    response = Client(HTTP_HOST=CLISSON.host).post("/compte/login/", {"login": camille.email, "password": PASSWORD})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
