"""Self sign-up on a commune: the account works only once its e-mail address is confirmed."""

import re

from django.core import mail
from django_tenants.utils import schema_context

from accounts.models import User
from conftest import host_client
from core.roles import Role

PASSWORD = "un-mot-de-passe-solide"


def test_sign_up_confirm_the_email_then_log_in(clisson, django_capture_on_commit_callbacks):
    client = host_client("clisson.localhost")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/signup/", {"email": "nouveau@example.test", "password1": PASSWORD, "password2": PASSWORD})
    before_confirmation = host_client("clisson.localhost").post(
        "/compte/login/", {"login": "nouveau@example.test", "password": PASSWORD}
    )

    (message,) = mail.outbox
    confirm_path = re.search(r"http://clisson\.localhost(?::\d+)?(/compte/confirm-email/\S+)", message.body).group(1)
    client.post(confirm_path)
    after = host_client("clisson.localhost").post(
        "/compte/login/", {"login": "nouveau@example.test", "password": PASSWORD}
    )

    assert message.subject.startswith("[Clisson]")
    assert message.body.startswith("Bonjour,") and "Le Portail Famille de Clisson" in message.body
    assert before_confirmation["Location"] == "/compte/confirm-email/"
    assert after.status_code == 302 and after["Location"] == "/famille/"  # a parent lands on their dashboard
    with schema_context("clisson"):
        assert User.objects.get(email="nouveau@example.test").role == Role.PARENT
    with schema_context("gorges"):
        assert not User.objects.filter(email="nouveau@example.test").exists()


def test_sign_up_is_closed_on_the_platform_domain(platform_client):
    response = platform_client.post(
        "/compte/signup/", {"email": "x@example.test", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert "les inscriptions sont actuellement fermées" in response.text
    assert not User.objects.filter(email="x@example.test").exists()


def test_confirmation_link_of_one_commune_confirms_nothing_in_another(
    clisson, gorges, django_capture_on_commit_callbacks
):
    for host, email in (("clisson.localhost", "a@example.test"), ("gorges.localhost", "victime@example.test")):
        with django_capture_on_commit_callbacks(execute=True):
            host_client(host).post("/compte/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD})
    clisson_mail = next(m for m in mail.outbox if m.to == ["a@example.test"])
    path = re.search(r"(/compte/confirm-email/\S+)", clisson_mail.body).group(1)

    host_client("gorges.localhost").post(path)

    with schema_context("gorges"):
        from allauth.account.models import EmailAddress

        assert not EmailAddress.objects.filter(verified=True).exists()
