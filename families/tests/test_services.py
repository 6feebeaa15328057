"""What families declare becomes real only when the mairie validates it; every decision is e-mailed."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import User
from audit.models import AuditEntry
from core.roles import Role
from families.models import ChangeRequest, Child, Decision
from families.services import (
    Address,
    QfDeclaration,
    child_add,
    guardian_change_email,
    guardian_invite,
    household_create,
    qf_change_request,
    request_decide,
)
from tests.factories import UserFactory, family, parent_of
from tests.samples import pdf_bytes


@pytest.fixture
def agent(in_clisson):
    return UserFactory(role=Role.ADMINISTRATOR)


def test_a_new_household_waits_for_the_mairie(in_clisson):
    household = family()

    request = household.requests.get()
    assert household.status == Decision.PENDING and not household.resident
    assert request.kind == ChangeRequest.Kind.HOUSEHOLD and request.payload["resident"] is True


def test_validating_the_household_applies_the_residence_and_emails_the_family(
    agent, django_capture_on_commit_callbacks
):
    household = family()

    with django_capture_on_commit_callbacks(execute=True):
        request_decide(request=household.requests.get(), actor=agent, accept=True)

    household.refresh_from_db()
    assert household.status == Decision.VALIDATED and household.resident
    (message,) = mail.outbox
    assert message.to == [parent_of(household).email]
    assert message.subject == "[Clisson] Demande validée : Création du foyer"
    assert "http://clisson.localhost:8000/famille/" in message.body
    assert AuditEntry.objects.get(action="families.decide").actor == agent


def test_a_refusal_needs_a_reason_which_the_family_reads(agent, django_capture_on_commit_callbacks):
    household = family()
    request = household.requests.get()

    with pytest.raises(ValidationError):
        request_decide(request=request, actor=agent, accept=False)
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(request=request, actor=agent, accept=False, reason="Adresse hors commune")

    household.refresh_from_db()
    assert household.status == Decision.REFUSED
    assert "Motif : Adresse hors commune" in mail.outbox[0].body


def test_a_request_is_decided_once(agent):
    request = family().requests.get()
    request_decide(request=request, actor=agent, accept=True)

    with pytest.raises(ValidationError, match="déjà été traitée"):
        request_decide(request=request, actor=agent, accept=False, reason="Trop tard")


def test_a_new_child_is_pending_until_validated(agent):
    household = family()
    child = child_add(
        actor=parent_of(household),
        household=household,
        child=Child(first_name="Léa", last_name="Martin", birth_date=date(2019, 3, 2), allergies="arachide"),
    )

    request_decide(request=household.requests.get(kind=ChangeRequest.Kind.CHILD), actor=agent, accept=True)

    child.refresh_from_db()
    assert child.status == Decision.VALIDATED


def test_a_new_qf_applies_only_once_its_proof_is_checked(agent):
    household = family()
    declaration = QfDeclaration(qf=640, source="caf", valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31))

    request = qf_change_request(
        actor=parent_of(household),
        household=household,
        declaration=declaration,
        proof=io.BytesIO(pdf_bytes()),
        proof_name="attestation CAF.pdf",
    )
    household.refresh_from_db()
    before = household.qf
    request_decide(request=request, actor=agent, accept=True)

    household.refresh_from_db()
    assert before is None and household.qf == 640 and household.qf_valid_to == date(2026, 12, 31)
    assert request.proof.owner == f"families.household:{household.pk}"
    assert request.proof.document_type.name == "Justificatif de quotient familial"


def test_a_parent_belongs_to_one_household(in_clisson):
    household = family()

    with pytest.raises(ValidationError):
        household_create(
            user=parent_of(household),
            name="Autre",
            address=Address("1 rue", "44330", "Le Pallet", True),
            first_name="A",
            last_name="B",
            phone="0612345678",
        )


def test_the_first_guardian_invites_the_second_and_no_third(in_clisson, django_capture_on_commit_callbacks):
    household = family()

    with django_capture_on_commit_callbacks(execute=True):
        second = guardian_invite(
            actor=parent_of(household),
            household=household,
            first_name="Sam",
            last_name="Martin",
            email="sam@example.test",
            phone="0611111111",
        )

    assert second.user.role == Role.PARENT and not second.user.has_usable_password()
    assert mail.outbox[-1].to == ["sam@example.test"]
    with pytest.raises(ValidationError, match="au plus deux"):
        guardian_invite(
            actor=parent_of(household),
            household=household,
            first_name="X",
            last_name="Y",
            email="x@example.test",
            phone="0611111112",
        )
    assert not User.objects.filter(email="x@example.test").exists()


def test_a_refused_household_is_corrected_and_sent_again(agent):
    household = family()
    request_decide(request=household.requests.get(), actor=agent, accept=False, reason="Adresse incomplète")

    again = household_create(
        user=parent_of(household),
        name="Famille Martin",
        address=Address("3 rue des Vignes, bât. B", "44330", "Le Pallet", True),
        first_name="Camille",
        last_name="Martin",
        phone="0612345678",
    )

    assert again.pk == household.pk and again.status == Decision.PENDING
    assert household.requests.filter(status=Decision.PENDING, kind=ChangeRequest.Kind.HOUSEHOLD).count() == 1


def test_one_pending_qf_request_at_a_time(agent):
    household = family()
    declaration = QfDeclaration(qf=640, source="caf", valid_from=date(2026, 1, 1), valid_to=None)
    ask = dict(actor=parent_of(household), household=household, declaration=declaration, proof_name="caf.pdf")
    qf_change_request(proof=io.BytesIO(pdf_bytes()), **ask)

    with pytest.raises(ValidationError, match="attend déjà la mairie"):
        qf_change_request(proof=io.BytesIO(pdf_bytes()), **ask)


def test_only_an_administrator_changes_a_login_email_and_the_old_address_is_told(
    agent, django_capture_on_commit_callbacks
):
    guardian = family().guardians.get()
    old = guardian.email

    with pytest.raises(ValidationError):
        guardian_change_email(guardian=guardian, actor=UserFactory(role=Role.FINANCE), email="x@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        guardian_change_email(guardian=guardian, actor=agent, email="nouvelle@example.test")

    assert mail.outbox[-1].to == [old] and "nouvelle@example.test" in mail.outbox[-1].body


def test_a_second_guardian_may_have_no_account(in_clisson):
    household = family()

    guardian = guardian_invite(
        actor=parent_of(household),
        household=household,
        first_name="Sam",
        last_name="Martin",
        email="Sam@example.test",
        phone="0611111111",
        with_account=False,
    )

    assert guardian.user is None and guardian.email == "sam@example.test"
    assert not User.objects.filter(email__iexact="sam@example.test").exists()
