"""An account created by the mairie is activated through a single-use link sent by e-mail."""

import re

from django.core import mail
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.services import user_invite
from conftest import host_client
from core.roles import Role

NEW_PASSWORD = "mon-nouveau-mot-de-passe"


def invite(django_capture_on_commit_callbacks, email="agent@example.test") -> str:
    with schema_context("clisson"), django_capture_on_commit_callbacks(execute=True):
        user_invite(email=email, role=Role.ANIMATOR)
    (message,) = [m for m in mail.outbox if email in m.to]
    return re.search(r"http://clisson\.localhost:8000(/compte/activation/\S+)", message.body).group(1)


def activate(client, path: str, password: str = NEW_PASSWORD):
    form_page = client.get(path, follow=True)
    # The form posts back to the page it is on (no action attribute), like a browser would.
    assert '<form method="post">' in form_page.text
    return form_page, client.post(form_page.redirect_chain[-1][0], {"password1": password, "password2": password})


def test_invited_person_chooses_a_password_then_logs_in(clisson, django_capture_on_commit_callbacks):
    path = invite(django_capture_on_commit_callbacks)
    client = host_client("clisson.localhost")

    form_page, activated = activate(client, path)
    login = client.post("/compte/login/", {"login": "agent@example.test", "password": NEW_PASSWORD})

    assert "Activation de mon espace" in form_page.text
    assert activated.status_code == 302 and activated["Location"] == "/compte/login/"
    assert login.status_code == 302
    with schema_context("clisson"):
        assert User.objects.get(email="agent@example.test").role == Role.ANIMATOR


def test_activation_link_works_only_once(clisson, django_capture_on_commit_callbacks):
    path = invite(django_capture_on_commit_callbacks)
    activate(host_client("clisson.localhost"), path)

    again = host_client("clisson.localhost").get(path, follow=True)

    assert "n'est plus valable" in again.text


def test_invited_account_cannot_log_in_before_activation(clisson, django_capture_on_commit_callbacks):
    invite(django_capture_on_commit_callbacks)

    response = host_client("clisson.localhost").post("/compte/login/", {"login": "agent@example.test", "password": ""})

    assert response.status_code == 200


def test_activation_link_of_a_commune_is_worthless_on_another(clisson, gorges, django_capture_on_commit_callbacks):
    path = invite(django_capture_on_commit_callbacks)

    response = host_client("gorges.localhost").get(path, follow=True)

    assert "n'est plus valable" in response.text


def test_invitation_email_is_in_french_and_names_the_commune(clisson, django_capture_on_commit_callbacks):
    invite(django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.subject == "[Clisson] Activez votre espace sur le Portail Famille"
    assert "choisissez votre mot de passe" in message.body
