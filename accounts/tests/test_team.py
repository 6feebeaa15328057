"""Administrators invite their colleagues and partners' managers into the back-office."""

import pytest
from django.core import mail

from accounts.models import User
from audit.models import AuditEntry
from conftest import signed_in
from core.roles import Role
from tests.factories import UserFactory


def test_administrator_invites_a_service_manager(in_clisson, django_capture_on_commit_callbacks):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    client = signed_in(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/gestion/equipe/", {"email": "ifac@example.test", "first_name": "Inès", "role": "service_manager"}
        )

    manager = User.objects.get(email="ifac@example.test")
    assert response.status_code == 302 and manager.role == Role.SERVICE_MANAGER
    assert not manager.has_usable_password()
    assert mail.outbox[-1].to == ["ifac@example.test"] and "/compte/activation/" in mail.outbox[-1].body
    assert AuditEntry.objects.get(action="accounts.invite").actor == administrator
    page = client.get("/gestion/equipe/").content.decode()
    assert "ifac@example.test" in page and "Responsable de service" in page and "invitation envoyée" in page


def test_an_address_already_used_is_refused(in_clisson):
    UserFactory(email="deja@example.test")
    client = signed_in(UserFactory(role=Role.ADMINISTRATOR))

    response = client.post("/gestion/equipe/", {"email": "DEJA@example.test", "role": "animator"})

    assert "Un compte existe déjà avec cette adresse." in response.content.decode()
    assert User.objects.filter(email__iexact="deja@example.test").count() == 1


def test_parents_cannot_be_invited_here(in_clisson):
    client = signed_in(UserFactory(role=Role.ADMINISTRATOR))

    response = client.post("/gestion/equipe/", {"email": "p@example.test", "role": "parent"})

    assert response.status_code == 200 and not User.objects.filter(email="p@example.test").exists()


@pytest.mark.parametrize("role", [Role.SERVICE_MANAGER, Role.ANIMATOR, Role.FINANCE, Role.PARENT])
def test_only_administrators_manage_the_team(in_clisson, role):
    client = signed_in(UserFactory(role=role))

    assert client.get("/gestion/equipe/").status_code == 403
    assert client.post("/gestion/equipe/", {"email": "x@example.test", "role": "administrator"}).status_code == 403
    assert not User.objects.filter(email="x@example.test").exists()
