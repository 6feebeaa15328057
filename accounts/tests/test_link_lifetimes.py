"""A password-reset link lives one hour, an invitation's activation link 7 days (accounts/tokens.py)."""

import re
from datetime import timedelta

from django.core import mail
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.services import user_invite
from conftest import CLISSON, host_client
from core.roles import Role
from core.testing import paris
from tests.factories import UserFactory

NEW_PASSWORD = "mon-nouveau-mot-de-passe"
ASKED = paris(2026, 3, 2, 9, 0)
EXPIRED_RESET = "Ce lien de réinitialisation n'est plus valable : il a déjà servi, ou il a expiré"
EXPIRED_ACTIVATION = "Ce lien d'activation n'est plus valable"


def last_link(pattern: str) -> str:
    (path,) = re.findall(rf"http://{re.escape(CLISSON.host)}(?::\d+)?(/compte/{pattern}/\S+)", mail.outbox[-1].body)
    return path


def ask_for_a_reset(email: str, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        answer = host_client(CLISSON.host).post("/compte/password/reset/", {"email": email})
    assert answer.status_code == 302
    return last_link("password/reset/key")


def invite(email: str, django_capture_on_commit_callbacks) -> str:
    with schema_context(CLISSON.slug), django_capture_on_commit_callbacks(execute=True):
        user_invite(email=email, role=Role.ANIMATOR)
    return last_link("activation")


def choose_password(path: str):
    """Follow the link in a fresh browser; (the page shown, the answer to the new password or None)."""
    client = host_client(CLISSON.host)
    page = client.get(path, follow=True)
    if 'name="password1"' not in page.text:
        return page, None
    return page, client.post(page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def can_log_in(email: str) -> bool:
    answer = host_client(CLISSON.host).post("/compte/login/", {"login": email, "password": NEW_PASSWORD})
    return answer.status_code == 302


def test_a_reset_link_works_within_the_hour(clisson, frozen_at, django_capture_on_commit_callbacks):
    with schema_context(CLISSON.slug):
        parent = UserFactory()
    frozen_at(ASKED)
    path = ask_for_a_reset(parent.email, django_capture_on_commit_callbacks)

    frozen_at(ASKED + timedelta(minutes=59))
    page, changed = choose_password(path)

    assert "Choisissez le nouveau mot de passe de votre espace." in page.text
    assert changed.status_code == 302
    assert can_log_in(parent.email)


def test_an_expired_reset_link_is_refused_with_a_clear_message(clisson, frozen_at, django_capture_on_commit_callbacks):
    with schema_context(CLISSON.slug):
        parent = UserFactory()
    frozen_at(ASKED)
    path = ask_for_a_reset(parent.email, django_capture_on_commit_callbacks)

    frozen_at(ASKED + timedelta(hours=1, minutes=1))
    page, changed = choose_password(path)

    assert changed is None
    assert EXPIRED_RESET in page.text
    assert "il n'est valable qu'une heure" in page.text
    assert 'href="/compte/password/reset/"' in page.text
    assert not can_log_in(parent.email)


def test_a_reset_key_does_not_gain_the_invitations_week_on_the_activation_page(
    clisson, frozen_at, django_capture_on_commit_callbacks
):
    with schema_context(CLISSON.slug):
        parent = UserFactory()
    frozen_at(ASKED)
    uid_and_key = ask_for_a_reset(parent.email, django_capture_on_commit_callbacks).split("/")[-2]
    uidb36, key = uid_and_key.split("-", 1)

    frozen_at(ASKED + timedelta(hours=2))
    page, changed = choose_password(f"/compte/activation/{uidb36}/{key}/")

    assert changed is None
    assert EXPIRED_ACTIVATION in page.text


def test_a_six_day_old_invitation_still_activates_the_account(clisson, frozen_at, django_capture_on_commit_callbacks):
    frozen_at(ASKED)
    path = invite("agent@example.test", django_capture_on_commit_callbacks)

    frozen_at(ASKED + timedelta(days=6))
    page, activated = choose_password(path)

    assert "Activation de mon espace" in page.text
    assert activated.status_code == 302 and activated["Location"] == "/compte/login/"
    assert can_log_in("agent@example.test")
    with schema_context(CLISSON.slug):
        assert User.objects.get(email="agent@example.test").emailaddress_set.get().verified


def test_an_invitation_expires_after_seven_days(clisson, frozen_at, django_capture_on_commit_callbacks):
    frozen_at(ASKED)
    path = invite("agent@example.test", django_capture_on_commit_callbacks)

    frozen_at(ASKED + timedelta(days=7, minutes=1))
    page, activated = choose_password(path)

    assert activated is None
    assert EXPIRED_ACTIVATION in page.text
