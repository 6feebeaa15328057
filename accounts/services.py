"""Writes on user accounts."""

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.tokens import activation_path
from audit.services import audit_record
from core.communes import current_commune, portal_url
from core.roles import STAFF_ROLES, Capability, Role, can
from notifications.services import notify, preferences_save


def user_invite(*, email: str, role: Role, first_name: str = "", last_name: str = "") -> User:
    """Create an account without a password and e-mail its activation link.

    The link (see `accounts.tokens`) lets the person choose a password once;
    it is sent through the outbox after the surrounding transaction commits,
    so a rolled-back onboarding never e-mails anyone.
    """
    with transaction.atomic():
        user = User.objects.create_user(email, None, role=role, first_name=first_name, last_name=last_name)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
        commune = current_commune()
        context = {"user": user, "commune": commune, "activation_url": portal_url(commune, activation_path(user))}
        notify("accounts.invitation", to=[user], context=context)
    return user


def staff_invite(*, actor: User, email: str, role: Role, first_name: str = "", last_name: str = "") -> User:
    """An administrator brings a colleague (or a partner's manager) into the commune's back-office."""
    if not can(actor, Capability.TEAM_MANAGE):
        raise PermissionDenied
    if role not in STAFF_ROLES:
        raise ValidationError({"role": _("Ce rôle n'est pas un rôle d'agent.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Un compte existe déjà avec cette adresse.")})
    with transaction.atomic():
        user = user_invite(email=email, role=role, first_name=first_name, last_name=last_name)
        audit_record(actor=actor, action="accounts.invite", target=user, changes={"email": user.email, "role": role})
    return user


def user_activate(*, user: User) -> None:
    """Following the activation link proves the address belongs to the person."""
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)


def account_settings_save(*, user: User, language: str, turned_off: set[str]) -> None:
    """The account's language and the optional e-mails it turned off, saved together."""
    with transaction.atomic():
        user.language = language
        user.save(update_fields=["language"])
        preferences_save(user=user, turned_off=turned_off)
