"""Writes on user accounts."""

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import Role, User
from accounts.tasks import send_invitation
from tenants.queue import delay_on_commit


def user_invite(*, email: str, role: Role, first_name: str = "", last_name: str = "") -> User:
    """Create an account without a password and e-mail its activation link.

    The link (see `accounts.tokens`) lets the person choose a password once;
    it is sent by Celery after the surrounding transaction commits, so a
    rolled-back onboarding never e-mails anyone.
    """
    with transaction.atomic():
        user = User.objects.create_user(email, None, role=role, first_name=first_name, last_name=last_name)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    delay_on_commit(send_invitation, user_id=user.pk)
    return user


def user_activate(*, user: User) -> None:
    """Following the activation link proves the address belongs to the person."""
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
